import type { Source, SourceChunk } from '../../engine/index.ts'

const YIELD_EVERY_MS = 100

/**
 * A source that lets the event loop run timers and signal handlers at least every 100 ms. A bounded source
 * whose pulls resolve at once (datagen, files in the page cache) keeps the executor in the microtask queue
 * for the whole job, so progress reports and Ctrl-C would otherwise wait until it ends.
 */
export class YieldingSource<P> implements Source<P> {
  private lastYield = Date.now()
  readonly onCheckpointComplete?: (checkpointId: number) => void | Promise<void>

  constructor(private readonly inner: Source<P>) {
    const onComplete = inner.onCheckpointComplete
    if (onComplete !== undefined) this.onCheckpointComplete = (id) => onComplete.call(inner, id)
  }

  partitions(): readonly number[] {
    return this.inner.partitions()
  }

  async pull(): Promise<SourceChunk | null> {
    const now = Date.now()
    if (now - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      this.lastYield = Date.now()
    }
    return this.inner.pull()
  }

  snapshot(): P {
    return this.inner.snapshot()
  }

  restore(position: P): void {
    this.inner.restore(position)
  }

  close(): void | Promise<void> {
    return this.inner.close()
  }
}
