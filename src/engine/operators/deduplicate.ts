import { BatchBuilder } from '../batch-builder.ts'
import { type KeyEncoder, keyEncoder } from '../grouping/key-encoder.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isInsertOnly, type Row, RowKind } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot } from '../state/keyed-state.ts'

export interface DeduplicateOptions {
  readonly key: readonly number[]
  readonly keep: 'first' | 'last'
  /**
   * Order by this event-time column (ORDER BY rowtime) instead of arrival (ORDER BY proctime): keep-first
   * then keeps the earliest row and keep-last the latest, ties going to the later arrival for keep-last.
   */
  readonly timeColumn?: number
  /** Emit -U before +U when the kept row is replaced (default); false for upsert consumers. */
  readonly updateBefore?: boolean
}

/**
 * ROW_NUMBER() … = 1 deduplication over an insert-only input. Keep-first in arrival order emits inserts only
 * and remembers just that a key was seen; every other mode keeps the row and emits +I, then -U/+U whenever a
 * row replaces it.
 */
export class DeduplicateOperator extends BaseOperator<KeyedStateSnapshot<Row | null>> {
  private readonly key: KeyEncoder
  private readonly updateBefore: boolean
  private kept!: KeyedState<Row | null>

  constructor(private readonly options: DeduplicateOptions) {
    super()
    this.key = keyEncoder(options.key)
    this.updateBefore = options.updateBefore ?? true
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.kept = context.state.keyedState('kept')
  }

  processBatch(batch: Batch): void {
    if (!isInsertOnly(batch)) throw new Error('deduplication needs an insert-only input')
    const remembersRow = this.options.keep === 'last' || this.options.timeColumn !== undefined
    const out = new BatchBuilder()
    for (const row of batch.rows) {
      if (this.options.timeColumn !== undefined && typeof row[this.options.timeColumn] !== 'number') {
        this.context.deadLetters.send(row, 'null-event-time', null)
        continue
      }
      const key = this.key(row)
      const kept = this.kept.get(key)
      if (kept === undefined) {
        this.kept.put(key, remembersRow ? row : null)
        out.add(row, RowKind.Insert)
      } else if (kept !== null && this.replaces(kept, row)) {
        this.kept.put(key, row)
        if (this.updateBefore) out.add(kept, RowKind.UpdateBefore)
        out.add(row, RowKind.UpdateAfter)
      }
    }
    const result = out.take()
    if (result !== null) this.context.output.emit(result)
  }

  onBarrier(): KeyedStateSnapshot<Row | null> {
    return this.kept.snapshot()
  }

  restore(snapshot: KeyedStateSnapshot<Row | null>): void {
    this.kept.restore(snapshot)
  }

  override stateEntries(): number {
    return this.kept.size
  }

  private replaces(kept: Row, candidate: Row): boolean {
    const column = this.options.timeColumn
    if (column === undefined) return this.options.keep === 'last'
    const keptTime = kept[column] as number
    const candidateTime = candidate[column] as number
    return this.options.keep === 'first' ? candidateTime < keptTime : candidateTime >= keptTime
  }
}
