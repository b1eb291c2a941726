import { type Batch, isRetraction, kindAt, RowKind, rowKindSymbol } from '../../engine/index.ts'

/** Append-only sinks take inserts only; anything else is a planning mistake the user must fix. */
export function requireInsertOnly(batch: Batch, connector: string, alternative: string): void {
  if (batch.kinds === null) return
  for (let i = 0; i < batch.rows.length; i++) {
    const kind = kindAt(batch, i)
    if (kind !== RowKind.Insert) {
      const what = isRetraction(kind) ? 'retractions' : 'updates'
      throw new Error(
        `connector '${connector}' only takes insert-only input, but the query produces ${what} (${rowKindSymbol(kind)} rows); ${alternative}`,
      )
    }
  }
}
