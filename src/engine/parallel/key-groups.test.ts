import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashStateKey } from '../hash/value-hash.ts'
import { DEFAULT_MAX_PARALLELISM, keyGroup, keyGroupRange, subtaskFor } from './key-groups.ts'

describe('key groups', () => {
  it('puts every key hash into a key group below max parallelism', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 32768 }),
        (hash, max) => {
          const group = keyGroup(hash, max)
          expect(Number.isInteger(group) && group >= 0 && group < max).toBe(true)
        },
      ),
    )
  })

  it('gives each subtask the contiguous range of the groups it owns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1024 }),
        fc.integer({ min: 1, max: 1024 }),
        (maxParallelism, wanted) => {
          const parallelism = Math.min(wanted, maxParallelism)
          let next = 0
          for (let subtask = 0; subtask < parallelism; subtask++) {
            const { first, last } = keyGroupRange(subtask, parallelism, maxParallelism)
            expect(first).toBe(next)
            for (let group = first; group <= last; group++)
              expect(subtaskFor(group, parallelism, maxParallelism)).toBe(subtask)
            next = last + 1
          }
          expect(next).toBe(maxParallelism)
        },
      ),
    )
  })

  it('spreads keys evenly over the key groups', () => {
    const counts = new Array<number>(DEFAULT_MAX_PARALLELISM).fill(0)
    const keys = 128_000
    for (let i = 0; i < keys; i++) counts[keyGroup(hashStateKey(`user-${i}`))]!++
    const expected = keys / DEFAULT_MAX_PARALLELISM
    for (const count of counts) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15)
  })

  it('hashes the same key to the same group whatever its spelling as a state key', () => {
    expect(hashStateKey(42)).toBe(hashStateKey(42))
    expect(hashStateKey(-0)).toBe(hashStateKey(0))
    expect(hashStateKey('42')).not.toBe(hashStateKey(42))
  })
})
