import type { OperatorMetrics } from '../metrics.ts'

/**
 * When a node is back-pressured between batches. Operators run synchronously inside the loops of the source
 * tasks that drive them, so a node's output is blocked while every source task driving it waits for room
 * downstream (a full sink queue, or an input held for barrier alignment); a join whose other input still
 * flows is not. (Waiting for a downstream node to finish with a batch is timed by `ThreadTime`.)
 */
export class BackPressure {
  private drivers = 0
  private waiting = 0
  private blocked = false

  constructor(private readonly metrics: OperatorMetrics) {}

  addDriver(): void {
    this.drivers++
  }

  /** A driving source task ended: the node is fed by the others alone. */
  removeDriver(now: number): void {
    this.drivers--
    this.update(now)
  }

  driverWaits(now: number): void {
    this.waiting++
    this.update(now)
  }

  driverResumes(now: number): void {
    this.waiting--
    this.update(now)
  }

  private update(now: number): void {
    const blocked = this.drivers > 0 && this.waiting >= this.drivers
    if (blocked === this.blocked) return
    this.blocked = blocked
    if (blocked) this.metrics.backPressuredTime.start(now)
    else this.metrics.backPressuredTime.stop(now)
  }
}
