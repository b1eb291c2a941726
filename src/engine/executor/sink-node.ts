import { OperatorMetrics } from '../metrics.ts'
import type { Batch } from '../rows.ts'
import type { Sink } from '../sink.ts'
import {
  checkpointBarrier,
  END_OF_INPUT,
  INPUT_IDLE,
  isBatch,
  type StreamElement,
  type StreamEvent,
  watermark,
} from '../stream.ts'
import type { CheckpointCoordinator } from './checkpoint-coordinator.ts'
import type { GateConsumer } from './input-gate.ts'
import { isPromiseLike, pendingOrUndefined } from './promises.ts'
import type { Signal } from './signal.ts'
import type { ThreadTime } from './thread-time.ts'

/**
 * Feeds a sink in stream order. A synchronous sink is called directly; once a call returns a promise, later
 * elements wait in a queue until it settles. Sources stop being pulled while the queue holds `capacity`
 * elements or more, so memory stays bounded by roughly capacity × batch size per sink. The sink is busy while
 * a call runs on the thread or is in flight (its I/O); it is never back-pressured, being the end of the line.
 */
export class SinkNode implements GateConsumer {
  readonly metrics: OperatorMetrics
  readonly finished: Promise<void>
  private readonly queue: StreamElement[] = []
  /** The sink call still running, if any; later elements wait in the queue. */
  private inFlight: PromiseLike<unknown> | null = null
  private discarded = false
  private markFinished: () => void = () => {}

  constructor(
    readonly name: string,
    private readonly sink: Sink,
    private readonly capacity: number,
    private readonly coordinator: CheckpointCoordinator,
    private readonly spaceFreed: Signal,
    private readonly fail: (error: unknown) => void,
    private readonly threadTime: ThreadTime,
  ) {
    this.metrics = new OperatorMetrics(name)
    this.finished = new Promise((resolve) => {
      this.markFinished = resolve
    })
  }

  get saturated(): boolean {
    return this.queue.length >= this.capacity
  }

  async restore(snapshot: unknown): Promise<void> {
    await this.sink.restore?.(snapshot)
  }

  async checkpointComplete(checkpointId: number): Promise<void> {
    await this.sink.onCheckpointComplete?.(checkpointId)
  }

  /** Drops queued elements and stops delivering: the pipeline was cancelled or failed. */
  discard(): void {
    this.discarded = true
    this.queue.length = 0
  }

  /** Closes the sink once its running call (if any) has settled. */
  async close(): Promise<void> {
    await Promise.allSettled([this.inFlight])
    await this.sink.close?.()
  }

  batch(batch: Batch): void {
    this.metrics.recordsIn += batch.rows.length
    this.deliver(batch)
  }

  watermark(timestamp: number): void {
    this.metrics.watermark = timestamp
    if (this.sink.onWatermark !== undefined) this.deliver(watermark(timestamp))
  }

  barrier(checkpointId: number): void {
    this.deliver(checkpointBarrier(checkpointId))
  }

  idle(): void {
    if (this.sink.onIdle !== undefined) this.deliver(INPUT_IDLE)
  }

  end(): void {
    this.deliver(END_OF_INPUT)
  }

  private deliver(element: StreamElement): void {
    if (this.discarded) return
    if (this.inFlight !== null) this.queue.push(element)
    else this.run(element)
  }

  private run(element: StreamElement): void {
    let pending: unknown
    this.threadTime.enter(this.metrics)
    try {
      pending = isBatch(element) ? this.sink.write(element) : this.handle(element)
    } finally {
      this.threadTime.leave()
    }
    if (!isPromiseLike(pending)) return
    this.metrics.busyTime.start(performance.now())
    this.inFlight = pending
    pending.then(this.resume, this.fail)
  }

  private readonly resume = (): void => {
    this.metrics.busyTime.stop(performance.now())
    this.inFlight = null
    try {
      while (!this.discarded && this.inFlight === null && this.queue.length > 0) this.run(this.queue.shift()!)
    } catch (error) {
      this.fail(error)
    }
    this.spaceFreed.notify()
  }

  /** Returns a promise when the sink is still busy with the event. */
  private handle(event: StreamEvent): PromiseLike<unknown> | undefined {
    switch (event.type) {
      case 'watermark':
        return pendingOrUndefined(this.sink.onWatermark?.(event.timestamp))
      case 'barrier':
        return this.preCommit(event.checkpointId)
      case 'end':
        return this.endOfInput()
      case 'idle':
        return pendingOrUndefined(this.sink.onIdle?.())
    }
  }

  private preCommit(checkpointId: number): PromiseLike<unknown> | undefined {
    const snapshot = this.sink.onBarrier?.(checkpointId) ?? null
    if (isPromiseLike(snapshot)) {
      return snapshot.then((resolved) => this.coordinator.acknowledge(this.name, checkpointId, resolved))
    }
    this.coordinator.acknowledge(this.name, checkpointId, snapshot)
    return undefined
  }

  private endOfInput(): PromiseLike<unknown> | undefined {
    const finish = (): void => {
      this.coordinator.finish(this.name)
      this.markFinished()
    }
    const pending = this.sink.onEndOfInput?.()
    if (isPromiseLike(pending)) return pending.then(finish)
    finish()
    return undefined
  }
}
