import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cubeSets, groupBy, groupingSets, rollupSets } from './grouping.ts'
import { keyEncoder } from './key-encoder.ts'

const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constant(null),
  fc.boolean(),
  fc.bigInt(),
)

describe('key encoder', () => {
  it('gives equal keys exactly to equal composite values', () => {
    fc.assert(
      fc.property(fc.tuple(value, value, value), fc.tuple(value, value, value), (left, right) => {
        const encode = keyEncoder([0, 1, 2])
        const same = left.every((item, i) => Object.is(item, right[i]) || (item === 0 && right[i] === 0))
        expect(encode(left) === encode(right)).toBe(same)
      }),
    )
  })

  it('keeps single numbers, strings and null as the key itself', () => {
    const encode = keyEncoder([1])
    expect(encode(['x', 7])).toBe(7)
    expect(encode(['x', 'seven'])).toBe('seven')
    expect(encode(['x', null])).toBe(null)
  })

  it('does not confuse separators inside strings', () => {
    const encode = keyEncoder([0, 1])
    expect(encode(['a|b', 'c'])).not.toBe(encode(['a', 'b|c']))
    expect(encode(['s1:a', ''])).not.toBe(encode(['', 's1:a']))
  })
})

describe('grouping sets', () => {
  it('nulls rolled-up columns and appends the GROUPING bitmask', () => {
    const grouping = groupingSets([0, 1, 2], rollupSets([0, 1, 2]))
    const row = ['web', 'ios', 'books', 9.5]
    expect(grouping.setCount).toBe(4)
    expect([0, 1, 2, 3].map((set) => grouping.keyRow(row, set))).toEqual([
      ['web', 'ios', 'books', 0b000],
      ['web', 'ios', null, 0b001],
      ['web', null, null, 0b011],
      [null, null, null, 0b111],
    ])
  })

  it('keeps keys of different sets apart even when the kept values coincide', () => {
    const grouping = groupingSets([0, 1], [[0], [1]])
    expect(grouping.key(['a', 'a'], 0)).not.toBe(grouping.key(['a', 'a'], 1))
    expect(grouping.key([null, 'x'], 0)).not.toBe(grouping.key(['x', null], 1))
  })

  it('builds CUBE from the full set down to the grand total', () => {
    expect(cubeSets([4, 7])).toEqual([[4, 7], [4], [7], []])
    expect(() => groupingSets([0], [[1]])).toThrow(/not a group column/)
  })

  it('groups a plain GROUP BY by one key per row', () => {
    const grouping = groupBy([2, 0])
    expect(grouping.setCount).toBe(1)
    expect(grouping.keyRow([1, 2, 3], 0)).toEqual([3, 1])
    expect(groupBy([]).key([1], 0)).toBe('')
  })
})
