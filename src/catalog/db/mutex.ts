/**
 * A first-come, first-served async mutex. PGlite is one connection: a transaction's statements must not be
 * interleaved with another caller's, so whoever holds the "connection" holds this lock until it releases it.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()
  private waiting = 0

  /** Resolves with a release function once every earlier holder has released. */
  async acquire(): Promise<() => void> {
    this.waiting++
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const previous = this.tail
    this.tail = previous.then(() => released)
    await previous
    this.waiting--
    let done = false
    return () => {
      // Releasing twice must not let a third caller in early.
      if (done) return
      done = true
      release()
    }
  }

  /** How many callers are queued (for metrics and tests). */
  get queued(): number {
    return this.waiting
  }
}
