import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AggregateCall } from '../aggregates/aggregator.ts'
import { approxCountDistinct } from '../aggregates/approx-count-distinct.ts'
import { avg, count, sum } from '../aggregates/count-sum-avg.ts'
import { firstValue, lastValue } from '../aggregates/first-last-value.ts'
import { max, min } from '../aggregates/min-max.ts'
import { readDeadLetter } from '../dead-letter.ts'
import { groupBy } from '../grouping/grouping.ts'
import { CollectSink } from '../memory/collect-sink.ts'
import { MemorySource } from '../memory/memory-source.ts'
import type { Operator, OperatorContext } from '../operator.ts'
import { PipelineBuilder } from '../pipeline-builder.ts'
import { type Batch, insertBatch, type Row } from '../rows.ts'
import { EVENT_COLUMNS, type EventStream, eventStreams } from '../testing/event-streams.ts'
import { runOperator } from '../testing/run-operator.ts'
import { boundedOutOfOrderness } from '../time/watermark-generator.ts'
import { LocalWindowAggregateOperator } from './local-window-aggregate.ts'
import { type AlignedWindowSpec, cumulate, hop, tumble } from './window.ts'
import { WindowAggregateOperator } from './window-aggregate.ts'

const { id, key, time, value } = EVENT_COLUMNS

/**
 * Every aggregate with a partial form. The order-sensitive FIRST/LAST_VALUE are left out for CUMULATE: there
 * the one-phase operator itself folds an early step's slice in after rows that arrived later (see
 * CumulativeWindowState), so "arrival order" differs between the two plans by design.
 */
const aggregates = (spec: AlignedWindowSpec): AggregateCall[] => [
  { fn: count() },
  { fn: count(), argument: value },
  { fn: sum(), argument: value },
  { fn: avg(), argument: value },
  { fn: min(), argument: value },
  { fn: max(), argument: value },
  ...(spec.kind === 'cumulate'
    ? []
    : [
        { fn: firstValue(), argument: value },
        { fn: lastValue(), argument: id },
      ]),
  { fn: approxCountDistinct(), argument: value },
  { fn: count(), filter: (row: Row) => (row[value] as number | null) !== null && (row[value] as number) > 0 },
]

const alignedSpec: fc.Arbitrary<AlignedWindowSpec> = fc.oneof(
  fc.integer({ min: 200, max: 5000 }).map((size) => tumble(size)),
  fc
    .tuple(
      fc.integer({ min: 200, max: 3000 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 1 }),
    )
    .map(([slide, factor, uneven]) => hop(slide, slide * factor + uneven * 100)),
  fc
    .tuple(fc.integer({ min: 200, max: 2000 }), fc.integer({ min: 1, max: 6 }))
    .map(([step, steps]) => cumulate(step, step * steps)),
  fc.integer({ min: 200, max: 5000 }).map((size) => tumble(size, 123)),
)

const sorted = (rows: readonly Row[]): string[] => rows.map((row) => JSON.stringify(row)).sort()

/** source → local window aggregate → global window aggregate → sinks, as one subtask of a two-phase job. */
async function twoPhase(spec: AlignedWindowSpec, stream: EventStream, miniBatchSize: number) {
  const builder = new PipelineBuilder()
  const source = builder.source(
    'source',
    new MemorySource(
      stream.chunks,
      Array.from({ length: stream.partitions }, (_, i) => i),
    ),
    { watermarks: { watermarkOf: boundedOutOfOrderness(time, stream.delay) } },
  )
  const local = builder.operator(
    'local',
    new LocalWindowAggregateOperator({
      window: spec,
      timeColumn: time,
      grouping: groupBy([key]),
      aggregates: aggregates(spec),
      miniBatch: { size: miniBatchSize },
    }),
    source,
  )
  const global = builder.operator(
    'global',
    new WindowAggregateOperator({
      window: spec,
      timeColumn: 1,
      grouping: groupBy([0]),
      aggregates: aggregates(spec),
      partialsFrom: 2,
    }),
    local,
  )
  const output = new CollectSink()
  const deadLetters = new CollectSink()
  builder.sink('output', output, global)
  builder.sink('local-dead-letters', deadLetters, local.deadLetters)
  builder.sink('global-dead-letters', deadLetters, global.deadLetters)
  await builder.build().run()
  return { output, deadLetters }
}

function onePhase(spec: AlignedWindowSpec, stream: EventStream) {
  const operator = new WindowAggregateOperator({
    window: spec,
    timeColumn: time,
    grouping: groupBy([key]),
    aggregates: aggregates(spec),
  })
  return runOperator(operator, stream.chunks, {
    watermarks: { watermarkOf: boundedOutOfOrderness(time, stream.delay) },
    partitions: Array.from({ length: stream.partitions }, (_, i) => i),
  })
}

const deadIds = (sink: CollectSink): number[] =>
  sink.rows.map((row) => readDeadLetter(row).row[id] as number).sort((a, b) => a - b)

describe('local/global window aggregate', () => {
  it('emits the same windows and the same late rows as the one-phase aggregate, whatever the mini-batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        alignedSpec,
        eventStreams({ lateRatio: 0.1 }),
        fc.integer({ min: 1, max: 40 }),
        async (spec, stream, miniBatchSize) => {
          const single = await onePhase(spec, stream)
          const split = await twoPhase(spec, stream, miniBatchSize)
          expect(sorted(split.output.rows)).toEqual(sorted(single.output.rows))
          expect(deadIds(split.deadLetters)).toEqual(deadIds(single.deadLetters))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('flushes its buffered slices before a checkpoint barrier, so it snapshots no rows', () => {
    const emitted: Row[] = []
    const operator: Operator = new LocalWindowAggregateOperator({
      window: tumble(1000),
      timeColumn: 1,
      grouping: groupBy([0]),
      aggregates: [{ fn: count() }, { fn: sum(), argument: 2 }],
      miniBatch: { size: 1000 },
    })
    operator.open({
      output: { emit: (batch: Batch) => emitted.push(...batch.rows) },
      clock: { now: () => 0 },
    } as unknown as OperatorContext)
    operator.processBatch(
      insertBatch([
        ['a', 100, 1],
        ['a', 200, 2],
        ['b', 1500, 5],
      ]),
      0,
    )
    expect(emitted).toEqual([])
    expect(operator.stateEntries()).toBe(2)
    expect(operator.onBarrier(1)).toEqual({ watermark: Number.NEGATIVE_INFINITY })
    expect(operator.stateEntries()).toBe(0)
    expect(sorted(emitted)).toEqual(
      sorted([
        ['a', 999, 2, [3, 2, null]],
        ['b', 1999, 1, [5, 1, null]],
      ]),
    )
  })

  it('restores its watermark, so rows late before a failure stay late after it', () => {
    const emitted: Row[] = []
    const late: unknown[] = []
    const operator = new LocalWindowAggregateOperator({
      window: tumble(1000),
      timeColumn: 1,
      grouping: groupBy([0]),
      aggregates: [{ fn: count() }],
      miniBatch: { size: 1000 },
    })
    operator.open({
      output: { emit: (batch: Batch) => emitted.push(...batch.rows) },
      deadLetters: { send: (row: Row, reason: string) => late.push([row, reason]) },
      clock: { now: () => 0 },
    } as unknown as OperatorContext)
    operator.restore({ watermark: 1500 })
    operator.processBatch(
      insertBatch([
        ['a', 100],
        ['a', 1600],
      ]),
    )
    operator.onEndOfInput()
    expect(late).toEqual([[['a', 100], 'late']])
    expect(emitted).toEqual([['a', 1999, 1]])
  })
})
