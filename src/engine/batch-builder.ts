import { type Batch, type Row, RowKind } from './rows.ts'

/**
 * Collects output rows of one operator call. The kinds array is only materialised once a non-insert row is
 * added, so insert-only output stays `kinds: null` without the caller deciding up front.
 */
export class BatchBuilder {
  private rows: Row[] = []
  private kinds: number[] | null = null

  get length(): number {
    return this.rows.length
  }

  add(row: Row, kind: RowKind = RowKind.Insert): void {
    if (kind !== RowKind.Insert && this.kinds === null)
      this.kinds = new Array<number>(this.rows.length).fill(0)
    this.rows.push(row)
    this.kinds?.push(kind)
  }

  /** Hands the collected rows over as a batch and starts empty; null when nothing was added. */
  take(): Batch | null {
    if (this.rows.length === 0) return null
    const batch: Batch = { rows: this.rows, kinds: this.kinds === null ? null : Uint8Array.from(this.kinds) }
    this.rows = []
    this.kinds = null
    return batch
  }
}
