import { type DeadLetter, readDeadLetter } from '../dead-letter.ts'
import type { Batch } from '../rows.ts'
import type { Downstream } from './downstream.ts'

/**
 * The dead-letter edge of an operator whose dead letters the plan does not route to a sink: each letter goes
 * to the pipeline's handler (they are counted in the operator's metrics either way).
 */
export class UnroutedDeadLetters implements Downstream {
  constructor(private readonly handle: (letter: DeadLetter) => void) {}

  batch(batch: Batch): void {
    for (const row of batch.rows) this.handle(readDeadLetter(row))
  }

  watermark(): void {}

  barrier(): void {}

  idle(): void {}

  end(): void {}
}
