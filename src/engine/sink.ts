import type { Batch } from './rows.ts'

/**
 * The end of a pipeline. Every method may return a promise; while one is pending, the executor queues the
 * following elements in a bounded queue and stops pulling sources when it is full (backpressure).
 *
 * `onBarrier` is the pre-commit of a two-phase commit: flush and return what recovery needs (e.g. a
 * transaction id); `onCheckpointComplete` commits. `S` is the snapshot type.
 */
export interface Sink<S = unknown> {
  write(batch: Batch): void | Promise<void>
  onWatermark?(timestamp: number): void | Promise<void>
  /** The input went idle: it must not hold back event time downstream until its next batch or watermark. */
  onIdle?(): void | Promise<void>
  onBarrier?(checkpointId: number): S | Promise<S>
  restore?(snapshot: S): void | Promise<void>
  onCheckpointComplete?(checkpointId: number): void | Promise<void>
  onEndOfInput?(): void | Promise<void>
  close?(): void | Promise<void>
}
