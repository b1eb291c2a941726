import { type Row, RowKind } from '../rows.ts'

/**
 * Applies a changelog to a multiset of rows, as a retracting sink would, and returns the final rows sorted by
 * their JSON text. Throws when a -U/-D retracts a row that is not there: that is a changelog bug.
 */
export function materialize(rows: readonly Row[], kinds: readonly RowKind[]): string[] {
  const table = new Map<string, number>()
  rows.forEach((row, i) => {
    const text = JSON.stringify(row)
    const kind = kinds[i]
    if (kind === RowKind.Insert || kind === RowKind.UpdateAfter) {
      table.set(text, (table.get(text) ?? 0) + 1)
      return
    }
    const count = table.get(text) ?? 0
    if (count === 0) throw new Error(`changelog retracts a row it never inserted: ${text}`)
    if (count === 1) table.delete(text)
    else table.set(text, count - 1)
  })
  return [...table].flatMap(([text, count]) => Array<string>(count).fill(text)).sort()
}
