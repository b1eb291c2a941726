import type { Aggregator } from '../aggregates/aggregator.ts'
import type { Grouping } from '../grouping/grouping.ts'
import type { Row } from '../rows.ts'
import type { StateBackend, StateKey } from '../state/keyed-state.ts'

/** The accumulators of one group in one window or slice, with the group's key values for output. */
export interface GroupAccumulators {
  readonly key: Row
  readonly accumulators: unknown[]
}

export interface WindowStateContext {
  readonly aggregator: Aggregator
  readonly grouping: Grouping
  readonly state: StateBackend
}

/** Receives each fired (window, group), in window-end order. */
export type WindowEmitter = (start: number, end: number, group: GroupAccumulators) => void

/**
 * The window-type specific half of the window aggregate: where a row's update goes and which windows fire
 * under a watermark. The operator around it handles rows, lateness, grouping sets and output rows.
 */
export interface WindowState<S = unknown> {
  /** Whether a row at `timestamp` is late for every window it belongs to, whatever its key. */
  isLate(timestamp: number, watermark: number): boolean
  /** The accumulators to update for the group `key` of `row` (grouping set `set`); null when late. */
  accumulatorsFor(
    key: StateKey,
    row: Row,
    set: number,
    timestamp: number,
    watermark: number,
  ): unknown[] | null
  /** Emits and frees every window that fired under `watermark`. */
  fire(watermark: number, emit: WindowEmitter): void
  entries(): number
  snapshot(): S
  restore(snapshot: S): void
}
