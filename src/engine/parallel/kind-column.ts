/**
 * The changelog kinds of rows being gathered into a batch: none while every row is an insert of an
 * insert-only stream (`Batch.kinds` null), one a row from the first row given a kind on.
 */
export class KindColumn {
  private kinds: number[] | null = null

  /** The kind of the row after the `rowsBefore` already gathered; undefined in an insert-only stream. */
  add(kind: number | undefined, rowsBefore: number): void {
    if (kind !== undefined) {
      this.kinds ??= new Array<number>(rowsBefore).fill(0)
      this.kinds.push(kind)
    } else this.kinds?.push(0)
  }

  /** The kinds gathered, or null if none was given, and the column emptied. */
  take(): number[] | null {
    const kinds = this.kinds
    this.kinds = null
    return kinds
  }
}
