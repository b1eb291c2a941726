import { type Batch, kindAt, type Row, type RowKind } from '../rows.ts'
import type { Sink } from '../sink.ts'

/**
 * Collects rows with their kinds in memory. It behaves like a transactional sink: the snapshot at a barrier
 * is the number of rows written so far, and restoring truncates to it, dropping output of the failed attempt.
 */
export class CollectSink implements Sink<number> {
  readonly rows: Row[] = []
  readonly kinds: RowKind[] = []
  readonly watermarks: number[] = []

  write(batch: Batch): void {
    for (let i = 0; i < batch.rows.length; i++) {
      this.rows.push(batch.rows[i]!)
      this.kinds.push(kindAt(batch, i))
    }
  }

  onWatermark(timestamp: number): void {
    this.watermarks.push(timestamp)
  }

  onBarrier(): number {
    return this.rows.length
  }

  restore(committed: number): void {
    this.rows.length = committed
    this.kinds.length = committed
  }
}
