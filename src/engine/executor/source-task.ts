import type { Clock } from '../clock.ts'
import type { DeadLetterReason } from '../dead-letter.ts'
import { OperatorMetrics } from '../metrics.ts'
import type { Source, SourceChunk } from '../source.ts'
import { MAX_WATERMARK, MIN_WATERMARK } from '../stream.ts'
import {
  PartitionedWatermarks,
  type WatermarkStrategy,
  type WatermarksSnapshot,
} from '../time/watermark-generator.ts'
import { BackPressure } from './back-pressure.ts'
import type { CheckpointCoordinator } from './checkpoint-coordinator.ts'
import type { Downstream } from './downstream.ts'
import type { Signal } from './signal.ts'
import type { ThreadTime } from './thread-time.ts'

export interface SourceTaskSnapshot {
  readonly position: unknown
  readonly watermarks: WatermarksSnapshot | null
}

/** What a source task needs from the pipeline around it. */
export interface SourceTaskEnvironment {
  readonly clock: Clock
  readonly coordinator: CheckpointCoordinator
  /** Woken when a sink queue drains, a gate unblocks, a barrier is requested or the pipeline stops. */
  readonly wakeUp: Signal
  /** False while a sink downstream is saturated or a gate downstream blocks this source for alignment. */
  readonly canPush: () => boolean
  readonly stopped: () => boolean
  readonly threadTime: ThreadTime
}

/**
 * The loop around one source: pull a chunk, push it synchronously through the operator chain, derive the
 * watermark, repeat. Barriers are injected between chunks; the loop waits (without pulling) whenever
 * downstream has no room, which is the backpressure path from a slow sink to the source.
 *
 * Time accounts: the task is busy in the synchronous part of `pull` and while pushing a chunk, back-pressured
 * while the nodes it pushes to work on it (see `ThreadTime`) and while it waits for room, and otherwise idle,
 * i.e. waiting for `pull`; work a source does after an await inside `pull` (decoding a fetch) counts as idle.
 */
export class SourceTask {
  readonly metrics: OperatorMetrics
  /** This task and the operators its loop runs: all are back-pressured while it waits for room. */
  private driven: readonly BackPressure[]
  private waiting = false
  private readonly watermarks: PartitionedWatermarks | null
  private requestedBarrier: number | null = null
  private emittedWatermark = MIN_WATERMARK
  private idleSignalled = false

  constructor(
    readonly name: string,
    private readonly source: Source,
    private readonly output: Downstream,
    strategy: WatermarkStrategy | null,
    private readonly environment: SourceTaskEnvironment,
  ) {
    this.metrics = new OperatorMetrics(name)
    const own = new BackPressure(this.metrics)
    own.addDriver()
    this.driven = [own]
    this.watermarks = strategy === null ? null : new PartitionedWatermarks(strategy)
  }

  restore(snapshot: SourceTaskSnapshot): void {
    this.source.restore(snapshot.position)
    if (snapshot.watermarks !== null)
      this.watermarks?.restore(snapshot.watermarks, this.environment.clock.now())
  }

  /** The operators downstream of this task, which its loop runs synchronously. */
  drive(operators: readonly BackPressure[]): void {
    for (const operator of operators) operator.addDriver()
    this.driven = [...this.driven, ...operators]
  }

  requestBarrier(checkpointId: number): void {
    this.requestedBarrier = checkpointId
    this.environment.wakeUp.notify()
  }

  async checkpointComplete(checkpointId: number): Promise<void> {
    await this.source.onCheckpointComplete?.(checkpointId)
  }

  async close(): Promise<void> {
    await this.source.close()
  }

  async run(): Promise<void> {
    const { clock, wakeUp, canPush, stopped, threadTime } = this.environment
    const started = clock.now()
    for (const partition of this.source.partitions()) this.watermarks?.addPartition(partition, started)
    try {
      threadTime.enter(this.metrics)
      this.advanceWatermark(started)
      while (!stopped()) {
        this.injectRequestedBarrier()
        if (!canPush()) {
          this.waitingForRoom(true)
          threadTime.leave()
          // Never rejects: no try needed to stay balanced with the final leave.
          await wakeUp.wait()
          threadTime.enter(this.metrics)
          continue
        }
        this.waitingForRoom(false)
        const pulled = this.source.pull()
        threadTime.leave()
        let chunk: SourceChunk | null
        try {
          chunk = await pulled
        } finally {
          threadTime.enter(this.metrics)
        }
        if (stopped()) return
        if (chunk === null) return this.finish()
        this.push(chunk)
      }
    } finally {
      threadTime.leave()
      this.waitingForRoom(false)
    }
  }

  private push(chunk: SourceChunk): void {
    const now = this.environment.clock.now()
    if (chunk.deadLetters !== undefined) {
      for (const [reason, count] of Object.entries(chunk.deadLetters) as [DeadLetterReason, number][])
        this.metrics.countDeadLetters(reason, count)
    }
    const rows = chunk.batch.rows.length
    if (rows > 0) {
      this.watermarks?.observe(chunk.partition, chunk.batch, now)
      this.metrics.recordsOut += rows
      this.idleSignalled = false
      this.output.batch(chunk.batch)
    }
    this.advanceWatermark(now)
  }

  private waitingForRoom(waiting: boolean): void {
    if (waiting === this.waiting) return
    this.waiting = waiting
    const now = performance.now()
    for (const node of this.driven) {
      if (waiting) node.driverWaits(now)
      else node.driverResumes(now)
    }
  }

  private injectRequestedBarrier(): void {
    const checkpointId = this.requestedBarrier
    if (checkpointId === null) return
    this.requestedBarrier = null
    this.environment.coordinator.acknowledge(this.name, checkpointId, this.snapshot(checkpointId))
    this.output.barrier(checkpointId)
  }

  private snapshot(checkpointId?: number): SourceTaskSnapshot {
    return { position: this.source.snapshot(checkpointId), watermarks: this.watermarks?.snapshot() ?? null }
  }

  private advanceWatermark(now: number): void {
    const tracked = this.source.watermark?.()
    if (tracked !== undefined) {
      if (tracked === 'idle') this.signalIdle()
      else if (tracked > this.emittedWatermark) this.emitWatermark(tracked)
      return
    }
    if (this.watermarks === null) return
    const current = this.watermarks.current(now)
    if (current > this.emittedWatermark) this.emitWatermark(current)
    else if (this.watermarks.allIdle(now)) this.signalIdle()
  }

  private signalIdle(): void {
    if (this.idleSignalled) return
    this.idleSignalled = true
    this.output.idle()
  }

  private emitWatermark(timestamp: number): void {
    this.emittedWatermark = timestamp
    this.idleSignalled = false
    this.metrics.watermark = timestamp
    this.output.watermark(timestamp)
  }

  /** A bounded source ends with the maximum watermark, which fires every pending event-time window. */
  private finish(): void {
    this.emitWatermark(MAX_WATERMARK)
    this.environment.coordinator.finish(this.name, this.snapshot())
    this.output.end()
    const now = performance.now()
    for (const node of this.driven) node.removeDriver(now)
  }
}
