import { setTimeout as sleep } from 'node:timers/promises'
import { deserialize, serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { countDistinct } from './aggregates/count-distinct.ts'
import { count, sum } from './aggregates/count-sum-avg.ts'
import { max } from './aggregates/min-max.ts'
import { ManualClock } from './clock.ts'
import { groupBy } from './grouping/grouping.ts'
import { CollectSink } from './memory/collect-sink.ts'
import { MemorySource } from './memory/memory-source.ts'
import { StatelessOperator } from './operator.ts'
import { CalcOperator } from './operators/calc.ts'
import { GroupAggregateOperator } from './operators/group-aggregate.ts'
import { UnionOperator } from './operators/union.ts'
import type { CompletedCheckpoint, Pipeline } from './pipeline.ts'
import { PipelineBuilder } from './pipeline-builder.ts'
import { insertBatch } from './rows.ts'
import type { Sink } from './sink.ts'
import type { Source, SourceChunk } from './source.ts'
import { materialize } from './testing/changelog.ts'
import { boundedOutOfOrderness } from './time/watermark-generator.ts'
import { tumble } from './windows/window.ts'
import { WindowAggregateOperator } from './windows/window-aggregate.ts'

/** `count` chunks of `[user, time, amount]` rows over `partitions` partitions, times mostly ascending. */
function clicks(count: number, partitions: number, rowsPerChunk = 20): SourceChunk[] {
  return Array.from({ length: count }, (_, chunk) => ({
    partition: chunk % partitions,
    batch: insertBatch(
      Array.from({ length: rowsPerChunk }, (_, i) => {
        const n = chunk * rowsPerChunk + i
        return [`user-${(n * 7919) % 97}`, n * 50 - ((n * 31) % 400), n % 13]
      }),
    ),
  }))
}

const watermarks = { watermarkOf: boundedOutOfOrderness(1, 500) }

/** clicks → filter/project → TUMBLE(10 s) per user (COUNT, SUM, COUNT DISTINCT) → per-count totals (changelog). */
function analytics(source: Source, sink: Sink, lateSink: Sink): PipelineBuilder {
  const builder = new PipelineBuilder()
  const input = builder.source('clicks', source, { watermarks })
  const cleaned = builder.operator(
    'clean',
    new CalcOperator({ filter: (row) => row[2] !== 0, project: (row) => [row[0], row[1], row[2]] }),
    input,
  )
  const windows = builder.operator(
    'per-user',
    new WindowAggregateOperator({
      window: tumble(10_000),
      timeColumn: 1,
      grouping: groupBy([0]),
      aggregates: [{ fn: count() }, { fn: sum(), argument: 2 }, { fn: countDistinct(), argument: 2 }],
    }),
    cleaned,
  )
  const totals = builder.operator(
    'by-count',
    new GroupAggregateOperator({
      grouping: groupBy([1]),
      aggregates: [{ fn: count() }, { fn: max({ retractable: true }), argument: 2 }],
    }),
    windows,
  )
  builder.sink('out', sink, totals)
  builder.sink('late', lateSink, windows.deadLetters)
  return builder
}

/** Waits until `condition` holds, polling the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(1)
}

/** Runs until `sink` holds at least `rows` rows, checkpoints, lets more data through, then cancels (a crash). */
async function crashAfterCheckpoint(
  pipeline: Pipeline,
  sink: CollectSink,
  rows: number,
): Promise<CompletedCheckpoint> {
  const running = pipeline.run()
  await until(() => sink.rows.length >= rows)
  const checkpoint = await pipeline.triggerCheckpoint()
  const committed = sink.rows.length
  await until(() => sink.rows.length > committed)
  pipeline.cancel()
  expect((await running).cancelled).toBe(true)
  return deserialize(serialize(checkpoint)) as CompletedCheckpoint
}

/** A source that yields after every chunk, so checkpoints and cancellation land mid-stream. */
class SlowMemorySource extends MemorySource {
  override async pull(): Promise<SourceChunk | null> {
    await sleep(0)
    return super.pull()
  }
}

describe('pipeline', () => {
  it('recovers from a checkpoint to exactly the output of an uninterrupted run', async () => {
    const chunks = clicks(400, 3)
    const uninterrupted = new CollectSink()
    await analytics(new MemorySource(chunks), uninterrupted, new CollectSink()).build().run()
    expect(uninterrupted.rows.length).toBeGreaterThan(100)

    const sink = new CollectSink()
    const late = new CollectSink()
    const checkpoint = await crashAfterCheckpoint(
      analytics(new SlowMemorySource(chunks), sink, late).build(),
      sink,
      30,
    )
    expect(sink.rows.length).toBeLessThan(uninterrupted.rows.length)

    await analytics(new MemorySource(chunks), sink, late).build({ restoreFrom: checkpoint }).run()
    expect(sink.rows).toEqual(uninterrupted.rows)
    expect(sink.kinds).toEqual(uninterrupted.kinds)
  })

  it('aligns barriers across a union so a restored run reaches the same final state', async () => {
    const left = clicks(200, 2)
    const right = clicks(200, 2).map((chunk) => ({ ...chunk, partition: chunk.partition + 2 }))
    const build = (
      sink: CollectSink,
      sources: [Source, Source],
      restoreFrom?: CompletedCheckpoint,
    ): Pipeline => {
      const builder = new PipelineBuilder()
      const a = builder.source('left', sources[0], { watermarks })
      const b = builder.source('right', sources[1], { watermarks })
      const both = builder.operator('union', new UnionOperator(), a, b)
      const totals = builder.operator(
        'totals',
        new GroupAggregateOperator({
          grouping: groupBy([0]),
          aggregates: [{ fn: count() }, { fn: sum(), argument: 2 }],
        }),
        both,
      )
      builder.sink('out', sink, totals)
      return builder.build(restoreFrom === undefined ? {} : { restoreFrom })
    }
    const uninterrupted = new CollectSink()
    await build(uninterrupted, [new MemorySource(left), new MemorySource(right)]).run()

    const sink = new CollectSink()
    const slow: [Source, Source] = [new SlowMemorySource(left), new SlowMemorySource(right)]
    const checkpoint = await crashAfterCheckpoint(build(sink, slow), sink, 50)
    expect(checkpoint.snapshots.has('left') && checkpoint.snapshots.has('right')).toBe(true)

    await build(sink, [new MemorySource(left), new MemorySource(right)], checkpoint).run()
    expect(materialize(sink.rows, sink.kinds)).toEqual(materialize(uninterrupted.rows, uninterrupted.kinds))
  })

  it('forwards the minimum watermark of a union and fans one stream out to several sinks', async () => {
    const builder = new PipelineBuilder()
    const ahead = builder.source(
      'ahead',
      new MemorySource([0, 1, 2].map((i) => chunkAt(10_000 + i * 1_000))),
      {
        watermarks: { watermarkOf: boundedOutOfOrderness(0, 0) },
      },
    )
    const behind = builder.source('behind', new SlowMemorySource([0, 1, 2].map((i) => chunkAt(i * 1_000))), {
      watermarks: { watermarkOf: boundedOutOfOrderness(0, 0) },
    })
    const merged = builder.operator('union', new UnionOperator(), ahead, behind)
    const first = new CollectSink()
    const second = new CollectSink()
    builder.sink('first', first, merged)
    builder.sink('second', second, merged)
    await builder.build().run()
    expect(first.rows).toHaveLength(6)
    expect(second.rows).toEqual(first.rows)
    // 'ahead' ends first: its final watermark no longer holds the union, so 'behind' alone sets the pace.
    expect(first.watermarks).toEqual([0, 1_000, 2_000, Number.POSITIVE_INFINITY])
  })

  it('stops waiting for an idle partition after the idle timeout', async () => {
    const clock = new ManualClock(0)
    const script: (SourceChunk | null)[] = [chunkAt(5_000), chunkAt(6_000), null, chunkAt(9_000)]
    const source: Source<number> = {
      partitions: () => [0, 1],
      pull: async () => {
        clock.advance(400)
        const next = script.shift()
        return next === undefined ? null : (next ?? { partition: 0, batch: insertBatch([]) })
      },
      snapshot: () => 0,
      restore: () => {},
      close: () => {},
    }
    const builder = new PipelineBuilder()
    const input = builder.source('source', source, {
      watermarks: { watermarkOf: boundedOutOfOrderness(0, 0), idleTimeoutMs: 1_000 },
    })
    const sink = new CollectSink()
    builder.sink('sink', sink, input)
    await builder.build({ clock }).run()
    // Partition 1 never has data: the watermark waits until it is idle at 1 000 ms (on the third pull, 1 200 ms).
    expect(sink.watermarks).toEqual([6_000, 9_000, Number.POSITIVE_INFINITY])
  })

  it('slows the source down to a slow sink, keeping the data in flight bounded', async () => {
    let produced = 0
    const endless: Source<number> = {
      partitions: () => [0],
      pull: async () => {
        produced++
        return { partition: 0, batch: insertBatch(Array.from({ length: 100 }, (_, i) => [produced, i])) }
      },
      snapshot: () => produced,
      restore: () => {},
      close: () => {},
    }
    let consumed = 0
    let maxInFlight = 0
    const slow: Sink = {
      write: async () => {
        await sleep(1)
        consumed++
        maxInFlight = Math.max(maxInFlight, produced - consumed)
      },
    }
    const builder = new PipelineBuilder()
    const input = builder.source('endless', endless)
    const doubled = builder.operator(
      'double',
      new CalcOperator({ project: (row) => [row[0], (row[1] as number) * 2] }),
      input,
    )
    builder.sink('slow', slow, doubled)
    const pipeline = builder.build({ sinkQueueCapacity: 8 })
    const running = pipeline.run()
    await until(() => consumed >= 200)
    pipeline.cancel()
    await running
    expect(maxInFlight).toBeLessThanOrEqual(8 + 2)
    expect(produced - consumed).toBeLessThanOrEqual(8 + 2)
  })

  it('fails the run with the first error, and still closes every node', async () => {
    let closed = 0
    const source = new MemorySource(clicks(10, 1))
    source.close = () => {
      closed++
    }
    class Exploding extends StatelessOperator {
      processBatch(): void {
        throw new Error('boom')
      }
      override close(): void {
        closed++
      }
    }
    const builder = new PipelineBuilder()
    const input = builder.source('source', source)
    builder.sink('sink', new CollectSink(), builder.operator('exploding', new Exploding(), input))
    await expect(builder.build().run()).rejects.toThrow('boom')
    expect(closed).toBe(2)
  })

  it('rejects plans whose output goes nowhere or that read unknown nodes', () => {
    const builder = new PipelineBuilder()
    const input = builder.source('source', new MemorySource([]))
    builder.operator('dangling', new UnionOperator(), input)
    expect(() => builder.build()).toThrow(/not consumed/)
    expect(() => builder.sink('sink', new CollectSink())).toThrow(/at least one input/)
    expect(() => builder.source('source', new MemorySource([]))).toThrow(/duplicate/)
  })

  it('keeps dead letters no sink consumes in the result and counts them', async () => {
    const builder = new PipelineBuilder()
    const rows = [
      ['a', 10_000, 1],
      ['a', 1_000, 1],
    ]
    const input = builder.source(
      'source',
      new MemorySource(rows.map((row) => ({ partition: 0, batch: insertBatch([row]) }))),
      {
        watermarks: { watermarkOf: boundedOutOfOrderness(1, 0) },
      },
    )
    const windows = builder.operator(
      'windows',
      new WindowAggregateOperator({
        window: tumble(1_000),
        timeColumn: 1,
        grouping: groupBy([0]),
        aggregates: [{ fn: count() }],
      }),
      input,
    )
    builder.sink('sink', new CollectSink(), windows)
    const result = await builder.build().run()
    expect(result.unroutedDeadLetters).toEqual([
      { operator: 'windows', reason: 'late', eventTime: 1_000, row: rows[1] },
    ])
    expect(result.metrics.find((metrics) => metrics.name === 'windows')).toMatchObject({
      lateRecords: 1,
      recordsIn: 2,
    })
  })
})

function chunkAt(time: number): SourceChunk {
  return { partition: 0, batch: insertBatch([[time]]) }
}
