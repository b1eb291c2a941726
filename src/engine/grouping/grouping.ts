import type { Row } from '../rows.ts'
import type { StateKey } from '../state/keyed-state.ts'
import { encodeValue, keyEncoder } from './key-encoder.ts'

/**
 * How an aggregate derives group keys from an input row. A plain GROUP BY yields one key per row; GROUPING
 * SETS / ROLLUP / CUBE yield one key per grouping set, so both window and unbounded aggregates handle grouping
 * sets by looping over `setCount` instead of expanding rows as Flink's Expand operator does.
 */
export interface Grouping {
  /** Keyed updates per input row. */
  readonly setCount: number
  /** Columns of a key row. */
  readonly keyArity: number
  key(row: Row, set: number): StateKey
  /** The group-key values for output, built only when a group is first seen. */
  keyRow(row: Row, set: number): Row
  /**
   * Set in one subtask of a parallel job that receives rows for several grouping sets: whether the group
   * `key` is this subtask's. A row reaches every subtask owning one of its sets' keys; each counts only its own.
   */
  readonly owns?: (key: StateKey) => boolean
}

/** `grouping`, counting only the groups `owns` accepts. */
export function ownedGroups(grouping: Grouping, owns: (key: StateKey) => boolean): Grouping {
  return { ...grouping, owns }
}

/** GROUP BY `columns` (no columns: one global group). */
export function groupBy(columns: readonly number[]): Grouping {
  const encode = keyEncoder(columns)
  return {
    setCount: 1,
    keyArity: columns.length,
    key: (row) => encode(row),
    keyRow: (row) => {
      const keyRow = new Array<unknown>(columns.length)
      for (let i = 0; i < columns.length; i++) keyRow[i] = row[columns[i]!]
      return keyRow
    },
  }
}

/**
 * GROUP BY GROUPING SETS over the group columns `columns`; each set lists the input columns it keeps (a subset
 * of `columns`). Key rows hold every group column, null where the set rolls it up, followed by the GROUPING
 * bitmask: bit (n-1-i) is 1 when group column i is rolled up, as in SQL's GROUPING_ID(c0, …, cn-1). Keys of
 * different sets never collide because they are prefixed with the set number.
 */
export function groupingSets(columns: readonly number[], sets: readonly (readonly number[])[]): Grouping {
  const prefixes: string[] = []
  const keptPositions: number[][] = []
  const masks: number[] = []
  for (const [index, set] of sets.entries()) {
    for (const column of set) {
      if (!columns.includes(column))
        throw new Error(`grouping set ${index} uses column ${column}, not a group column`)
    }
    prefixes.push(`${index}|`)
    keptPositions.push(columns.flatMap((column, position) => (set.includes(column) ? [position] : [])))
    masks.push(
      columns.reduce(
        (mask, column, i) => (set.includes(column) ? mask : mask | (1 << (columns.length - 1 - i))),
        0,
      ),
    )
  }
  // Every set of a row is keyed in turn, so each column value is encoded once per row, not once per set.
  const encoded = new Array<string>(columns.length)
  let encodedRow: Row | null = null
  return {
    setCount: sets.length,
    keyArity: columns.length + 1,
    key: (row, set) => {
      if (row !== encodedRow) {
        for (let i = 0; i < columns.length; i++) encoded[i] = encodeValue(row[columns[i]!])
        encodedRow = row
      }
      let key = prefixes[set]!
      for (const position of keptPositions[set]!) key += encoded[position]!
      return key
    },
    keyRow: (row, set) => {
      const mask = masks[set]!
      const keyRow = columns.map((column, i) => ((mask >> (columns.length - 1 - i)) & 1 ? null : row[column]))
      keyRow.push(mask)
      return keyRow
    },
  }
}

/** ROLLUP(c0, …, cn-1): the sets (c0…cn-1), (c0…cn-2), …, (). */
export function rollupSets(columns: readonly number[]): number[][] {
  return columns.map((_, i) => columns.slice(0, columns.length - i)).concat([[]])
}

/** CUBE(c0, …, cn-1): all 2^n subsets, from the full set down to the empty set. */
export function cubeSets(columns: readonly number[]): number[][] {
  const sets: number[][] = []
  const full = (1 << columns.length) - 1
  for (let rolledUp = 0; rolledUp <= full; rolledUp++) {
    sets.push(columns.filter((_, i) => ((rolledUp >> (columns.length - 1 - i)) & 1) === 0))
  }
  return sets
}
