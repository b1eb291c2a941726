import { type Batch, isRetraction, kindAt, type Row } from '../../engine/index.ts'
import { rowsEqual } from '../../engine/rows.ts'

export interface ResultColumn {
  readonly name: string
  /** SQL type text, e.g. 'BIGINT', 'TIMESTAMP(3)'. */
  readonly type: string
}

/** Without a key, the latest this many rows are kept (an append stream would otherwise grow without end). */
export const DEFAULT_MAX_UNKEYED_ROWS = 10_000

/**
 * A print table's changelog applied to an in-memory table, as Flink's SQL client materializes a result in
 * table mode. With a key (the table's PRIMARY KEY, or the group key of an aggregate: see `result-key.ts`),
 * each key holds its latest row, so a window aggregate shows each group's latest window and an update
 * replaces its row in place. Without one, +I/+U add a row and -U/-D take away an equal one.
 */
export class MaterializedResult {
  private readonly keyed = new Map<string, Row>()
  private unkeyed: Row[] = []
  /** Rows the unkeyed result let go of to stay within `maxUnkeyedRows`. */
  private dropped = 0
  /** Bumped on every change, so a view redraws only when something changed. */
  version = 0

  constructor(
    readonly name: string,
    readonly columns: readonly ResultColumn[],
    readonly key: readonly number[] | undefined,
    private readonly maxUnkeyedRows = DEFAULT_MAX_UNKEYED_ROWS,
  ) {}

  apply(batch: Batch): void {
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!
      const retract = isRetraction(kindAt(batch, i))
      if (this.key === undefined) this.applyUnkeyed(row, retract)
      else {
        const id = keyOf(row, this.key)
        if (retract) this.keyed.delete(id)
        else this.keyed.set(id, row)
      }
    }
    if (batch.rows.length > 0) this.version++
  }

  get size(): number {
    return this.key === undefined ? this.unkeyed.length : this.keyed.size
  }

  /** Older rows the result no longer holds (unkeyed results only). */
  get droppedRows(): number {
    return this.dropped
  }

  /**
   * The rows to show: keyed rows with the most NULL key values first, then by key with NULLs first, so
   * GROUPING SETS read top-down (the grand total, then per site, then per site and platform, …); unkeyed
   * rows in arrival order.
   */
  rows(): readonly Row[] {
    if (this.key === undefined) return this.unkeyed
    const key = this.key
    return [...this.keyed.values()].sort((left, right) => compareBy(left, right, key))
  }

  private applyUnkeyed(row: Row, retract: boolean): void {
    if (!retract) {
      this.unkeyed.push(row)
      if (this.unkeyed.length > this.maxUnkeyedRows * 2) {
        // Trimmed in halves, so that an append stream costs O(1) per row.
        this.dropped += this.unkeyed.length - this.maxUnkeyedRows
        this.unkeyed = this.unkeyed.slice(-this.maxUnkeyedRows)
      }
      return
    }
    // The latest equal row: a retraction usually follows the row it takes back closely.
    for (let i = this.unkeyed.length - 1; i >= 0; i--) {
      if (rowsEqual(this.unkeyed[i]!, row)) {
        this.unkeyed.splice(i, 1)
        return
      }
    }
  }
}

function keyOf(row: Row, key: readonly number[]): string {
  return JSON.stringify(key.map((index) => normalize(row[index])))
}

function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  return value ?? null
}

function compareBy(left: Row, right: Row, key: readonly number[]): number {
  const coarser = nullsIn(right, key) - nullsIn(left, key)
  if (coarser !== 0) return coarser
  for (const index of key) {
    const order = compareValues(left[index], right[index])
    if (order !== 0) return order
  }
  return 0
}

function nullsIn(row: Row, key: readonly number[]): number {
  let nulls = 0
  for (const index of key) if (row[index] === null || row[index] === undefined) nulls++
  return nulls
}

function compareValues(left: unknown, right: unknown): number {
  const leftNull = left === null || left === undefined
  const rightNull = right === null || right === undefined
  if (leftNull || rightNull) return leftNull === rightNull ? 0 : leftNull ? -1 : 1
  if (typeof left === 'number' && typeof right === 'number') return left - right
  if (typeof left === 'bigint' && typeof right === 'bigint') return left < right ? -1 : left > right ? 1 : 0
  const a = String(left)
  const b = String(right)
  return a < b ? -1 : a > b ? 1 : 0
}
