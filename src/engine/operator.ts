import type { Clock } from './clock.ts'
import type { DeadLetters } from './dead-letter.ts'
import type { OperatorMetrics } from './metrics.ts'
import type { Batch } from './rows.ts'
import type { StateBackend } from './state/keyed-state.ts'

/** Where an operator emits its results; the executor forwards them synchronously to the next operators. */
export interface Output {
  emit(batch: Batch): void
}

export interface OperatorContext {
  /** The node name in the pipeline, unique; also names the operator in dead letters and metrics. */
  readonly name: string
  readonly output: Output
  readonly deadLetters: DeadLetters
  readonly metrics: OperatorMetrics
  readonly state: StateBackend
  readonly clock: Clock
}

/**
 * A streaming operator. The executor calls it from one logical thread, in stream order:
 * `open`, then `restore` when recovering, then any interleaving of `processBatch`, `onWatermark` and
 * `onBarrier`, then `onEndOfInput` once all inputs ended, and `close` last (also after a failure).
 *
 * - `processBatch` may emit any number of batches; input batches and rows must not be modified (they may be
 *   shared with other consumers).
 * - `onWatermark` is called with the combined watermark of all inputs, only when it advances; results it
 *   emits (fired windows) reach the next operator before the watermark does.
 * - `onBarrier` returns a snapshot of all state: plain, structured-clonable data that no later processing
 *   changes. `restore` receives such a snapshot (possibly after serialisation) before any data.
 *
 * `S` is the snapshot type.
 */
export interface Operator<S = unknown> {
  open(context: OperatorContext): void
  processBatch(batch: Batch, input: number): void
  onWatermark(timestamp: number): void
  onBarrier(checkpointId: number): S
  restore(snapshot: S): void
  onEndOfInput(): void
  close(): void
  /** Live state entries, read by metrics on demand. */
  stateEntries(): number
}

/** Defaults for the hooks most operators do not need. */
export abstract class BaseOperator<S> implements Operator<S> {
  protected context!: OperatorContext

  open(context: OperatorContext): void {
    this.context = context
  }

  abstract processBatch(batch: Batch, input: number): void
  abstract onBarrier(checkpointId: number): S
  abstract restore(snapshot: S): void

  onWatermark(_timestamp: number): void {}

  onEndOfInput(): void {}

  close(): void {}

  stateEntries(): number {
    return 0
  }
}

/** An operator without state: nothing to snapshot or restore. */
export abstract class StatelessOperator extends BaseOperator<null> {
  onBarrier(): null {
    return null
  }

  restore(): void {}
}
