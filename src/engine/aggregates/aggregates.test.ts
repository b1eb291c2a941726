import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AggregateFunction } from './aggregate-function.ts'
import { type AggregateCall, Aggregator } from './aggregator.ts'
import { countDistinct } from './count-distinct.ts'
import { avg, count, sum } from './count-sum-avg.ts'
import { firstValue, lastValue } from './first-last-value.ts'
import { max, min } from './min-max.ts'

/** Feeds values through add, then retracts some, and returns the result. */
function run<A>(
  fn: AggregateFunction<A>,
  added: readonly unknown[],
  retracted: readonly unknown[] = [],
): unknown {
  const acc = fn.create()
  for (const value of added) fn.add(acc, value)
  for (const value of retracted) fn.retract(acc, value)
  return fn.getValue(structuredClone(acc))
}

/** A random multiset of values and a random sub-multiset of them to retract. */
const addedAndRetracted = fc
  .array(fc.integer({ min: -50, max: 50 }), { minLength: 0, maxLength: 60 })
  .chain((added) =>
    fc.subarray(added.map((_, i) => i)).map((indexes) => ({
      added,
      retracted: indexes.map((i) => added[i]!),
      remaining: added.filter((_, i) => !indexes.includes(i)),
    })),
  )

describe('aggregate functions', () => {
  it('agree after retractions with a recomputation over the remaining values', () => {
    fc.assert(
      fc.property(addedAndRetracted, ({ added, retracted, remaining }) => {
        const total = remaining.reduce((a, b) => a + b, 0)
        expect(run(count(), added, retracted)).toBe(remaining.length)
        expect(run(sum(), added, retracted)).toBe(remaining.length === 0 ? null : total)
        expect(run(avg(), added, retracted)).toBe(remaining.length === 0 ? null : total / remaining.length)
        expect(run(min({ retractable: true }), added, retracted)).toBe(
          remaining.length === 0 ? null : Math.min(...remaining),
        )
        expect(run(max({ retractable: true }), added, retracted)).toBe(
          remaining.length === 0 ? null : Math.max(...remaining),
        )
        expect(run(countDistinct({ retractable: true }), added, retracted)).toBe(new Set(remaining).size)
      }),
    )
  })

  it('merge like accumulating both halves in order', () => {
    const functions: AggregateFunction<unknown>[] = [
      count(),
      sum(),
      avg(),
      min(),
      max({ retractable: true }),
      firstValue(),
      lastValue(),
      firstValue({ retractable: true }),
      countDistinct(),
    ]
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 })),
        fc.array(fc.integer({ min: 0, max: 20 })),
        (left, right) => {
          for (const fn of functions) {
            const merged = fn.create()
            const other = fn.create()
            for (const value of left) fn.add(merged, value)
            for (const value of right) fn.add(other, value)
            fn.merge(merged, other)
            expect(fn.getValue(merged), fn.name).toEqual(run(fn, [...left, ...right]))
          }
        },
      ),
    )
  })

  it('keep FIRST_VALUE and LAST_VALUE in arrival order, also after retracting the first', () => {
    expect(run(firstValue(), ['b', 'a', 'c'])).toBe('b')
    expect(run(lastValue(), ['b', 'a', 'c'])).toBe('c')
    expect(run(firstValue({ retractable: true }), ['b', 'a', 'c'], ['b'])).toBe('a')
    expect(run(lastValue({ retractable: true }), ['b', 'a', 'c'], ['c', 'a'])).toBe('b')
    expect(run(lastValue({ retractable: true }), ['b'], ['b'])).toBe(null)
  })

  it('sum bigints exactly and average integers as Flink does', () => {
    expect(run(sum(), [2n ** 60n, 1n, 2])).toBe(2n ** 60n + 3n)
    expect(run(avg({ integerResult: true }), [1, 2])).toBe(1)
    expect(run(avg({ integerResult: true }), [-1, -2])).toBe(-1)
    expect(run(min(), ['b', 'a'])).toBe('a')
  })

  it('refuse to retract where the accumulator cannot', () => {
    expect(() => run(min(), [1], [1])).toThrow(/cannot retract/)
    expect(() => run(countDistinct(), [1], [1])).toThrow(/cannot remove/)
  })
})

describe('Aggregator', () => {
  it('skips nulls, applies FILTER and counts rows for COUNT(*)', () => {
    const calls: AggregateCall[] = [
      { fn: count() },
      { fn: count(), argument: 0 },
      { fn: sum(), argument: 0, filter: (row) => row[1] === true },
      { fn: countDistinct({ retractable: true }), argument: 0 },
    ]
    const aggregator = new Aggregator(calls)
    const accumulators = aggregator.create()
    for (const row of [
      [1, true],
      [null, true],
      [2, false],
      [2, true],
    ])
      aggregator.accumulate(accumulators, row)
    expect(aggregator.resultRow(['k'], accumulators, 1)).toEqual(['k', 4, 3, 3, 2, undefined])
    aggregator.retract(accumulators, [2, true])
    expect(aggregator.resultRow([], accumulators)).toEqual([3, 2, 1, 2])
  })
})
