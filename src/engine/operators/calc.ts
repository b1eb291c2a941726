import { StatelessOperator } from '../operator.ts'
import type { Batch, Row } from '../rows.ts'

/**
 * Flink's Calc: an optional filter and an optional projection, both compiled by the planner into plain JS
 * functions. One loop per batch; changelog kinds travel with the rows that pass.
 */
export interface CalcOptions {
  readonly filter?: (row: Row) => boolean
  readonly project?: (row: Row) => Row
}

export class CalcOperator extends StatelessOperator {
  private readonly filter: ((row: Row) => boolean) | null
  private readonly project: ((row: Row) => Row) | null

  constructor(options: CalcOptions) {
    super()
    this.filter = options.filter ?? null
    this.project = options.project ?? null
  }

  processBatch(batch: Batch): void {
    const { rows, kinds } = batch
    const filter = this.filter
    const project = this.project
    const out: Row[] = []
    const outKinds: number[] = []
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      if (filter !== null && !filter(row)) continue
      out.push(project === null ? row : project(row))
      if (kinds !== null) outKinds.push(kinds[i]!)
    }
    if (out.length > 0)
      this.context.output.emit({ rows: out, kinds: kinds === null ? null : Uint8Array.from(outKinds) })
  }
}
