/**
 * The single writer of the audit trail in this process. Entries queue in arrival order and are appended in
 * batches, one transaction per batch, so a burst of reads costs one commit instead of one per request.
 * `append` resolves when the entry's batch has committed: the server awaits it for writes and denials (the
 * record is durable before the client hears the answer) and lets reads go on (they are written within one
 * batch's time). The queue is bounded: when it is full, callers wait for it, so audit is never dropped.
 *
 * One bad record must never cost the others theirs: when a batch fails, its records are retried one by one,
 * so only a record the database refuses on its own fails. That failure is itself audited (an
 * `audit.write_failed` record that says whose record was lost and why), reported to `onError` and counted.
 */
import type { AuditEntry, AuditEventAction } from './audit-chain.ts'
import { appendAuditEntries } from './storage/audit-store.ts'
import type { Db } from './storage/principal-store.ts'

const MAX_BATCH = 500
const MAX_QUEUED = 10_000
/** Enough of a lost record's fields and of the error to investigate, without risking another refusal. */
const MAX_FAILURE_TEXT = 500

export const AUDIT_WRITE_FAILED: AuditEventAction = 'audit.write_failed'

interface Pending {
  entry: AuditEntry
  settle: (error?: unknown) => void
}

export class AuditWriter {
  private queue: Pending[] = []
  private flushing: Promise<void> | undefined
  /** Records that could not be written even alone (exported as a metric). */
  failedRecords = 0

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

  /** Queues without waiting; a failed record is reported to `onError` only. */
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
    while (this.queue.length > 0) await this.write(this.queue.splice(0, MAX_BATCH))
    this.flushing = undefined
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await appendAuditEntries(
        this.db,
        batch.map((pending) => pending.entry),
      )
      for (const pending of batch) pending.settle()
      return
    } catch (error) {
      if (batch.length === 1) return this.lose(batch[0]!, error)
    }
    // The batch rolled back as a whole: find the record(s) to blame, keep every other one.
    for (const pending of batch) {
      try {
        await appendAuditEntries(this.db, [pending.entry])
        pending.settle()
      } catch (error) {
        await this.lose(pending, error)
      }
    }
  }

  private async lose(pending: Pending, error: unknown): Promise<void> {
    this.failedRecords++
    this.onError(error)
    try {
      await appendAuditEntries(this.db, [failureEntry(pending.entry, error)])
    } catch (failure) {
      // The database takes no record at all (it is down): the log line above is all that can be kept.
      this.onError(failure)
    }
    pending.settle(error)
  }
}

/** The record of a lost record: only short, plain fields of it, so this one can be stored. */
function failureEntry(lost: AuditEntry, error: unknown): AuditEntry {
  const clip = (text: string | null) => (text === null ? null : String(text).slice(0, MAX_FAILURE_TEXT))
  const message = error instanceof Error ? error.message : String(error)
  return {
    time: new Date().toISOString(),
    principal: clip(lost.principal),
    clientAddress: clip(lost.clientAddress),
    action: AUDIT_WRITE_FAILED,
    resource: 'global',
    result: 'denied',
    reason:
      clip(`the audit record of ${lost.action} on ${lost.resource} could not be stored: ${message}`) ?? '',
    requestId: clip(lost.requestId) ?? '',
    change: { lostAction: clip(lost.action) ?? '', lostResult: clip(lost.result) ?? '' },
  }
}
