import { describe, expect, it } from 'vitest'
import { approxCountDistinct } from './approx-count-distinct.ts'

describe('APPROX_COUNT_DISTINCT (HyperLogLog, p = 14)', () => {
  it('estimates a million distinct values within 2%', () => {
    const fn = approxCountDistinct()
    const numbers = fn.create()
    const strings = fn.create()
    for (let i = 0; i < 1_000_000; i++) {
      fn.add(numbers, i)
      fn.add(strings, `user-${i}`)
    }
    for (const sketch of [numbers, strings]) {
      const estimate = fn.getValue(sketch) as number
      expect(Math.abs(estimate - 1_000_000) / 1_000_000).toBeLessThan(0.02)
    }
  })

  it('is close to exact for small cardinalities and ignores duplicates', () => {
    const fn = approxCountDistinct()
    for (const n of [0, 1, 10, 100, 1000]) {
      const sketch = fn.create()
      for (let round = 0; round < 3; round++) for (let i = 0; i < n; i++) fn.add(sketch, i * 31)
      expect(Math.abs((fn.getValue(sketch) as number) - n)).toBeLessThanOrEqual(Math.max(1, n * 0.01))
    }
  })

  it('merges to the sketch of the union', () => {
    const fn = approxCountDistinct()
    const left = fn.create()
    const right = fn.create()
    const both = fn.create()
    for (let i = 0; i < 200_000; i++) {
      fn.add(i % 2 === 0 ? left : right, i)
      fn.add(both, i)
    }
    fn.merge(left, right)
    expect(fn.getValue(left)).toBe(fn.getValue(both))
  })

  it('rejects retraction and bad precision', () => {
    const fn = approxCountDistinct()
    expect(() => fn.retract(fn.create(), 1)).toThrow(/cannot retract/)
    expect(() => approxCountDistinct(3)).toThrow(RangeError)
  })
})
