import type { Grouping } from '../grouping/grouping.ts'
import { keyEncoder } from '../grouping/key-encoder.ts'
import { hashStateKey } from '../hash/value-hash.ts'
import type { Row } from '../rows.ts'
import type { StateKey } from '../state/keyed-state.ts'
import { DEFAULT_MAX_PARALLELISM, keyGroup, subtaskFor } from './key-groups.ts'

/**
 * The subtask a row belongs to when keyed by `columns`: its key's key group, owned by one subtask, so every
 * row of a key meets the same state. No columns (a global aggregate, an unpartitioned Top-N) means subtask 0.
 */
export function routeByKey(
  columns: readonly number[],
  parallelism: number,
  maxParallelism = DEFAULT_MAX_PARALLELISM,
): (row: Row) => number {
  if (columns.length === 0) return () => 0
  const keyOf = keyEncoder(columns)
  return (row) => subtaskOfKey(keyOf(row), parallelism, maxParallelism)
}

/** The subtask owning state key `key`. */
export function subtaskOfKey(
  key: StateKey,
  parallelism: number,
  maxParallelism = DEFAULT_MAX_PARALLELISM,
): number {
  return subtaskFor(keyGroup(hashStateKey(key), maxParallelism), parallelism, maxParallelism)
}

/**
 * Where an aggregate's input row goes: to the subtask owning its group key, or with grouping sets, to every
 * subtask owning the key of one of its sets (each counts only its own groups, see `Grouping.owns`). This is
 * Flink's Expand-then-hash without copying the row per set.
 */
export function routeByGrouping(grouping: Grouping, parallelism: number): (row: Row) => number | number[] {
  if (grouping.setCount === 1) return (row) => subtaskOfKey(grouping.key(row, 0), parallelism)
  // One array for every row: the exchange reads it before routing the next row.
  const targets: number[] = []
  return (row) => {
    targets.length = 0
    for (let set = 0; set < grouping.setCount; set++) {
      const target = subtaskOfKey(grouping.key(row, set), parallelism)
      if (!targets.includes(target)) targets.push(target)
    }
    return targets
  }
}
