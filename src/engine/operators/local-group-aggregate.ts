import { type AggregateCall, Aggregator } from '../aggregates/aggregator.ts'
import type { Grouping } from '../grouping/grouping.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isInsertOnly, type Row } from '../rows.ts'
import { type MiniBatchBounds, MiniBatchTrigger, PartialBuffer } from './partial-buffer.ts'

export interface LocalGroupAggregateOptions {
  /** A plain GROUP BY (one grouping set). */
  readonly grouping: Grouping
  readonly aggregates: readonly AggregateCall[]
  readonly miniBatch: MiniBatchBounds
}

/**
 * The local half of Flink's local/global unbounded aggregation: before the exchange, each subtask folds a
 * mini-batch of its insert-only input per group and emits one insert row of partial accumulators per group,
 * `[...group key columns, ...partials]`, for a `GroupAggregateOperator` with `partialsFrom` to merge. So only
 * one row per group and mini-batch crosses the exchange instead of every input row.
 *
 * The mini-batch is flushed when its size or latency bound is reached, on every watermark, before a
 * checkpoint barrier (so the operator has no state to snapshot) and at the end of the input.
 */
export class LocalGroupAggregateOperator extends BaseOperator<null> {
  private readonly buffer: PartialBuffer
  private trigger!: MiniBatchTrigger

  constructor(private readonly options: LocalGroupAggregateOptions) {
    super()
    if (options.grouping.setCount !== 1) throw new Error('local aggregation supports one grouping set')
    this.buffer = new PartialBuffer(options.grouping, new Aggregator(options.aggregates))
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.trigger = new MiniBatchTrigger(this.options.miniBatch, context.clock)
  }

  processBatch(batch: Batch): void {
    if (!isInsertOnly(batch)) throw new Error('local aggregation needs an insert-only input')
    for (const row of batch.rows) this.buffer.accumulate(row)
    if (this.trigger.added(batch.rows.length)) this.flush()
  }

  override onWatermark(): void {
    this.flush()
  }

  onBarrier(): null {
    this.flush()
    return null
  }

  restore(): void {}

  override onEndOfInput(): void {
    this.flush()
  }

  override stateEntries(): number {
    return this.buffer.size
  }

  private flush(): void {
    this.trigger.reset()
    if (this.buffer.size === 0) return
    const rows: Row[] = []
    this.buffer.drainInto(rows)
    this.context.output.emit({ rows, kinds: null })
  }
}
