/**
 * The single writer of the audit trail in this process. Entries queue in arrival order and are appended in
 * batches, one transaction per batch, so a burst of reads costs one commit instead of one per request.
 * `append` resolves when the entry's batch has committed: the server awaits it for writes and denials (the
 * record is durable before the client hears the answer) and lets reads go on (they are written within one
 * batch's time). The queue is bounded: when it is full, callers wait for it, so audit is never dropped.
 */
import type { AuditEntry } from './audit-chain.ts'
import { appendAuditEntries } from './storage/audit-store.ts'
import type { Db } from './storage/principal-store.ts'

const MAX_BATCH = 500
const MAX_QUEUED = 10_000

interface Pending {
  entry: AuditEntry
  settle: (error?: unknown) => void
}

export class AuditWriter {
  private queue: Pending[] = []
  private flushing: Promise<void> | undefined

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    while (this.queue.length >= MAX_QUEUED && this.flushing !== undefined) await this.flushing
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, settle: (error) => (error === undefined ? resolve() : reject(error)) })
      this.flushing ??= this.drain()
    })
  }

  /** Queues without waiting; a failed batch is reported to `onError` only. */
  enqueue(entry: AuditEntry): void {
    this.append(entry).catch(() => undefined)
  }

  /** Resolves once everything queued so far is written (tests and shutdown). */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing
  }

  private async drain(): Promise<void> {
    // Let the requests of this event-loop turn join the batch before the first transaction starts: on PGlite
    // a transaction runs on this thread, so one per record would cap the server at about a thousand requests/s.
    await new Promise((resolve) => setImmediate(resolve))
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH)
      try {
        await appendAuditEntries(
          this.db,
          batch.map((pending) => pending.entry),
        )
        for (const pending of batch) pending.settle()
      } catch (error) {
        this.onError(error)
        for (const pending of batch) pending.settle(error)
      }
    }
    this.flushing = undefined
  }
}
