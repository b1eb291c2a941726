import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AggregateCall, Aggregator } from '../aggregates/aggregator.ts'
import { approxCountDistinct } from '../aggregates/approx-count-distinct.ts'
import { avg, count, sum } from '../aggregates/count-sum-avg.ts'
import { firstValue, lastValue } from '../aggregates/first-last-value.ts'
import { max, min } from '../aggregates/min-max.ts'
import { ManualClock } from '../clock.ts'
import { groupBy } from '../grouping/grouping.ts'
import { CollectSink } from '../memory/collect-sink.ts'
import { MemorySource } from '../memory/memory-source.ts'
import type { OperatorContext } from '../operator.ts'
import { PipelineBuilder } from '../pipeline-builder.ts'
import { type Batch, insertBatch, type Row } from '../rows.ts'
import { materialize } from '../testing/changelog.ts'
import { EVENT_COLUMNS, type EventStream, eventStreams } from '../testing/event-streams.ts'
import { runOperator } from '../testing/run-operator.ts'
import { GroupAggregateOperator } from './group-aggregate.ts'
import { LocalGroupAggregateOperator } from './local-group-aggregate.ts'
import type { MiniBatchBounds } from './partial-buffer.ts'

const { id, key, value } = EVENT_COLUMNS

const aggregates = (): AggregateCall[] => [
  { fn: count() },
  { fn: count(), argument: value },
  { fn: sum(), argument: value },
  { fn: avg({ integerResult: true }), argument: value },
  { fn: min(), argument: value },
  { fn: max(), argument: value },
  { fn: firstValue(), argument: value },
  { fn: lastValue(), argument: id },
  { fn: approxCountDistinct(), argument: value },
]

async function twoPhase(stream: EventStream, miniBatch: MiniBatchBounds) {
  const builder = new PipelineBuilder()
  const source = builder.source('source', new MemorySource(stream.chunks, [0, 1, 2]))
  const local = builder.operator(
    'local',
    new LocalGroupAggregateOperator({ grouping: groupBy([key]), aggregates: aggregates(), miniBatch }),
    source,
  )
  const global = builder.operator(
    'global',
    new GroupAggregateOperator({ grouping: groupBy([0]), aggregates: aggregates(), partialsFrom: 1 }),
    local,
  )
  const output = new CollectSink()
  builder.sink('output', output, global)
  await builder.build().run()
  return output
}

describe('local/global unbounded aggregate', () => {
  it('ends with the same table as the one-phase aggregate, whatever the mini-batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventStreams({ lateRatio: 0 }),
        fc.integer({ min: 1, max: 50 }),
        async (stream, size) => {
          const single = await runOperator(
            new GroupAggregateOperator({ grouping: groupBy([key]), aggregates: aggregates() }),
            stream.chunks,
            { partitions: [0, 1, 2] },
          )
          const split = await twoPhase(stream, { size })
          expect(materialize(split.rows, split.kinds)).toEqual(
            materialize(single.output.rows, single.output.kinds),
          )
        },
      ),
      { numRuns: 150 },
    )
  })

  it('flushes a mini-batch at its size, after its latency, and before a checkpoint barrier', () => {
    const emitted: Row[][] = []
    const clock = new ManualClock(0)
    const operator = new LocalGroupAggregateOperator({
      grouping: groupBy([0]),
      aggregates: [{ fn: count() }],
      miniBatch: { size: 3, latencyMs: 100 },
    })
    operator.open({
      output: { emit: (batch: Batch) => emitted.push(batch.rows) },
      clock,
    } as unknown as OperatorContext)
    operator.processBatch(insertBatch([['a'], ['a']]))
    expect(emitted).toEqual([])
    operator.processBatch(insertBatch([['b']]))
    expect(emitted).toEqual([
      [
        ['a', 2],
        ['b', 1],
      ],
    ])
    operator.processBatch(insertBatch([['a']]))
    clock.advance(100)
    operator.processBatch(insertBatch([['a']]))
    expect(emitted[1]).toEqual([['a', 2]])
    operator.processBatch(insertBatch([['c']]))
    expect(operator.onBarrier()).toBeNull()
    expect(emitted[2]).toEqual([['c', 1]])
    expect(operator.stateEntries()).toBe(0)
  })

  it('ships SUM over bigints exactly', () => {
    const aggregator = new Aggregator([{ fn: sum(), argument: 0 }])
    const local = aggregator.create()
    aggregator.accumulate(local, [2n ** 60n])
    aggregator.accumulate(local, [1.5])
    const partial: unknown[] = []
    aggregator.writePartials(local, partial, 0)
    const global = aggregator.create()
    aggregator.mergePartials(global, partial, 0)
    aggregator.mergePartials(global, partial, 0)
    expect(aggregator.resultRow([], global)).toEqual([2n ** 61n + 3n])
  })
})
