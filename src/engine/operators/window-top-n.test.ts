import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { systemClock } from '../clock.ts'
import { readDeadLetter } from '../dead-letter.ts'
import { OperatorMetrics } from '../metrics.ts'
import { type Batch, insertBatch, type Row } from '../rows.ts'
import { heapStateBackend } from '../state/heap-state.ts'
import { EVENT_COLUMNS, eventStreams, watermarksAtArrival } from '../testing/event-streams.ts'
import { runOperator } from '../testing/run-operator.ts'
import { boundedOutOfOrderness } from '../time/watermark-generator.ts'
import { alignedStart } from '../windows/window.ts'
import { WindowTopNOperator, type WindowTopNOptions } from './window-top-n.ts'

const { id, key, time, value } = EVENT_COLUMNS
/** Event rows extended by their TUMBLE window's end, as a window TVF or window aggregate delivers them. */
const windowEnd = 5

/** By value descending, NULLs last; equal values tie. */
const byValueDescending = (left: Row, right: Row): number =>
  ((right[value] as number | null) ?? Number.NEGATIVE_INFINITY) -
  ((left[value] as number | null) ?? Number.NEGATIVE_INFINITY)

const options = (rankStart: number, rankEnd: number, outputRank: boolean): WindowTopNOptions => ({
  partitionBy: [key, windowEnd],
  windowEnd,
  compare: byValueDescending,
  rankStart,
  rankEnd,
  outputRank,
})

const withWindowEnd = (row: Row, size: number): Row => [
  ...row,
  alignedStart(row[time] as number, size, 0) + size,
]

describe('window Top-N', () => {
  it('emits ranks rankStart..rankEnd of each window and partition once, counting rows of fired windows late', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 500, max: 5000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        eventStreams({ lateRatio: 0.1, maxEvents: 150 }),
        async (size, rankStart, extra, outputRank, stream) => {
          const rankEnd = rankStart + extra
          const arrival = watermarksAtArrival(stream)
          // Brute force: on-time rows in arrival order, grouped by (key, window end), stably sorted.
          const partitions = new Map<string, Row[]>()
          const late: number[] = []
          for (const chunk of stream.chunks) {
            for (const event of chunk.batch.rows) {
              const row = withWindowEnd(event, size)
              if ((row[windowEnd] as number) - 1 <= arrival.get(row[id] as number)!) {
                late.push(row[id] as number)
                continue
              }
              const partition = JSON.stringify([row[key], row[windowEnd]])
              partitions.set(partition, [...(partitions.get(partition) ?? []), row])
            }
          }
          const expected = [...partitions.values()].flatMap((rows) =>
            [...rows]
              .sort(byValueDescending)
              .slice(rankStart - 1, rankEnd)
              .map((row, i) => JSON.stringify(outputRank ? [...row, rankStart + i] : row)),
          )

          const chunks = stream.chunks.map(({ partition, batch }) => ({
            partition,
            batch: insertBatch(batch.rows.map((row) => withWindowEnd(row, size))),
          }))
          const { output, deadLetters, result } = await runOperator(
            new WindowTopNOperator(options(rankStart, rankEnd, outputRank)),
            chunks,
            {
              watermarks: { watermarkOf: boundedOutOfOrderness(time, stream.delay) },
              partitions: Array.from({ length: stream.partitions }, (_, i) => i),
            },
          )
          expect(output.kinds.every((kind) => kind === 0)).toBe(true)
          expect(output.rows.map((row) => JSON.stringify(row)).sort()).toEqual(expected.sort())
          expect(deadLetters.rows.map((row) => readDeadLetter(row).row[id]).sort()).toEqual(late.sort())
          const metrics = result.metrics.find((node) => node.name === 'operator')
          expect(metrics?.lateRecords).toBe(late.length)
          expect(metrics?.stateEntries).toBe(0)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('fires a window when the watermark reaches its end - 1, ranks ties in arrival order, and drops its state', () => {
    const harness = new Harness(options(1, 3, true))
    // [id, partition, key, time, value, window_end]
    harness.send([0, 0, 'a', 100, 5, 1000], [1, 0, 'a', 200, 7, 1000], [2, 0, 'a', 300, 5, 1000])
    harness.send([3, 0, 'a', 400, 5, 1000], [4, 0, 'b', 500, 1, 1000], [5, 0, 'a', 1200, 9, 2000])
    expect(harness.operator.stateEntries()).toBe(3)
    harness.operator.onWatermark(998)
    expect(harness.output).toEqual([])
    harness.operator.onWatermark(999)
    expect(harness.output).toEqual([
      [1, 0, 'a', 200, 7, 1000, 1],
      [0, 0, 'a', 100, 5, 1000, 2],
      [2, 0, 'a', 300, 5, 1000, 3],
      [4, 0, 'b', 500, 1, 1000, 1],
    ])
    expect(harness.operator.stateEntries()).toBe(1)
  })

  it('sends rows of a fired window and rows without a window end to the dead letters', () => {
    const harness = new Harness(options(1, 1, false))
    harness.send([0, 0, 'a', 100, 5, 1000])
    harness.operator.onWatermark(1500)
    harness.send([1, 0, 'a', 900, 6, 1000], [2, 0, 'a', 1600, 1, null], [3, 0, 'a', 1700, 2, 2000])
    expect(harness.deadLetters).toEqual(['late 999 1', 'null-event-time null 2'])
    harness.operator.onWatermark(Number.POSITIVE_INFINITY)
    expect(harness.output.map((row) => row[id])).toEqual([0, 3])
  })

  it('restores a snapshot and continues with the same windows, late bound and results', () => {
    const rows: Row[] = [
      [0, 0, 'a', 100, 5, 1000],
      [1, 0, 'a', 1100, 3, 2000],
      [2, 0, 'b', 1200, 8, 2000],
      [3, 0, 'a', 1300, 4, 2000],
    ]
    const later: Row[] = [
      [4, 0, 'a', 800, 9, 1000],
      [5, 0, 'a', 1400, 6, 2000],
      [6, 0, 'b', 2100, 1, 3000],
    ]
    const uninterrupted = new Harness(options(2, 3, true))
    uninterrupted.send(...rows)
    uninterrupted.operator.onWatermark(1000)
    uninterrupted.send(...later)
    uninterrupted.operator.onWatermark(Number.POSITIVE_INFINITY)

    const first = new Harness(options(2, 3, true))
    first.send(...rows)
    first.operator.onWatermark(1000)
    const snapshot = structuredClone(first.operator.onBarrier())
    first.send([7, 0, 'a', 1500, 100, 2000])
    const restored = new Harness(options(2, 3, true))
    restored.operator.restore(snapshot)
    restored.send(...later)
    restored.operator.onWatermark(Number.POSITIVE_INFINITY)

    expect([...first.output, ...restored.output]).toEqual(uninterrupted.output)
    expect(restored.deadLetters).toEqual(['late 999 4'])
    expect(restored.output).toEqual([
      [3, 0, 'a', 1300, 4, 2000, 2],
      [1, 0, 'a', 1100, 3, 2000, 3],
    ])
  })
})

/** Drives the operator directly with a real context, so a test decides exactly where watermarks fall. */
class Harness {
  readonly output: Row[] = []
  readonly deadLetters: string[] = []
  readonly operator: WindowTopNOperator

  constructor(operatorOptions: WindowTopNOptions) {
    this.operator = new WindowTopNOperator(operatorOptions)
    this.operator.open({
      name: 'window-top-n',
      output: {
        emit: (batch: Batch) => {
          expect(batch.kinds).toBeNull()
          this.output.push(...batch.rows)
        },
      },
      deadLetters: {
        send: (row, reason, eventTime) => {
          this.deadLetters.push(`${reason} ${eventTime} ${row[id]}`)
        },
      },
      metrics: new OperatorMetrics('window-top-n'),
      state: heapStateBackend,
      clock: systemClock,
    })
  }

  send(...rows: Row[]): void {
    this.operator.processBatch(insertBatch(rows))
  }
}
