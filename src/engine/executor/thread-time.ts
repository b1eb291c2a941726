import type { OperatorMetrics } from '../metrics.ts'

/**
 * Accounts for the pipeline's thread time per node. A node switches itself in when it starts on a batch or
 * event and back out when done; nodes call their downstream synchronously, so the running nodes form a stack:
 * - the node on top is busy;
 * - the nodes under it wait for their output to be taken: that is back-pressured time, as an unchained Flink
 *   task waits for output buffers. A fast node upstream of a slow one shows mostly back-pressure, the slow
 *   one mostly busy time, which is how Flink's metrics point at a bottleneck.
 * One clock read per switch: two per node per batch or event, none per row.
 */
export class ThreadTime {
  private readonly running: OperatorMetrics[] = []
  private readonly enteredAt: number[] = []
  private since = 0

  /** `node` starts working, on top of whichever node called it; `leave` (in a `finally`) when it is done. */
  enter(node: OperatorMetrics): void {
    const now = performance.now()
    this.chargeTop(now)
    this.running.push(node)
    this.enteredAt.push(now)
  }

  leave(): void {
    const now = performance.now()
    this.chargeTop(now)
    this.running.pop()
    const enteredAt = this.enteredAt.pop()!
    this.running[this.running.length - 1]?.backPressuredTime.add(now - enteredAt)
  }

  private chargeTop(now: number): void {
    this.running[this.running.length - 1]?.busyTime.add(now - this.since)
    this.since = now
  }
}
