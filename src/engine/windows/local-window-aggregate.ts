import { type AggregateCall, Aggregator } from '../aggregates/aggregator.ts'
import type { Grouping } from '../grouping/grouping.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type MiniBatchBounds, MiniBatchTrigger, PartialBuffer } from '../operators/partial-buffer.ts'
import { type Batch, isInsertOnly, type Row } from '../rows.ts'
import { MIN_WATERMARK } from '../stream.ts'
import { gcd } from './sliding-window-state.ts'
import { type AlignedWindowSpec, alignedStart, isFired } from './window.ts'

export interface LocalWindowAggregateOptions {
  /** TUMBLE, HOP or CUMULATE: windows made of slices that merge (a SESSION window cannot be pre-aggregated). */
  readonly window: AlignedWindowSpec
  readonly timeColumn: number
  /** A plain GROUP BY (one grouping set). */
  readonly grouping: Grouping
  readonly aggregates: readonly AggregateCall[]
  /** Flushes every buffered slice early when reached; slices are otherwise flushed when the watermark passes them. */
  readonly miniBatch: MiniBatchBounds
}

export interface LocalWindowAggregateSnapshot {
  readonly watermark: number
}

/**
 * The local half of Flink's two-phase window aggregation: before the exchange, each subtask accumulates its
 * rows per slice (a TUMBLE window, a pane of gcd(size, slide) of a HOP, a step of a CUMULATE) and group, and
 * emits one insert row of partial accumulators per slice and group, `[...group key columns, slice time,
 * ...partials]` with slice time = slice end - 1 (a time inside the slice), for a `WindowAggregateOperator`
 * with `partialsFrom` to merge and fire as it does rows.
 *
 * A slice is emitted when the watermark passes its end (before the watermark goes on, so it reaches the global
 * operator before any window containing it fires there), all slices earlier when a mini-batch bound is hit,
 * before a checkpoint barrier (so only the watermark is snapshotted) and at the end of the input.
 *
 * Rows late for every window under this subtask's watermark go to the dead-letter output here, so dead letters
 * keep the original rows. This subtask's watermark can be ahead of the global operator's (the least over all
 * subtasks), so at parallelism > 1 a row is judged late by the watermark of the subtask that read it.
 */
export class LocalWindowAggregateOperator extends BaseOperator<LocalWindowAggregateSnapshot> {
  private readonly aggregator: Aggregator
  private readonly slices = new Map<number, PartialBuffer>()
  private readonly sliceSize: number
  private trigger!: MiniBatchTrigger
  private watermark = MIN_WATERMARK

  constructor(private readonly options: LocalWindowAggregateOptions) {
    super()
    if (options.grouping.setCount !== 1) throw new Error('local window aggregation supports one grouping set')
    this.aggregator = new Aggregator(options.aggregates)
    this.sliceSize = sliceSizeOf(options.window)
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.trigger = new MiniBatchTrigger(this.options.miniBatch, context.clock)
  }

  processBatch(batch: Batch): void {
    if (!isInsertOnly(batch)) throw new Error('window aggregation needs an insert-only input')
    const { timeColumn, window } = this.options
    const { sliceSize, watermark } = this
    let buffered = 0
    let slice: PartialBuffer | undefined
    let sliceEnd = Number.NaN
    for (const row of batch.rows) {
      const timestamp = row[timeColumn]
      if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
        this.context.deadLetters.send(row, 'null-event-time', null)
        continue
      }
      if (isFired(lastWindowEnd(window, timestamp), watermark)) {
        this.context.deadLetters.send(row, 'late', timestamp)
        continue
      }
      const end = alignedStart(timestamp, sliceSize, window.offset) + sliceSize
      if (end !== sliceEnd) {
        sliceEnd = end
        slice = this.slice(end)
      }
      slice!.accumulate(row)
      buffered++
    }
    if (this.trigger.added(buffered)) this.flush(Number.POSITIVE_INFINITY)
  }

  override onWatermark(timestamp: number): void {
    this.watermark = timestamp
    this.flush(this.trigger.due() ? Number.POSITIVE_INFINITY : timestamp)
  }

  onBarrier(): LocalWindowAggregateSnapshot {
    this.flush(Number.POSITIVE_INFINITY)
    return { watermark: this.watermark }
  }

  restore(snapshot: LocalWindowAggregateSnapshot): void {
    this.watermark = snapshot.watermark
  }

  override onEndOfInput(): void {
    this.flush(Number.POSITIVE_INFINITY)
  }

  override stateEntries(): number {
    let entries = 0
    for (const slice of this.slices.values()) entries += slice.size
    return entries
  }

  private slice(end: number): PartialBuffer {
    let slice = this.slices.get(end)
    if (slice === undefined) {
      slice = new PartialBuffer(this.options.grouping, this.aggregator)
      this.slices.set(end, slice)
    }
    return slice
  }

  /** Emits the slices fired under `watermark` (all of them at +∞). */
  private flush(watermark: number): void {
    if (watermark === Number.POSITIVE_INFINITY) this.trigger.reset()
    const rows: Row[] = []
    for (const [end, slice] of this.slices) {
      if (!isFired(end, watermark)) continue
      slice.drainInto(rows, [end - 1])
      this.slices.delete(end)
    }
    if (rows.length > 0) this.context.output.emit({ rows, kinds: null })
  }
}

/** The slice length: the window itself for TUMBLE, gcd(size, slide) for HOP, the step for CUMULATE. */
function sliceSizeOf(window: AlignedWindowSpec): number {
  switch (window.kind) {
    case 'tumble':
      return window.size
    case 'hop':
      return gcd(window.size, window.slide)
    case 'cumulate':
      return window.step
  }
}

/** The end of the last window containing `timestamp`: once it fired, the row is late for all its windows. */
function lastWindowEnd(window: AlignedWindowSpec, timestamp: number): number {
  switch (window.kind) {
    case 'tumble':
      return alignedStart(timestamp, window.size, window.offset) + window.size
    case 'hop':
      return alignedStart(timestamp, window.slide, window.offset) + window.size
    case 'cumulate':
      return alignedStart(timestamp, window.maxSize, window.offset) + window.maxSize
  }
}
