import { type KeyEncoder, keyEncoder } from '../grouping/key-encoder.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isInsertOnly, type Row } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot, StateKey } from '../state/keyed-state.ts'
import { MIN_WATERMARK } from '../stream.ts'
import { PendingEnds } from '../windows/pending-ends.ts'
import { isFired } from '../windows/window.ts'
import { checkRankRange, upperBound } from './top-n.ts'

export interface WindowTopNOptions {
  /** PARTITION BY columns; they include window_start and window_end, so a partition lies in one window. */
  readonly partitionBy: readonly number[]
  /** The window_end column (epoch milliseconds): the window fires when the watermark reaches end - 1. */
  readonly windowEnd: number
  /** ORDER BY, compiled: negative when `left` ranks before `right`. */
  readonly compare: (left: Row, right: Row) => number
  /** `WHERE row_num BETWEEN rankStart AND rankEnd`. */
  readonly rankStart: number
  readonly rankEnd: number
  /** Append ROW_NUMBER as the last column. */
  readonly outputRank: boolean
}

export interface WindowTopNSnapshot {
  readonly watermark: number
  /** Per window end, the window's partitions with their best `rankEnd` rows in rank order. */
  readonly windows: KeyedStateSnapshot<Map<StateKey, Row[]>>
}

/**
 * Window Top-N (Flink's WindowRank): ROW_NUMBER() OVER (PARTITION BY window_start, window_end, … ORDER BY …)
 * over the rows of event-time windows (a window aggregate's or a window TVF's output). Each partition keeps
 * only its best `rankEnd` rows while its window is open; when the watermark reaches the window's end - 1 the
 * ranks rankStart..rankEnd are emitted as inserts, once, and the window's state is dropped. The output is
 * insert-only. Rows of equal order keep arrival order. Rows of a window that has already fired are late
 * (dead letters, counted), as are rows without a window end.
 */
export class WindowTopNOperator extends BaseOperator<WindowTopNSnapshot> {
  private readonly partitionKey: KeyEncoder
  private readonly pendingEnds = new PendingEnds()
  private windows!: KeyedState<Map<StateKey, Row[]>>
  private watermark = MIN_WATERMARK

  constructor(private readonly options: WindowTopNOptions) {
    super()
    checkRankRange(options.rankStart, options.rankEnd)
    this.partitionKey = keyEncoder(options.partitionBy)
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.windows = context.state.keyedState('windows')
  }

  processBatch(batch: Batch): void {
    if (!isInsertOnly(batch)) throw new Error('window Top-N needs an insert-only input')
    const { windowEnd, rankEnd, compare } = this.options
    for (const row of batch.rows) {
      const end = row[windowEnd]
      if (typeof end !== 'number' || !Number.isFinite(end)) {
        this.context.deadLetters.send(row, 'null-event-time', null)
        continue
      }
      if (isFired(end, this.watermark)) {
        this.context.deadLetters.send(row, 'late', end - 1)
        continue
      }
      const partitions = this.partitionsOf(end)
      const key = this.partitionKey(row)
      const ranked = partitions.get(key)
      if (ranked === undefined) {
        partitions.set(key, [row])
        continue
      }
      const position = upperBound(ranked, row, compare)
      if (position >= rankEnd) continue
      ranked.splice(position, 0, row)
      if (ranked.length > rankEnd) ranked.pop()
    }
  }

  override onWatermark(timestamp: number): void {
    this.watermark = timestamp
    const { rankStart, rankEnd, outputRank } = this.options
    const fired: Row[] = []
    for (
      let end = this.pendingEnds.popFired(timestamp);
      end !== null;
      end = this.pendingEnds.popFired(timestamp)
    ) {
      for (const ranked of this.windows.get(end)?.values() ?? []) {
        for (let rank = rankStart; rank <= Math.min(rankEnd, ranked.length); rank++) {
          const row = ranked[rank - 1]!
          fired.push(outputRank ? [...row, rank] : row)
        }
      }
      this.windows.delete(end)
    }
    if (fired.length > 0) this.context.output.emit({ rows: fired, kinds: null })
  }

  onBarrier(): WindowTopNSnapshot {
    return { watermark: this.watermark, windows: this.windows.snapshot() }
  }

  restore(snapshot: WindowTopNSnapshot): void {
    this.watermark = snapshot.watermark
    this.windows.restore(snapshot.windows)
    this.pendingEnds.restore(snapshot.windows.map(([end]) => end as number))
  }

  /** Partitions, one entry per (window, partition) with rows. */
  override stateEntries(): number {
    let entries = 0
    for (const [, partitions] of this.windows.entries()) entries += partitions.size
    return entries
  }

  private partitionsOf(end: number): Map<StateKey, Row[]> {
    let partitions = this.windows.get(end)
    if (partitions === undefined) {
      partitions = new Map()
      this.windows.put(end, partitions)
      this.pendingEnds.add(end)
    }
    return partitions
  }
}
