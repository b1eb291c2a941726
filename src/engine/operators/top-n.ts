import { BatchBuilder } from '../batch-builder.ts'
import { type KeyEncoder, keyEncoder } from '../grouping/key-encoder.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isRetraction, kindAt, type Row, RowKind, rowsEqual } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot } from '../state/keyed-state.ts'

export interface TopNOptions {
  /** PARTITION BY columns. */
  readonly partitionBy: readonly number[]
  /** ORDER BY, compiled: negative when `left` ranks before `right`. */
  readonly compare: (left: Row, right: Row) => number
  /** `WHERE row_num <= limit`. */
  readonly limit: number
  /** `WHERE row_num >= rankStart` (default 1): a partition's rows ranked before it are kept but not emitted. */
  readonly rankStart?: number
  /** Append ROW_NUMBER as the last column (then every row whose rank changes is updated). */
  readonly outputRank: boolean
  /**
   * `insert-only` input lets a partition keep only its top `limit` rows; a `changelog` input keeps all its
   * rows, since a retraction can promote any of them.
   */
  readonly input: 'insert-only' | 'changelog'
}

/**
 * ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) filtered to ranks rankStart..limit, emitting the changes of
 * each partition's rows in that range as a changelog. Rows of equal order keep arrival order. Without the
 * rank column a change is +I for a row entering and -D for a row leaving the range (a row above it pushes the
 * last ranked row out and the one before the range in); with it, each rank whose row changed gets -U (old row,
 * rank) / +U (new row, rank), +I when the rank was empty and -D when it empties.
 */
export class TopNOperator extends BaseOperator<KeyedStateSnapshot<Row[]>> {
  private readonly partitionKey: KeyEncoder
  /** Index of the first emitted row in a partition's sorted rows. */
  private readonly first: number
  private partitions!: KeyedState<Row[]>

  constructor(private readonly options: TopNOptions) {
    super()
    const rankStart = options.rankStart ?? 1
    checkRankRange(rankStart, options.limit)
    this.first = rankStart - 1
    this.partitionKey = keyEncoder(options.partitionBy)
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.partitions = context.state.keyedState('partitions')
  }

  processBatch(batch: Batch): void {
    const out = new BatchBuilder()
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!
      const key = this.partitionKey(row)
      let rows = this.partitions.get(key)
      if (rows === undefined) {
        rows = []
        this.partitions.put(key, rows)
      }
      if (isRetraction(kindAt(batch, i))) this.retract(rows, row, out)
      else this.insert(rows, row, out)
      if (rows.length === 0) this.partitions.delete(key)
    }
    const result = out.take()
    if (result !== null) this.context.output.emit(result)
  }

  onBarrier(): KeyedStateSnapshot<Row[]> {
    return this.partitions.snapshot()
  }

  restore(snapshot: KeyedStateSnapshot<Row[]>): void {
    this.partitions.restore(snapshot)
  }

  override stateEntries(): number {
    return this.partitions.size
  }

  private insert(rows: Row[], row: Row, out: BatchBuilder): void {
    const { limit, compare } = this.options
    const position = upperBound(rows, row, compare)
    if (position >= limit && this.options.input === 'insert-only') return
    const before = rows.slice(this.first, limit)
    rows.splice(position, 0, row)
    if (this.options.input === 'insert-only' && rows.length > limit) rows.pop()
    if (position < limit) this.emitChanges(before, rows, out)
  }

  private retract(rows: Row[], row: Row, out: BatchBuilder): void {
    if (this.options.input === 'insert-only')
      throw new Error('Top-N over an insert-only input got a retraction')
    const position = rows.findIndex((candidate) => rowsEqual(candidate, row))
    if (position < 0) {
      this.context.deadLetters.send(row, 'unmatched-retraction', null)
      return
    }
    const before = rows.slice(this.first, this.options.limit)
    rows.splice(position, 1)
    if (position < this.options.limit) this.emitChanges(before, rows, out)
  }

  /** `before` and the rows' current slice are the ranked range, rank `first + 1` at index 0. */
  private emitChanges(before: readonly Row[], rows: readonly Row[], out: BatchBuilder): void {
    const after = rows.slice(this.first, this.options.limit)
    if (!this.options.outputRank) {
      for (const row of before) if (!after.includes(row)) out.add(row, RowKind.Delete)
      for (const row of after) if (!before.includes(row)) out.add(row, RowKind.Insert)
      return
    }
    const count = Math.max(before.length, after.length)
    for (let i = 0; i < count; i++) {
      const old = before[i]
      const current = after[i]
      if (old === current) continue
      const rank = this.first + i + 1
      if (old !== undefined && current !== undefined) {
        out.add([...old, rank], RowKind.UpdateBefore)
        out.add([...current, rank], RowKind.UpdateAfter)
      } else if (current !== undefined) out.add([...current, rank], RowKind.Insert)
      else if (old !== undefined) out.add([...old, rank], RowKind.Delete)
    }
  }
}

/** Checks `WHERE row_num BETWEEN rankStart AND rankEnd` for an operator. */
export function checkRankRange(rankStart: number, rankEnd: number): void {
  if (!Number.isSafeInteger(rankStart) || rankStart < 1) throw new RangeError('Top-N rank start must be ≥ 1')
  if (!Number.isSafeInteger(rankEnd) || rankEnd < rankStart)
    throw new RangeError(`Top-N rank end must be an integer ≥ the rank start (${rankStart})`)
}

/** The first index whose row ranks after `row`: inserting there keeps equal rows in arrival order. */
export function upperBound(
  rows: readonly Row[],
  row: Row,
  compare: (left: Row, right: Row) => number,
): number {
  let low = 0
  let high = rows.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compare(rows[middle]!, row) > 0) high = middle
    else low = middle + 1
  }
  return low
}
