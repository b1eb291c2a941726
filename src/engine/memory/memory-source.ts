import type { Source, SourceChunk } from '../source.ts'

/**
 * A replayable in-memory source: it yields the given chunks in order, and its position is the index of the
 * next chunk. For tests, benchmarks and `VALUES`-style inputs.
 */
export class MemorySource implements Source<number> {
  private next = 0

  constructor(
    private readonly chunks: readonly SourceChunk[],
    private readonly assigned: readonly number[] = [...new Set(chunks.map((chunk) => chunk.partition))],
  ) {}

  partitions(): readonly number[] {
    return this.assigned
  }

  async pull(): Promise<SourceChunk | null> {
    return this.chunks[this.next++] ?? null
  }

  snapshot(): number {
    return this.next
  }

  restore(position: number): void {
    this.next = position
  }

  close(): void {}
}
