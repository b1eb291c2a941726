import type { Row } from '../rows.ts'
import type { StateKey } from '../state/keyed-state.ts'
import { PendingEnds } from './pending-ends.ts'
import { SliceStore, type SliceStoreSnapshot } from './slice-store.ts'
import { TimerQueue } from './timer-queue.ts'
import { alignedStart, isFired } from './window.ts'
import type { GroupAccumulators, WindowEmitter, WindowState, WindowStateContext } from './window-state.ts'

export interface SlidingWindowSnapshot {
  readonly slices: SliceStoreSnapshot
  readonly pendingEnds: number[]
}

/**
 * TUMBLE and HOP by slicing, as Flink's slicing window operator does: time is cut into slices of
 * gcd(size, slide), each row updates exactly one slice, and a firing window merges the slices it covers.
 * A tumbling window is its own single slice and is emitted without merging.
 *
 * A row is late only when the last window containing it has fired; if only some of its windows fired, it
 * still counts in the later ones (Flink's behaviour).
 */
export class SlidingWindowState implements WindowState<SlidingWindowSnapshot> {
  private readonly sliceSize: number
  private readonly slices: SliceStore
  private readonly pendingEnds = new PendingEnds()
  /** Slices by the end of the last window that needs them, so they are freed right after it fires. */
  private readonly expiries = new TimerQueue<number>()
  /** The watermark when a slice is created: windows that fired before it are not registered again. */
  private currentWatermark = Number.NEGATIVE_INFINITY

  constructor(
    private readonly context: WindowStateContext,
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    this.sliceSize = gcd(size, slide)
    this.slices = new SliceStore(context, (end) => this.onNewSlice(end))
  }

  isLate(timestamp: number, watermark: number): boolean {
    return isFired(this.lastWindowEnd(this.sliceEnd(timestamp)), watermark)
  }

  accumulatorsFor(key: StateKey, row: Row, set: number, timestamp: number, watermark: number): unknown[] {
    this.currentWatermark = watermark
    return this.slices.accumulators(this.sliceEnd(timestamp), key, row, set)
  }

  fire(watermark: number, emit: WindowEmitter): void {
    this.currentWatermark = watermark
    for (
      let end = this.pendingEnds.popFired(watermark);
      end !== null;
      end = this.pendingEnds.popFired(watermark)
    ) {
      this.emitWindow(end, emit)
      while (this.expiries.size > 0 && this.expiries.peekTime() <= end) this.slices.drop(this.expiries.pop())
    }
  }

  entries(): number {
    return this.slices.entries()
  }

  snapshot(): SlidingWindowSnapshot {
    return { slices: this.slices.snapshot(), pendingEnds: this.pendingEnds.snapshot() }
  }

  restore(snapshot: SlidingWindowSnapshot): void {
    this.slices.restore(snapshot.slices)
    this.pendingEnds.restore(snapshot.pendingEnds)
    this.expiries.restore(snapshot.slices.map(([end]) => [this.lastWindowEnd(end), end] as const))
  }

  private sliceEnd(timestamp: number): number {
    return alignedStart(timestamp, this.sliceSize, this.offset) + this.sliceSize
  }

  /**
   * The earliest window end at or after the slice end: the first window containing the slice. Windows start
   * on the offset grid of `slide`, so their ends lie on the grid shifted by `size`.
   */
  private firstWindowEnd(sliceEnd: number): number {
    return alignedStart(sliceEnd - 1, this.slide, this.offset + this.size) + this.slide
  }

  private lastWindowEnd(sliceEnd: number): number {
    const first = this.firstWindowEnd(sliceEnd)
    return first + Math.floor((sliceEnd + this.size - this.sliceSize - first) / this.slide) * this.slide
  }

  private onNewSlice(sliceEnd: number): void {
    const last = this.lastWindowEnd(sliceEnd)
    for (let end = this.firstWindowEnd(sliceEnd); end <= last; end += this.slide) {
      if (!isFired(end, this.currentWatermark)) this.pendingEnds.add(end)
    }
    this.expiries.push(last, sliceEnd)
  }

  private emitWindow(end: number, emit: WindowEmitter): void {
    const start = end - this.size
    if (this.sliceSize === this.size) {
      for (const [, group] of this.slices.get(end)?.entries() ?? []) emit(start, end, group)
      return
    }
    const { aggregator } = this.context
    const merged = new Map<StateKey, GroupAccumulators>()
    for (let sliceEnd = start + this.sliceSize; sliceEnd <= end; sliceEnd += this.sliceSize) {
      for (const [key, group] of this.slices.get(sliceEnd)?.entries() ?? []) {
        let into = merged.get(key)
        if (into === undefined) {
          into = { key: group.key, accumulators: aggregator.create() }
          merged.set(key, into)
        }
        aggregator.merge(into.accumulators, group.accumulators)
      }
    }
    for (const group of merged.values()) emit(start, end, group)
  }
}

export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
