import type { Row } from '../rows.ts'
import type { StateKey } from '../state/keyed-state.ts'
import { PendingEnds } from './pending-ends.ts'
import { SliceStore, type SliceStoreSnapshot } from './slice-store.ts'
import { alignedStart, isFired } from './window.ts'
import type { WindowEmitter, WindowState, WindowStateContext } from './window-state.ts'

export interface CumulativeWindowSnapshot {
  readonly steps: SliceStoreSnapshot
  readonly totals: SliceStoreSnapshot
  readonly pendingEnds: number[]
}

/**
 * CUMULATE(step, maxSize): windows [start, start + k·step) for k = 1 … maxSize/step share a start and fire at
 * every step. Rows of the earliest unfired step update the running total of their window start directly;
 * rows ahead of the watermark wait in the slice of their step, merged into the total when that step fires.
 * Every fired step emits each group of the total. So each row is accumulated once, and only out-of-order
 * rows cost a merge.
 *
 * A row whose step already fired but whose maximal window has not also goes into the running total: it
 * shows in the later cumulative windows only (Flink's behaviour); it is late once the maximal window fired.
 */
export class CumulativeWindowState implements WindowState<CumulativeWindowSnapshot> {
  private readonly steps: SliceStore
  private readonly totals: SliceStore
  private readonly pendingEnds = new PendingEnds()
  private currentWatermark = Number.NEGATIVE_INFINITY

  constructor(
    private readonly context: WindowStateContext,
    private readonly step: number,
    private readonly maxSize: number,
    private readonly offset: number,
  ) {
    this.steps = new SliceStore(context, (end) => this.registerEnds(this.windowStart(end - 1)))
    this.totals = new SliceStore(context, (start) => this.registerEnds(start))
  }

  isLate(timestamp: number, watermark: number): boolean {
    return isFired(this.windowStart(timestamp) + this.maxSize, watermark)
  }

  accumulatorsFor(key: StateKey, row: Row, set: number, timestamp: number, watermark: number): unknown[] {
    this.currentWatermark = watermark
    const stepStart = alignedStart(timestamp, this.step, this.offset)
    const windowStart = this.windowStart(timestamp)
    // The earliest unfired step of a window (and any fired one) goes straight into the running total: no
    // window emitted before that step fires may leave it out. Only rows ahead of it wait in step slices.
    if (stepStart === windowStart || isFired(stepStart, watermark)) {
      return this.totals.accumulators(windowStart, key, row, set)
    }
    return this.steps.accumulators(stepStart + this.step, key, row, set)
  }

  fire(watermark: number, emit: WindowEmitter): void {
    const { aggregator } = this.context
    this.currentWatermark = watermark
    for (
      let end = this.pendingEnds.popFired(watermark);
      end !== null;
      end = this.pendingEnds.popFired(watermark)
    ) {
      const start = this.windowStart(end - 1)
      const total = this.totals.ensure(start)
      for (const [key, group] of this.steps.get(end)?.entries() ?? []) {
        let into = total.get(key)
        if (into === undefined) {
          into = { key: group.key, accumulators: aggregator.create() }
          total.put(key, into)
        }
        aggregator.merge(into.accumulators, group.accumulators)
      }
      this.steps.drop(end)
      for (const [, group] of total.entries()) emit(start, end, group)
      if (end === start + this.maxSize) this.totals.drop(start)
    }
  }

  entries(): number {
    return this.steps.entries() + this.totals.entries()
  }

  snapshot(): CumulativeWindowSnapshot {
    return {
      steps: this.steps.snapshot(),
      totals: this.totals.snapshot(),
      pendingEnds: this.pendingEnds.snapshot(),
    }
  }

  restore(snapshot: CumulativeWindowSnapshot): void {
    this.steps.restore(snapshot.steps)
    this.totals.restore(snapshot.totals)
    this.pendingEnds.restore(snapshot.pendingEnds)
  }

  private windowStart(timestamp: number): number {
    return alignedStart(timestamp, this.maxSize, this.offset)
  }

  /** Every not yet fired step end of the window starting at `start`. */
  private registerEnds(start: number): void {
    for (let end = start + this.step; end <= start + this.maxSize; end += this.step) {
      if (!isFired(end, this.currentWatermark)) this.pendingEnds.add(end)
    }
  }
}
