import type { Row } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot, StateKey } from '../state/keyed-state.ts'
import { TimerQueue } from './timer-queue.ts'
import { isFired } from './window.ts'
import type { WindowEmitter, WindowState, WindowStateContext } from './window-state.ts'

interface AttachedWindow {
  readonly start: number
  readonly end: number
  readonly key: Row
  readonly accumulators: unknown[]
}

export interface AttachedWindowSnapshot {
  readonly windows: KeyedStateSnapshot<AttachedWindow[]>
  readonly timers: ReadonlyArray<readonly [number, StateKey]>
}

/**
 * Windows assigned upstream (a cascading window aggregation, Flink's window-attached windowing): every input
 * row already names its window by window_start (the `startColumn`) and window_end (the timestamp the operator
 * passes in), so rows are only grouped by (key, window) and each window fires when the watermark reaches its
 * window_time. A row is late when its window has already fired.
 */
export class AttachedWindowState implements WindowState<AttachedWindowSnapshot> {
  private readonly windows: KeyedState<AttachedWindow[]>
  private readonly timers = new TimerQueue<StateKey>()

  constructor(
    private readonly context: WindowStateContext,
    private readonly startColumn: number,
  ) {
    this.windows = context.state.keyedState<AttachedWindow[]>('attached-windows')
  }

  isLate(end: number, watermark: number): boolean {
    return isFired(end, watermark)
  }

  accumulatorsFor(key: StateKey, row: Row, set: number, end: number): unknown[] | null {
    const start = row[this.startColumn]
    if (typeof start !== 'number') return null
    const list = this.windows.get(key)
    const existing = list?.find((window) => window.start === start && window.end === end)
    if (existing !== undefined) return existing.accumulators
    const { aggregator, grouping } = this.context
    const window = { start, end, key: grouping.keyRow(row, set), accumulators: aggregator.create() }
    if (list === undefined) this.windows.put(key, [window])
    else list.push(window)
    this.timers.push(end, key)
    return window.accumulators
  }

  fire(watermark: number, emit: WindowEmitter): void {
    while (this.timers.size > 0 && isFired(this.timers.peekTime(), watermark)) {
      const key = this.timers.pop()
      const list = this.windows.get(key)
      if (list === undefined) continue
      const open = list.filter((window) => {
        if (!isFired(window.end, watermark)) return true
        emit(window.start, window.end, window)
        return false
      })
      if (open.length === 0) this.windows.delete(key)
      else if (open.length < list.length) this.windows.put(key, open)
    }
  }

  entries(): number {
    let total = 0
    for (const [, list] of this.windows.entries()) total += list.length
    return total
  }

  snapshot(): AttachedWindowSnapshot {
    return { windows: this.windows.snapshot(), timers: this.timers.entries() }
  }

  restore(snapshot: AttachedWindowSnapshot): void {
    this.windows.restore(snapshot.windows)
    this.timers.restore(snapshot.timers)
  }
}
