import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distinctKey64 } from '../hash/value-hash.ts'
import {
  addToDistinctSet,
  createDistinctSet,
  type DistinctSet,
  distinctSetHas,
  mergeDistinctSets,
  removeFromDistinctSet,
} from './distinct-set.ts'

const key = new Int32Array(2)
const add = (set: DistinctSet, value: unknown): boolean => {
  distinctKey64(value, key)
  return addToDistinctSet(set, key[0]!, key[1]!)
}
const remove = (set: DistinctSet, value: unknown): boolean => {
  distinctKey64(value, key)
  return removeFromDistinctSet(set, key[0]!, key[1]!)
}
const has = (set: DistinctSet, value: unknown): boolean => {
  distinctKey64(value, key)
  return distinctSetHas(set, key[0]!, key[1]!)
}

/**
 * Values chosen to collide in naive schemes: zero (the empty-slot marker), equal low words with different
 * high words, multiples of 2^32, negatives, values that differ by the table size, and strings sharing
 * prefixes.
 */
const collisionProne = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -8, max: 8 }).map((high) => high * 2 ** 32),
  fc.integer({ min: -8, max: 8 }).map((high) => high * 2 ** 32 + 7),
  fc.integer({ min: 0, max: 64 }).map((i) => i * 1024),
  fc.integer({ min: 0, max: 40 }).map((i) => `user-${'0'.repeat(i % 5)}${i}`),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0.5, -0.5, 2n ** 63n - 1n, -(2n ** 63n)),
)

describe('distinct set', () => {
  it('behaves as a multiset under random adds and removes of collision-prone values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), collisionProne), { maxLength: 400 }), (operations) => {
        const set = createDistinctSet(true)
        const model = new Map<unknown, number>()
        for (const [adding, value] of operations) {
          const before = model.get(value) ?? 0
          if (adding) {
            expect(add(set, value)).toBe(before === 0)
            model.set(value, before + 1)
          } else {
            expect(remove(set, value)).toBe(before === 1)
            if (before <= 1) model.delete(value)
            else model.set(value, before - 1)
          }
          expect(set.size).toBe(model.size)
        }
        for (const value of model.keys()) expect(has(set, value)).toBe(true)
      }),
    )
  })

  it('counts a million sequential and a million spread-out ids exactly', () => {
    const set = createDistinctSet(false)
    for (let i = 0; i < 1_000_000; i++) add(set, i)
    for (let i = 0; i < 1_000_000; i++) add(set, (i + 1) * 4_294_967_311)
    for (let i = 0; i < 500_000; i++) add(set, i)
    expect(set.size).toBe(2_000_000)
    expect(set.low.length).toBe(2 ** 22)
  })

  it('stays small while ids fit in 32 bits', () => {
    const set = createDistinctSet(false)
    for (let i = 0; i < 1000; i++) add(set, i * 7919)
    expect(set.high).toBeNull()
    add(set, 2 ** 40)
    expect(set.high).not.toBeNull()
    for (let i = 0; i < 1000; i++) expect(has(set, i * 7919)).toBe(true)
  })

  it('unions sets with their multiplicities', () => {
    fc.assert(
      fc.property(fc.array(collisionProne), fc.array(collisionProne), (left, right) => {
        const target = createDistinctSet(true)
        const source = createDistinctSet(true)
        for (const value of left) add(target, value)
        for (const value of right) add(source, value)
        mergeDistinctSets(target, source)
        expect(target.size).toBe(new Set([...left, ...right]).size)
        for (const value of right) remove(target, value)
        expect(target.size).toBe(new Set(left).size)
      }),
    )
  })

  it('keeps the same integer as number and bigint as one value', () => {
    const set = createDistinctSet(false)
    add(set, 12345)
    add(set, 12345n)
    add(set, -7)
    add(set, -7n)
    expect(set.size).toBe(2)
  })
})
