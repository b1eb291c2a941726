import {
  BaseOperator,
  type Batch,
  BatchBuilder,
  type KeyEncoder,
  type KeyedState,
  type KeyedStateSnapshot,
  keyEncoder,
  kindAt,
  type OperatorContext,
  type Row,
  RowKind,
} from '../../engine/index.ts'
import { rowsEqual } from '../../engine/rows.ts'

/**
 * Flink's ChangelogNormalize: an upsert stream (a row per key, +U or +I for its new value, -D for its
 * deletion, possibly carrying only the key) as a full changelog. It keeps the last row of each key: the first
 * row of a key is +I, a different later one -U of the kept row then +U, a repeat of the kept row nothing, and
 * a deletion -D of the kept row (nothing when the key has none). Rows of one key must arrive in order, at
 * parallelism > 1 through an exchange by key.
 */
export class ChangelogNormalizeOperator extends BaseOperator<KeyedStateSnapshot<Row>> {
  private readonly key: KeyEncoder
  private last!: KeyedState<Row>

  constructor(key: readonly number[]) {
    super()
    this.key = keyEncoder(key)
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.last = context.state.keyedState('last-row')
  }

  processBatch(batch: Batch): void {
    const out = new BatchBuilder()
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!
      const key = this.key(row)
      const kept = this.last.get(key)
      const kind = kindAt(batch, i)
      if (kind === RowKind.Delete || kind === RowKind.UpdateBefore) {
        if (kept === undefined) continue
        this.last.delete(key)
        out.add(kept, RowKind.Delete)
      } else if (kept === undefined) {
        this.last.put(key, row)
        out.add(row, RowKind.Insert)
      } else if (!rowsEqual(kept, row)) {
        this.last.put(key, row)
        out.add(kept, RowKind.UpdateBefore)
        out.add(row, RowKind.UpdateAfter)
      }
    }
    const result = out.take()
    if (result !== null) this.context.output.emit(result)
  }

  onBarrier(): KeyedStateSnapshot<Row> {
    return this.last.snapshot()
  }

  restore(snapshot: KeyedStateSnapshot<Row>): void {
    this.last.restore(snapshot)
  }

  override stateEntries(): number {
    return this.last.size
  }
}
