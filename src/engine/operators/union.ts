import { StatelessOperator } from '../operator.ts'
import type { Batch } from '../rows.ts'

/** UNION ALL of inputs of one row type; the input gate merges their watermarks and aligns their barriers. */
export class UnionOperator extends StatelessOperator {
  processBatch(batch: Batch): void {
    this.context.output.emit(batch)
  }
}
