import type { Row } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot, StateKey } from '../state/keyed-state.ts'
import type { GroupAccumulators, WindowStateContext } from './window-state.ts'

export type SliceStoreSnapshot = ReadonlyArray<readonly [number, KeyedStateSnapshot<GroupAccumulators>]>

/**
 * Group accumulators per time slice (a window, a pane of a hopping window, a step of a cumulative window), one
 * keyed state per slice so a fired slice is freed in one step. Consecutive rows mostly hit the same slice,
 * so the last slice looked up is cached.
 */
export class SliceStore {
  private readonly slices = new Map<number, KeyedState<GroupAccumulators>>()
  private cachedEnd = Number.NaN
  private cached: KeyedState<GroupAccumulators> | undefined

  constructor(
    private readonly context: WindowStateContext,
    private readonly onNewSlice: (end: number) => void,
  ) {}

  accumulators(end: number, key: StateKey, row: Row, set: number): unknown[] {
    const slice = this.ensure(end)
    let group = slice.get(key)
    if (group === undefined) {
      group = { key: this.context.grouping.keyRow(row, set), accumulators: this.context.aggregator.create() }
      slice.put(key, group)
    }
    return group.accumulators
  }

  get(end: number): KeyedState<GroupAccumulators> | undefined {
    return end === this.cachedEnd ? this.cached : this.slices.get(end)
  }

  ensure(end: number): KeyedState<GroupAccumulators> {
    let slice = this.get(end)
    if (slice === undefined) {
      slice = this.context.state.keyedState<GroupAccumulators>(`slice-${end}`)
      this.slices.set(end, slice)
      this.onNewSlice(end)
    }
    this.cachedEnd = end
    this.cached = slice
    return slice
  }

  /** Frees a slice; clearing it first lets a disk backend delete its entries, not just forget the handle. */
  drop(end: number): void {
    this.slices.get(end)?.clear()
    this.slices.delete(end)
    if (end === this.cachedEnd) {
      this.cachedEnd = Number.NaN
      this.cached = undefined
    }
  }

  entries(): number {
    let total = 0
    for (const slice of this.slices.values()) total += slice.size
    return total
  }

  snapshot(): SliceStoreSnapshot {
    return [...this.slices].map(([end, slice]) => [end, slice.snapshot()] as const)
  }

  restore(snapshot: SliceStoreSnapshot): void {
    this.slices.clear()
    this.cachedEnd = Number.NaN
    this.cached = undefined
    for (const [end, entries] of snapshot) {
      const slice = this.context.state.keyedState<GroupAccumulators>(`slice-${end}`)
      slice.restore(entries)
      this.slices.set(end, slice)
    }
  }
}
