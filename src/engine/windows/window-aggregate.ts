import { type AggregateCall, Aggregator } from '../aggregates/aggregator.ts'
import type { Grouping } from '../grouping/grouping.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isInsertOnly, type Row } from '../rows.ts'
import { MIN_WATERMARK } from '../stream.ts'
import { AttachedWindowState } from './attached-window-state.ts'
import { CumulativeWindowState } from './cumulative-window-state.ts'
import { SessionWindowState } from './session-window-state.ts'
import { SlidingWindowState } from './sliding-window-state.ts'
import type { WindowSpec } from './window.ts'
import type { GroupAccumulators, WindowState, WindowStateContext } from './window-state.ts'

export interface WindowAggregateOptions {
  readonly window: WindowSpec
  /** Column holding the row's event time (epoch milliseconds), the DESCRIPTOR of the window TVF. */
  readonly timeColumn: number
  readonly grouping: Grouping
  readonly aggregates: readonly AggregateCall[]
  /**
   * Set for the global half of a two-phase aggregation: input rows are a `LocalWindowAggregateOperator`'s
   * partial rows, whose partial accumulators from this column on are merged instead of rows accumulated.
   */
  readonly partialsFrom?: number
}

export interface WindowAggregateSnapshot {
  readonly watermark: number
  readonly windows: unknown
}

/**
 * Window aggregation over an insert-only input (`GROUP BY window_start, window_end, keys` over a window TVF).
 * Rows update accumulators as they arrive; a window fires when the watermark reaches its window_time and
 * emits one insert row per group, then its state is freed. Output rows are
 * `[...group key columns, ...aggregate values, window_start, window_end, window_time]`.
 *
 * Rows without event time and rows late for all their windows go to the dead-letter output. With grouping
 * sets, a session row counts as late when it is late for any of its sets (each set keeps its own sessions).
 */
export class WindowAggregateOperator extends BaseOperator<WindowAggregateSnapshot> {
  private readonly aggregator: Aggregator
  private readonly grouping: Grouping
  private readonly timeColumn: number
  private readonly partialsFrom: number | undefined
  private windows!: WindowState
  private watermark = MIN_WATERMARK
  private fired: Row[] = []

  constructor(private readonly options: WindowAggregateOptions) {
    super()
    this.aggregator = new Aggregator(options.aggregates)
    this.grouping = options.grouping
    this.timeColumn = options.timeColumn
    this.partialsFrom = options.partialsFrom
  }

  override open(context: OperatorContext): void {
    super.open(context)
    const windowContext = { aggregator: this.aggregator, grouping: this.grouping, state: context.state }
    this.windows = createWindowState(this.options.window, windowContext)
  }

  processBatch(batch: Batch): void {
    if (!isInsertOnly(batch)) throw new Error('window aggregation needs an insert-only input')
    const { windows, grouping, aggregator, timeColumn, watermark, partialsFrom } = this
    const setCount = grouping.setCount
    for (const row of batch.rows) {
      const timestamp = row[timeColumn]
      if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
        this.context.deadLetters.send(row, 'null-event-time', null)
        continue
      }
      if (windows.isLate(timestamp, watermark)) {
        this.reportLate(row, timestamp)
        continue
      }
      let late = false
      for (let set = 0; set < setCount; set++) {
        const key = grouping.key(row, set)
        if (grouping.owns !== undefined && !grouping.owns(key)) continue
        const accumulators = windows.accumulatorsFor(key, row, set, timestamp, watermark)
        if (accumulators === null) late = true
        else if (partialsFrom === undefined) aggregator.accumulate(accumulators, row)
        else aggregator.mergePartials(accumulators, row, partialsFrom)
      }
      if (late) this.reportLate(row, timestamp)
    }
  }

  /**
   * In a parallel job a row may reach several subtasks (one per grouping set's key): only the owner of its
   * first set's key reports it late, so it is reported once.
   */
  private reportLate(row: Row, timestamp: number): void {
    const { grouping } = this
    if (grouping.owns === undefined || grouping.owns(grouping.key(row, 0)))
      this.context.deadLetters.send(row, 'late', timestamp)
  }

  override onWatermark(timestamp: number): void {
    this.watermark = timestamp
    this.windows.fire(timestamp, this.emitWindow)
    if (this.fired.length === 0) return
    const rows = this.fired
    this.fired = []
    this.context.output.emit({ rows, kinds: null })
  }

  onBarrier(): WindowAggregateSnapshot {
    return { watermark: this.watermark, windows: this.windows.snapshot() }
  }

  restore(snapshot: WindowAggregateSnapshot): void {
    this.watermark = snapshot.watermark
    this.windows.restore(snapshot.windows)
  }

  override stateEntries(): number {
    return this.windows.entries()
  }

  private readonly emitWindow = (start: number, end: number, group: GroupAccumulators): void => {
    const row = this.aggregator.resultRow(group.key, group.accumulators, 3)
    const windowColumns = row.length - 3
    row[windowColumns] = start
    row[windowColumns + 1] = end
    row[windowColumns + 2] = end - 1
    this.fired.push(row)
  }
}

function createWindowState(spec: WindowSpec, context: WindowStateContext): WindowState {
  switch (spec.kind) {
    case 'tumble':
      return new SlidingWindowState(context, spec.size, spec.size, spec.offset)
    case 'hop':
      return new SlidingWindowState(context, spec.size, spec.slide, spec.offset)
    case 'cumulate':
      return new CumulativeWindowState(context, spec.step, spec.maxSize, spec.offset)
    case 'session':
      return new SessionWindowState(context, spec.gap)
    case 'attached':
      return new AttachedWindowState(context, spec.startColumn)
  }
}
