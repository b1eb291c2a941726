import { StatelessOperator } from '../operator.ts'
import type { Batch, Row } from '../rows.ts'
import { type AlignedWindowSpec, assignWindows } from './window.ts'

/**
 * The window TVF on its own (`SELECT * FROM TABLE(HOP(...))` feeding something other than an aggregate):
 * each row is emitted once per window it belongs to, extended by window_start, window_end and window_time.
 * Rows without event time are sent to the dead-letter output. Lateness is judged by the consuming operator.
 */
export class WindowTableFunctionOperator extends StatelessOperator {
  constructor(
    private readonly window: AlignedWindowSpec,
    private readonly timeColumn: number,
  ) {
    super()
  }

  processBatch(batch: Batch): void {
    const rows: Row[] = []
    const kinds: number[] = []
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!
      const timestamp = row[this.timeColumn]
      if (typeof timestamp !== 'number') {
        this.context.deadLetters.send(row, 'null-event-time', null)
        continue
      }
      for (const { start, end } of assignWindows(this.window, timestamp)) {
        rows.push([...row, start, end, end - 1])
        if (batch.kinds !== null) kinds.push(batch.kinds[i]!)
      }
    }
    if (rows.length === 0) return
    this.context.output.emit({ rows, kinds: batch.kinds === null ? null : Uint8Array.from(kinds) })
  }
}
