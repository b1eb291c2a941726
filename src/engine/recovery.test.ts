import { deserialize, serialize } from 'node:v8'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countDistinct } from './aggregates/count-distinct.ts'
import { count, sum } from './aggregates/count-sum-avg.ts'
import { lastValue } from './aggregates/first-last-value.ts'
import { max } from './aggregates/min-max.ts'
import { groupBy, groupingSets, rollupSets } from './grouping/grouping.ts'
import { CollectSink } from './memory/collect-sink.ts'
import { MemorySource } from './memory/memory-source.ts'
import type { Operator } from './operator.ts'
import { DeduplicateOperator } from './operators/deduplicate.ts'
import { GroupAggregateOperator } from './operators/group-aggregate.ts'
import { TopNOperator } from './operators/top-n.ts'
import type { CompletedCheckpoint, Pipeline } from './pipeline.ts'
import { PipelineBuilder } from './pipeline-builder.ts'
import type { SourceChunk } from './source.ts'
import { EVENT_COLUMNS, type EventStream, eventStreams } from './testing/event-streams.ts'
import { boundedOutOfOrderness } from './time/watermark-generator.ts'
import { cumulate, hop, session, tumble } from './windows/window.ts'
import { WindowAggregateOperator } from './windows/window-aggregate.ts'

const { partition, key, time, value } = EVENT_COLUMNS

/** A source that runs `onPull(position)` before handing out the chunk at `position`. */
class ScriptedSource extends MemorySource {
  constructor(
    chunks: readonly SourceChunk[],
    partitions: readonly number[],
    private readonly onPull: (position: number) => void,
  ) {
    super(chunks, partitions)
  }

  override async pull(): Promise<SourceChunk | null> {
    this.onPull(this.snapshot())
    return super.pull()
  }
}

function build(
  stream: EventStream,
  source: MemorySource,
  operator: Operator,
  sink: CollectSink,
  restoreFrom?: CompletedCheckpoint,
): Pipeline {
  const builder = new PipelineBuilder()
  const input = builder.source('events', source, {
    watermarks: { watermarkOf: boundedOutOfOrderness(time, stream.delay) },
  })
  const operated = builder.operator('operator', operator, input)
  builder.sink('out', sink, operated)
  builder.sink('late', new CollectSink(), operated.deadLetters)
  return builder.build(restoreFrom === undefined ? {} : { restoreFrom })
}

/**
 * Runs the stream once uninterrupted; then again with a checkpoint before chunk `cut` and a crash a few
 * chunks later, followed by a run restored from that (serialised) checkpoint into the same transactional
 * sink. Both must produce the same rows with the same kinds in the same order.
 */
async function expectRecoveryToMatch(
  makeOperator: () => Operator,
  stream: EventStream,
  cut: number,
): Promise<void> {
  const partitions = Array.from({ length: stream.partitions }, (_, i) => i)
  const uninterrupted = new CollectSink()
  await build(stream, new MemorySource(stream.chunks, partitions), makeOperator(), uninterrupted).run()

  const sink = new CollectSink()
  let checkpoint: Promise<CompletedCheckpoint> | undefined
  const crashing: Pipeline = build(
    stream,
    new ScriptedSource(stream.chunks, partitions, (position) => {
      if (position === cut) checkpoint = crashing.triggerCheckpoint()
      if (position === cut + 3) crashing.cancel()
    }),
    makeOperator(),
    sink,
  )
  await crashing.run()
  const completed = deserialize(serialize(await checkpoint!)) as CompletedCheckpoint
  const restored = build(stream, new MemorySource(stream.chunks, partitions), makeOperator(), sink, completed)
  await restored.run()
  expect(sink.rows).toEqual(uninterrupted.rows)
  expect(sink.kinds).toEqual(uninterrupted.kinds)
}

const windowAggregates = () => [
  { fn: count() },
  { fn: sum(), argument: value },
  { fn: countDistinct(), argument: value },
  { fn: lastValue(), argument: value },
]

const operators: Record<string, () => Operator> = {
  tumble: () =>
    new WindowAggregateOperator({
      window: tumble(1_000),
      timeColumn: time,
      grouping: groupBy([key]),
      aggregates: windowAggregates(),
    }),
  hop: () =>
    new WindowAggregateOperator({
      window: hop(500, 1_500),
      timeColumn: time,
      grouping: groupBy([key]),
      aggregates: windowAggregates(),
    }),
  cumulate: () =>
    new WindowAggregateOperator({
      window: cumulate(500, 3_000),
      timeColumn: time,
      grouping: groupingSets([partition, key], rollupSets([partition, key])),
      aggregates: windowAggregates(),
    }),
  session: () =>
    new WindowAggregateOperator({
      window: session(700),
      timeColumn: time,
      grouping: groupBy([key]),
      aggregates: windowAggregates(),
    }),
  'group aggregate': () =>
    new GroupAggregateOperator({
      grouping: groupBy([key]),
      aggregates: [
        { fn: count() },
        { fn: max({ retractable: true }), argument: value },
        { fn: countDistinct({ retractable: true }), argument: value },
      ],
    }),
  'top-n': () =>
    new TopNOperator({
      partitionBy: [key],
      compare: (left, right) => (right[time] as number) - (left[time] as number),
      limit: 3,
      outputRank: true,
      input: 'insert-only',
    }),
  'deduplicate last by time': () => new DeduplicateOperator({ key: [key], keep: 'last', timeColumn: time }),
}

/**
 * The stream with each value moved beyond 2^53 (a bigint, as BIGINT values are there; see int64.ts), and
 * apart by 2^40 so that sums leave the safe range.
 */
function withBigintValues(stream: EventStream): EventStream {
  const big = (v: unknown) => (typeof v === 'number' ? 2n ** 60n + BigInt(v) * 2n ** 40n : v)
  return {
    ...stream,
    chunks: stream.chunks.map((chunk) => ({
      ...chunk,
      batch: {
        ...chunk.batch,
        rows: chunk.batch.rows.map((row) => row.map((v, i) => (i === value ? big(v) : v))),
      },
    })),
  }
}

describe('recovery from a checkpoint', () => {
  it('reproduces the uninterrupted output of a group aggregate over BIGINTs beyond 2^53', async () => {
    const makeOperator = () =>
      new GroupAggregateOperator({
        grouping: groupBy([key]),
        aggregates: [
          { fn: sum({ integerBits: 64 }), argument: value },
          { fn: max({ retractable: true }), argument: value },
          { fn: countDistinct({ retractable: true }), argument: value },
        ],
      })
    await fc.assert(
      fc.asyncProperty(
        eventStreams({ lateRatio: 0.05, maxEvents: 150 }).chain((stream) =>
          fc.tuple(
            fc.constant(withBigintValues(stream)),
            fc.integer({ min: 0, max: Math.max(0, stream.chunks.length - 1) }),
          ),
        ),
        async ([stream, cut]) => expectRecoveryToMatch(makeOperator, stream, cut),
      ),
      { numRuns: 40 },
    )
  })

  for (const [name, makeOperator] of Object.entries(operators)) {
    it(`reproduces the uninterrupted output of ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          eventStreams({ lateRatio: 0.05, maxEvents: 150 }).chain((stream) =>
            fc.tuple(fc.constant(stream), fc.integer({ min: 0, max: Math.max(0, stream.chunks.length - 1) })),
          ),
          async ([stream, cut]) => expectRecoveryToMatch(makeOperator, stream, cut),
        ),
        { numRuns: 40 },
      )
    })
  }
})
