import { type Schema, toObject } from './schema.ts'

/**
 * A table whose row `index` is a pure function of its configuration and the index. Every datagen table is
 * one, so any range of rows can be produced independently and in any batching.
 */
export interface IndexedRows {
  readonly schema: Schema
  /** Number of rows; `Infinity` for an endless stream. */
  readonly size: number
  rowAt(index: number): unknown[]
}

/**
 * Reads an `IndexedRows` table in batches from a position. The position is all a checkpoint needs to
 * store: `seek(position)` resumes exactly where the stream left off.
 */
export class BatchGenerator {
  private next: number
  readonly end: number

  /** `end` (exclusive) bounds the stream below the table's own size, e.g. for 'number-of-rows'. */
  constructor(
    readonly rows: IndexedRows,
    options: { readonly start?: number; readonly end?: number } = {},
  ) {
    this.end = Math.min(options.end ?? Number.POSITIVE_INFINITY, rows.size)
    this.next = 0
    this.seek(options.start ?? 0)
  }

  get schema(): Schema {
    return this.rows.schema
  }

  /** Index of the next row this generator returns. */
  get position(): number {
    return this.next
  }

  get done(): boolean {
    return this.next >= this.end
  }

  seek(position: number): void {
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new RangeError(`position must be a non-negative integer, got ${position}`)
    }
    this.next = position
  }

  /** Up to `n` rows; fewer only at the end of a bounded stream, none once it is done. */
  nextBatch(n: number): unknown[][] {
    const count = Math.max(0, Math.min(n, this.end - this.next))
    const batch = new Array<unknown[]>(count)
    const first = this.next
    for (let i = 0; i < count; i++) batch[i] = this.rows.rowAt(first + i)
    this.next = first + count
    return batch
  }

  /** `nextBatch` with each row keyed by column name. */
  nextObjects(n: number): Record<string, unknown>[] {
    return this.nextBatch(n).map((row) => toObject(row, this.schema))
  }
}
