import type { Batch } from '../rows.ts'

/** The receiving end of one plan edge: elements pushed synchronously, in stream order. */
export interface Downstream {
  batch(batch: Batch): void
  watermark(timestamp: number): void
  barrier(checkpointId: number): void
  idle(): void
  end(): void
}

/** One output edge feeding several consumers (fan-out); each gets every element, sharing the batches. */
export class FanOut implements Downstream {
  constructor(private readonly consumers: readonly Downstream[]) {}

  batch(batch: Batch): void {
    for (const consumer of this.consumers) consumer.batch(batch)
  }

  watermark(timestamp: number): void {
    for (const consumer of this.consumers) consumer.watermark(timestamp)
  }

  barrier(checkpointId: number): void {
    for (const consumer of this.consumers) consumer.barrier(checkpointId)
  }

  idle(): void {
    for (const consumer of this.consumers) consumer.idle()
  }

  end(): void {
    for (const consumer of this.consumers) consumer.end()
  }
}

export function downstreamOf(consumers: readonly Downstream[]): Downstream {
  if (consumers.length === 1) return consumers[0]!
  return new FanOut(consumers)
}
