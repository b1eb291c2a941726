import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AggregateCall } from '../aggregates/aggregator.ts'
import { countDistinct } from '../aggregates/count-distinct.ts'
import { avg, count, sum } from '../aggregates/count-sum-avg.ts'
import { max, min } from '../aggregates/min-max.ts'
import { groupBy, groupingSets, rollupSets } from '../grouping/grouping.ts'
import { type Row, RowKind } from '../rows.ts'
import type { SourceChunk } from '../source.ts'
import { materialize } from '../testing/changelog.ts'
import { runOperator } from '../testing/run-operator.ts'
import { GroupAggregateOperator } from './group-aggregate.ts'

/** Input rows are `[key, region, value]`. */
const aggregates = (): AggregateCall[] => [
  { fn: count() },
  { fn: sum(), argument: 2 },
  { fn: avg(), argument: 2 },
  { fn: min({ retractable: true }), argument: 2 },
  { fn: max({ retractable: true }), argument: 2 },
  { fn: countDistinct({ retractable: true }), argument: 2 },
]

function recompute(rows: readonly Row[], keyOf: (row: Row) => unknown[][]): string[] {
  const groups = new Map<string, { key: unknown[]; values: number[]; rows: number }>()
  for (const row of rows) {
    for (const key of keyOf(row)) {
      const name = JSON.stringify(key)
      const group = groups.get(name) ?? { key, values: [], rows: 0 }
      group.rows++
      if (row[2] !== null) group.values.push(row[2] as number)
      groups.set(name, group)
    }
  }
  return [...groups.values()]
    .map(({ key, values, rows: count }) => {
      const total = values.reduce((a, b) => a + b, 0)
      const none = values.length === 0
      return JSON.stringify([
        ...key,
        count,
        none ? null : total,
        none ? null : total / values.length,
        none ? null : Math.min(...values),
        none ? null : Math.max(...values),
        new Set(values).size,
      ])
    })
    .sort()
}

interface Changelog {
  readonly chunks: SourceChunk[]
  /** The input rows that remain after all retractions. */
  readonly live: Row[]
}

/** Random inserts, deletes and updates (as -U/+U pairs, sometimes split across batches) of `[key, region, value]`. */
const changelogs: fc.Arbitrary<Changelog> = fc
  .array(
    fc.record({
      action: fc.constantFrom('insert', 'insert', 'delete', 'update'),
      pick: fc.nat(),
      row: fc.tuple(
        fc.constantFrom('a', 'b', 'c'),
        fc.constantFrom('eu', 'us'),
        fc.option(fc.integer({ min: -9, max: 9 }), { freq: 6 }),
      ),
      cut: fc.boolean(),
    }),
    { maxLength: 150 },
  )
  .map((steps) => {
    const live: Row[] = []
    const batches: { rows: Row[]; kinds: number[] }[] = [{ rows: [], kinds: [] }]
    const push = (row: Row, kind: RowKind): void => {
      batches[batches.length - 1]!.rows.push(row)
      batches[batches.length - 1]!.kinds.push(kind)
    }
    for (const { action, pick, row, cut } of steps) {
      if (action === 'insert' || live.length === 0) {
        live.push(row)
        push(row, RowKind.Insert)
      } else {
        const [old] = live.splice(pick % live.length, 1)
        push(old!, action === 'delete' ? RowKind.Delete : RowKind.UpdateBefore)
        if (action === 'update') {
          if (cut) batches.push({ rows: [], kinds: [] })
          live.push(row)
          push(row, RowKind.UpdateAfter)
        }
      }
      if (cut) batches.push({ rows: [], kinds: [] })
    }
    const chunks = batches
      .filter((batch) => batch.rows.length > 0)
      .map(
        (batch): SourceChunk => ({
          partition: 0,
          batch: { rows: batch.rows, kinds: Uint8Array.from(batch.kinds) },
        }),
      )
    return { chunks, live }
  })

describe('group aggregate', () => {
  it('ends, after any changelog, in the state a recomputation over the remaining rows gives', async () => {
    await fc.assert(
      fc.asyncProperty(changelogs, async ({ chunks, live }) => {
        const operator = new GroupAggregateOperator({ grouping: groupBy([0]), aggregates: aggregates() })
        const { output, deadLetters } = await runOperator(operator, chunks)
        expect(deadLetters.rows).toEqual([])
        expect(materialize(output.rows, output.kinds)).toEqual(recompute(live, (row) => [[row[0]]]))
      }),
      { numRuns: 200 },
    )
  })

  it('keeps an upsert view by key equal to the recomputation', async () => {
    await fc.assert(
      fc.asyncProperty(changelogs, async ({ chunks, live }) => {
        const operator = new GroupAggregateOperator({
          grouping: groupBy([0]),
          aggregates: aggregates(),
          changelogMode: 'upsert',
        })
        const { output } = await runOperator(operator, chunks)
        expect(output.kinds).not.toContain(RowKind.UpdateBefore)
        const view = new Map<unknown, Row>()
        output.rows.forEach((row, i) => {
          if (output.kinds[i] === RowKind.Delete) view.delete(row[0])
          else view.set(row[0], row)
        })
        expect([...view.values()].map((row) => JSON.stringify(row)).sort()).toEqual(
          recompute(live, (row) => [[row[0]]]),
        )
      }),
      { numRuns: 100 },
    )
  })

  it('maintains every grouping set of a ROLLUP under retraction', async () => {
    await fc.assert(
      fc.asyncProperty(changelogs, async ({ chunks, live }) => {
        const grouping = groupingSets([0, 1], rollupSets([0, 1]))
        const operator = new GroupAggregateOperator({ grouping, aggregates: aggregates() })
        const { output } = await runOperator(operator, chunks)
        const keys = (row: Row): unknown[][] => [
          [row[0], row[1], 0],
          [row[0], null, 1],
          [null, null, 3],
        ]
        expect(materialize(output.rows, output.kinds)).toEqual(recompute(live, keys))
      }),
      { numRuns: 100 },
    )
  })

  it('emits +I, -U/+U, nothing for an unchanged result, and -D when the last row goes', async () => {
    const batch = (rows: Row[], kinds: RowKind[]): SourceChunk => ({
      partition: 0,
      batch: { rows, kinds: Uint8Array.from(kinds) },
    })
    const operator = new GroupAggregateOperator({
      grouping: groupBy([0]),
      aggregates: [{ fn: sum(), argument: 1 }],
    })
    const { output, deadLetters } = await runOperator(operator, [
      batch([['a', 1]], [RowKind.Insert]),
      batch(
        [
          ['a', 2],
          ['a', 3],
        ],
        [RowKind.Insert, RowKind.Insert],
      ),
      batch([['a', 0]], [RowKind.Insert]),
      batch(
        [
          ['a', 1],
          ['a', 2],
          ['a', 3],
          ['a', 0],
          ['z', 1],
        ],
        [RowKind.Delete, RowKind.Delete, RowKind.UpdateBefore, RowKind.Delete, RowKind.Delete],
      ),
    ])
    expect(output.rows.map((row, i) => [output.kinds[i], ...row])).toEqual([
      [RowKind.Insert, 'a', 1],
      [RowKind.UpdateBefore, 'a', 1],
      [RowKind.UpdateAfter, 'a', 6],
      [RowKind.Delete, 'a', 6],
    ])
    expect(deadLetters.rows.map((row) => row[1])).toEqual(['unmatched-retraction'])
  })
})
