import { TimerQueue } from './timer-queue.ts'
import { isFired } from './window.ts'

/** The distinct ends of windows that hold data and have not fired yet, popped in time order. */
export class PendingEnds {
  private readonly queue = new TimerQueue<number>()
  private readonly registered = new Set<number>()

  add(end: number): void {
    if (this.registered.has(end)) return
    this.registered.add(end)
    this.queue.push(end, end)
  }

  /** The earliest end that fired under `watermark`, removed; null when none is due. */
  popFired(watermark: number): number | null {
    if (this.queue.size === 0 || !isFired(this.queue.peekTime(), watermark)) return null
    const end = this.queue.pop()
    this.registered.delete(end)
    return end
  }

  snapshot(): number[] {
    return [...this.registered]
  }

  restore(ends: readonly number[]): void {
    this.registered.clear()
    this.queue.restore([])
    for (const end of ends) this.add(end)
  }
}
