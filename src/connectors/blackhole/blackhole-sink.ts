import type { Batch, Sink } from '../../engine/index.ts'

/** Discards rows, counting them: for benchmarks and for measuring a query without its sink. */
export class BlackholeSink implements Sink {
  rows = 0

  write(batch: Batch): void {
    this.rows += batch.rows.length
  }
}
