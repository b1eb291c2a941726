/**
 * Busy, idle and back-pressured time per node on real pipelines whose bottleneck is known: a slow sink, a slow
 * operator, a slow source. Thresholds are far from both the expected value (~1000 or ~0 ms/s) and what a
 * wrong attribution would give, so a loaded machine stretches the timings without flipping the verdicts.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { CollectSink } from '../memory/collect-sink.ts'
import { MemorySource } from '../memory/memory-source.ts'
import { type OperatorMetricsSnapshot, type TimeMsPerSecond, timeMsPerSecond } from '../metrics.ts'
import { StatelessOperator } from '../operator.ts'
import { CalcOperator } from '../operators/calc.ts'
import { PipelineBuilder } from '../pipeline-builder.ts'
import { type Batch, insertBatch } from '../rows.ts'
import type { Sink } from '../sink.ts'
import type { Source, SourceChunk } from '../source.ts'

function chunks(count: number, rowsPerChunk = 200): SourceChunk[] {
  return Array.from({ length: count }, (_, chunk) => ({
    partition: 0,
    batch: insertBatch(Array.from({ length: rowsPerChunk }, (_, i) => [chunk * rowsPerChunk + i, i % 7])),
  }))
}

/** A sink whose every write takes `ms` of I/O (a remote system slower than the pipeline). */
class SlowSink implements Sink {
  rows = 0
  constructor(private readonly ms: number) {}
  async write(batch: Batch): Promise<void> {
    await sleep(this.ms)
    this.rows += batch.rows.length
  }
}

/** Burns `ms` of CPU per batch, then passes it on: a costly projection. */
class SpinOperator extends StatelessOperator {
  constructor(private readonly ms: number) {
    super()
  }
  processBatch(batch: Batch): void {
    const until = performance.now() + this.ms
    while (performance.now() < until) {}
    this.context.output.emit(batch)
  }
}

/** A source whose chunks arrive every `ms` (a topic written slowly). */
class TrickleSource implements Source<number> {
  private readonly inner: MemorySource
  constructor(
    chunks: readonly SourceChunk[],
    private readonly ms: number,
  ) {
    this.inner = new MemorySource(chunks)
  }
  partitions(): readonly number[] {
    return this.inner.partitions()
  }
  async pull(): Promise<SourceChunk | null> {
    await sleep(this.ms)
    return this.inner.pull()
  }
  snapshot(): number {
    return this.inner.snapshot()
  }
  restore(position: number): void {
    this.inner.restore(position)
  }
  close(): void {}
}

/** source → keep (filter) → [middle] → sink, run to the end; each node's time rates over the whole run. */
async function run(
  source: Source,
  sink: Sink,
  middle?: StatelessOperator,
): Promise<Map<string, TimeMsPerSecond & OperatorMetricsSnapshot>> {
  const builder = new PipelineBuilder()
  let stream = builder.operator(
    'keep',
    new CalcOperator({ filter: (row) => row[1] !== 3 }),
    builder.source('numbers', source),
  )
  if (middle !== undefined) stream = builder.operator('middle', middle, stream)
  builder.sink('out', sink, stream)
  const result = await builder.build().run()
  return new Map(result.metrics.map((node) => [node.name, { ...node, ...timeMsPerSecond(node) }]))
}

describe('busy, idle and back-pressured time per node', () => {
  it('shows the nodes upstream of a slow sink back-pressured and the sink busy', async () => {
    const sink = new SlowSink(4)
    const nodes = await run(new MemorySource(chunks(120)), sink)
    expect(sink.rows).toBeGreaterThan(0)
    const source = nodes.get('numbers')!
    const keep = nodes.get('keep')!
    const out = nodes.get('out')!
    // Expected ~1000 ms/s each: the source and the filter wait for the sink queue to drain all the time.
    expect(source.backPressuredTimeMsPerSecond).toBeGreaterThan(600)
    expect(keep.backPressuredTimeMsPerSecond).toBeGreaterThan(600)
    expect(keep.busyTimeMsPerSecond).toBeLessThan(300)
    // The sink always has a write in flight and is never blocked itself.
    expect(out.busyTimeMsPerSecond).toBeGreaterThan(700)
    expect(out.backPressuredTimeMs).toBe(0)
    // In one pipeline the three add up to the time the node ran.
    for (const node of nodes.values()) {
      const total = node.busyTimeMsPerSecond + node.idleTimeMsPerSecond + node.backPressuredTimeMsPerSecond
      expect(Math.abs(total - 1000)).toBeLessThanOrEqual(2)
    }
  })

  it('shows a slow operator busy, the nodes before it back-pressured and the sink after it idle', async () => {
    const nodes = await run(new MemorySource(chunks(150)), new CollectSink(), new SpinOperator(3))
    const middle = nodes.get('middle')!
    // Its time is its own: not charged to the source and filter whose loop calls it.
    expect(middle.busyTimeMsPerSecond).toBeGreaterThan(700)
    expect(nodes.get('keep')!.busyTimeMsPerSecond).toBeLessThan(200)
    expect(nodes.get('numbers')!.busyTimeMsPerSecond).toBeLessThan(200)
    expect(nodes.get('keep')!.backPressuredTimeMsPerSecond).toBeGreaterThan(600)
    expect(nodes.get('numbers')!.backPressuredTimeMsPerSecond).toBeGreaterThan(600)
    expect(nodes.get('out')!.idleTimeMsPerSecond).toBeGreaterThan(700)
  })

  it('shows a pipeline faster than its input idle, not back-pressured', async () => {
    const nodes = await run(new TrickleSource(chunks(60), 8), new SlowSink(0))
    for (const node of nodes.values()) {
      expect(node.backPressuredTimeMsPerSecond, node.name).toBeLessThan(150)
      expect(node.idleTimeMsPerSecond, node.name).toBeGreaterThan(600)
    }
  })
})
