import type { Batch } from '../rows.ts'
import { MIN_WATERMARK } from '../stream.ts'
import type { Downstream } from './downstream.ts'

/** What an input gate drives: a node that sees its inputs merged into one ordered stream of events. */
export interface GateConsumer {
  batch(batch: Batch, input: number): void
  watermark(timestamp: number): void
  barrier(checkpointId: number): void
  idle(): void
  end(): void
}

/**
 * Merges the inputs of one node, as Flink's input gate does:
 * - watermark: the minimum over inputs that are neither idle nor ended, forwarded only when it advances;
 * - barriers are aligned: an input that delivered barrier n is blocked (its sources stop being pulled, see
 *   `isBlocked`) until every live input delivered it, then the barrier goes on once;
 * - end of input once every input ended. An ended input counts as aligned and no longer holds the watermark.
 */
export class InputGate {
  readonly inputs: Downstream[]
  private readonly watermarks: Float64Array
  private readonly idle: boolean[]
  private readonly ended: boolean[]
  private readonly blocked: boolean[]
  private forwarded = MIN_WATERMARK
  private allIdleForwarded = false
  private endedCount = 0
  private blockedCount = 0
  private pendingBarrier = 0

  constructor(
    private readonly consumer: GateConsumer,
    inputCount: number,
    private readonly onUnblocked: () => void,
  ) {
    this.watermarks = new Float64Array(inputCount).fill(MIN_WATERMARK)
    this.idle = new Array<boolean>(inputCount).fill(false)
    this.ended = new Array<boolean>(inputCount).fill(false)
    this.blocked = new Array<boolean>(inputCount).fill(false)
    this.inputs = Array.from({ length: inputCount }, (_, index) => this.inputFor(index))
  }

  /** Whether input `index` delivered a barrier the others have not; its sources must not be pulled. */
  isBlocked(index: number): boolean {
    return this.blocked[index]!
  }

  private inputFor(index: number): Downstream {
    return {
      batch: (batch) => {
        if (this.blocked[index])
          throw new Error(`input ${index} received data after a barrier before alignment`)
        if (this.idle[index]) this.activate(index)
        this.consumer.batch(batch, index)
      },
      watermark: (timestamp) => {
        if (this.idle[index]) this.activate(index)
        if (timestamp > this.watermarks[index]!) {
          this.watermarks[index] = timestamp
          this.advanceWatermark()
        }
      },
      barrier: (checkpointId) => this.onBarrier(index, checkpointId),
      idle: () => {
        this.idle[index] = true
        this.advanceWatermark()
      },
      end: () => this.onEnd(index),
    }
  }

  private activate(index: number): void {
    this.idle[index] = false
    this.allIdleForwarded = false
  }

  private onBarrier(index: number, checkpointId: number): void {
    if (this.watermarks.length === 1) {
      this.consumer.barrier(checkpointId)
      return
    }
    this.pendingBarrier = checkpointId
    this.blocked[index] = true
    this.blockedCount++
    this.releaseIfAligned()
  }

  private onEnd(index: number): void {
    this.ended[index] = true
    this.endedCount++
    this.advanceWatermark()
    if (this.blockedCount > 0) this.releaseIfAligned()
    if (this.endedCount === this.ended.length) this.consumer.end()
  }

  private releaseIfAligned(): void {
    if (this.blockedCount + this.endedCount < this.blocked.length) return
    this.blocked.fill(false)
    this.blockedCount = 0
    this.consumer.barrier(this.pendingBarrier)
    this.onUnblocked()
  }

  private advanceWatermark(): void {
    let minimum = Number.POSITIVE_INFINITY
    let live = 0
    for (let i = 0; i < this.watermarks.length; i++) {
      if (this.ended[i] || this.idle[i]) continue
      live++
      if (this.watermarks[i]! < minimum) minimum = this.watermarks[i]!
    }
    if (live === 0) {
      if (this.endedCount < this.ended.length && !this.allIdleForwarded) {
        this.allIdleForwarded = true
        this.consumer.idle()
      }
      return
    }
    if (minimum > this.forwarded) {
      this.forwarded = minimum
      this.consumer.watermark(minimum)
    }
  }
}
