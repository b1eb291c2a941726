import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { insertBatch, type Row, RowKind, rowKindSymbol } from '../rows.ts'
import type { SourceChunk } from '../source.ts'
import { materialize } from '../testing/changelog.ts'
import { runOperator } from '../testing/run-operator.ts'
import { DeduplicateOperator } from './deduplicate.ts'
import { TopNOperator } from './top-n.ts'

/** Rows are `[partition, score, id]`, ranked by score descending, ties in arrival order. */
const byScoreDescending = (left: Row, right: Row): number => (right[1] as number) - (left[1] as number)

function bruteForceTopN(rows: readonly Row[], limit: number, withRank: boolean, rankStart = 1): string[] {
  const partitions = new Map<unknown, Row[]>()
  for (const row of rows) partitions.set(row[0], [...(partitions.get(row[0]) ?? []), row])
  return [...partitions.values()]
    .flatMap((members) =>
      [...members]
        .sort(byScoreDescending)
        .slice(rankStart - 1, limit)
        .map((row, i) => JSON.stringify(withRank ? [...row, rankStart + i] : row)),
    )
    .sort()
}

const rowsArbitrary = fc.array(fc.tuple(fc.constantFrom('p', 'q'), fc.integer({ min: 0, max: 10 })), {
  maxLength: 120,
})

describe('Top-N', () => {
  it('maintains the top N of an insert-only input, with and without the rank column', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (generated, limit, outputRank) => {
          const rows = generated.map(([partition, score], id) => [partition, score, id])
          const operator = new TopNOperator({
            partitionBy: [0],
            compare: byScoreDescending,
            limit,
            outputRank,
            input: 'insert-only',
          })
          const chunks = rows.map((row) => ({ partition: 0, batch: insertBatch([row]) }))
          const { output } = await runOperator(operator, chunks)
          expect(materialize(output.rows, output.kinds)).toEqual(bruteForceTopN(rows, limit, outputRank))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('promotes the next row when a top row is retracted from a changelog input', async () => {
    const operations = fc.array(
      fc.tuple(fc.boolean(), fc.nat(), fc.constantFrom('p', 'q'), fc.integer({ min: 0, max: 10 })),
      {
        maxLength: 120,
      },
    )
    await fc.assert(
      fc.asyncProperty(
        operations,
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (steps, limit, outputRank) => {
          const live: Row[] = []
          const chunks: SourceChunk[] = []
          steps.forEach(([remove, pick, partition, score], id) => {
            if (remove && live.length > 0) {
              const [row] = live.splice(pick % live.length, 1)
              chunks.push({ partition: 0, batch: { rows: [row!], kinds: Uint8Array.of(RowKind.Delete) } })
            } else {
              const row = [partition, score, id]
              live.push(row)
              chunks.push({ partition: 0, batch: insertBatch([row]) })
            }
          })
          const operator = new TopNOperator({
            partitionBy: [0],
            compare: byScoreDescending,
            limit,
            outputRank,
            input: 'changelog',
          })
          const { output } = await runOperator(operator, chunks)
          expect(materialize(output.rows, output.kinds)).toEqual(bruteForceTopN(live, limit, outputRank))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('with a rank offset, emits and retracts exactly the rows entering and leaving ranks start..end', async () => {
    const operations = fc.array(
      fc.tuple(fc.boolean(), fc.nat(), fc.constantFrom('p', 'q'), fc.integer({ min: 0, max: 10 })),
      { maxLength: 120 },
    )
    await fc.assert(
      fc.asyncProperty(
        operations,
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (steps, rankStart, extra, outputRank, retracting) => {
          const live: Row[] = []
          const chunks: SourceChunk[] = []
          steps.forEach(([remove, pick, partition, score], id) => {
            if (retracting && remove && live.length > 0) {
              const [row] = live.splice(pick % live.length, 1)
              chunks.push({ partition: 0, batch: { rows: [row!], kinds: Uint8Array.of(RowKind.Delete) } })
            } else {
              const row = [partition, score, id]
              live.push(row)
              chunks.push({ partition: 0, batch: insertBatch([row]) })
            }
          })
          const limit = rankStart + extra
          const operator = new TopNOperator({
            partitionBy: [0],
            compare: byScoreDescending,
            limit,
            rankStart,
            outputRank,
            input: retracting ? 'changelog' : 'insert-only',
          })
          const { output } = await runOperator(operator, chunks)
          expect(materialize(output.rows, output.kinds)).toEqual(
            bruteForceTopN(live, limit, outputRank, rankStart),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('moves rows into an offset range as rows above it arrive', async () => {
    const operator = new TopNOperator({
      partitionBy: [0],
      compare: byScoreDescending,
      limit: 3,
      rankStart: 2,
      outputRank: false,
      input: 'insert-only',
    })
    const { output } = await runOperator(operator, [
      { partition: 0, batch: insertBatch([['p', 5, 0]]) },
      { partition: 0, batch: insertBatch([['p', 9, 1]]) },
      { partition: 0, batch: insertBatch([['p', 7, 2]]) },
      { partition: 0, batch: insertBatch([['p', 8, 3]]) },
    ])
    expect(output.rows.map((row, i) => `${rowKindSymbol(output.kinds[i]!)}${row[2]}`)).toEqual([
      '+I0', // 9 ranks first: 5 moves to rank 2
      '+I2', // 7 takes rank 2, 5 rank 3
      '-D0', // 8 takes rank 2: 5 falls to rank 4
      '+I3',
    ])
  })

  it('updates the ranks below a new row', async () => {
    const operator = new TopNOperator({
      partitionBy: [0],
      compare: byScoreDescending,
      limit: 2,
      outputRank: true,
      input: 'insert-only',
    })
    const { output } = await runOperator(operator, [
      {
        partition: 0,
        batch: insertBatch([
          ['p', 5, 0],
          ['p', 3, 1],
          ['p', 9, 2],
          ['p', 1, 3],
        ]),
      },
    ])
    expect(output.rows.map((row, i) => [output.kinds[i], ...row])).toEqual([
      [RowKind.Insert, 'p', 5, 0, 1],
      [RowKind.Insert, 'p', 3, 1, 2],
      [RowKind.UpdateBefore, 'p', 5, 0, 1],
      [RowKind.UpdateAfter, 'p', 9, 2, 1],
      [RowKind.UpdateBefore, 'p', 3, 1, 2],
      [RowKind.UpdateAfter, 'p', 5, 0, 2],
    ])
  })
})

describe('deduplication', () => {
  const rows = [
    ['a', 3, 'first a'],
    ['b', 5, 'first b'],
    ['a', 1, 'earliest a'],
    ['a', 7, 'latest a'],
    ['b', 5, 'tie b'],
  ]
  const run = async (keep: 'first' | 'last', timeColumn?: number) => {
    const operator = new DeduplicateOperator({
      key: [0],
      keep,
      ...(timeColumn === undefined ? {} : { timeColumn }),
    })
    const { output } = await runOperator(operator, [{ partition: 0, batch: insertBatch(rows) }])
    return output
  }

  it('keeps the first row per key as an insert-only stream', async () => {
    const output = await run('first')
    expect(output.rows.map((row) => row[2])).toEqual(['first a', 'first b'])
    expect(output.kinds).toEqual([RowKind.Insert, RowKind.Insert])
  })

  it('keeps the last row per key as a changelog', async () => {
    const output = await run('last')
    expect(materialize(output.rows, output.kinds)).toEqual([JSON.stringify(rows[3]), JSON.stringify(rows[4])])
    expect(output.kinds).toContain(RowKind.UpdateBefore)
  })

  it('keeps the earliest or latest by event time', async () => {
    const first = await run('first', 1)
    expect(materialize(first.rows, first.kinds)).toEqual([JSON.stringify(rows[2]), JSON.stringify(rows[1])])
    const last = await run('last', 1)
    expect(materialize(last.rows, last.kinds)).toEqual([JSON.stringify(rows[3]), JSON.stringify(rows[4])])
  })
})
