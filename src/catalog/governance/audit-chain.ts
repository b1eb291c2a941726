/**
 * The audit trail's tamper evidence. Every record carries `hash = sha256(prevHash || canonical(record))`, the
 * first one chained to a fixed genesis value, so changing, deleting, inserting or reordering stored records
 * breaks the chain at the first record touched.
 *
 * The chain alone cannot reveal someone who rewrites every record from some point to the end (hashes carry no
 * secret), nor a deleted tail. An anchor closes that gap: a `{ sequence, hash }` head kept outside the database
 * (a log line, a ticket, a metrics scrape) that verification must meet.
 */
import { createHash } from 'node:crypto'
import { storableEntry } from './audit-sanitize.ts'
import { canonicalJson, type JsonObject } from './canonical-json.ts'

export const GENESIS_HASH = '0'.repeat(64)

/**
 * Actions of records that are not a permission check: failed authentications, and a record the database
 * refused (audit-writer.ts). The audit query accepts them besides the permission actions.
 */
export const AUDIT_EVENT_ACTIONS = ['authenticate', 'audit.write_failed'] as const
export type AuditEventAction = (typeof AUDIT_EVENT_ACTIONS)[number]

export const AUDIT_RESULTS = ['allowed', 'denied'] as const
export type AuditResult = (typeof AUDIT_RESULTS)[number]

/** One request or access decision, as the server reports it. */
export interface AuditEntry {
  /** ISO 8601 in UTC with milliseconds, exactly as `Date.prototype.toISOString` writes it. */
  time: string
  /** Null when the caller could not be authenticated. */
  principal: string | null
  clientAddress: string | null
  action: string
  /** The resource's text form, e.g. `dataset:traffic.pageview`. */
  resource: string
  result: AuditResult
  /** Why it was allowed or denied; never shown to the client that was denied. */
  reason: string
  requestId: string
  /** What a write changed, e.g. `{ "fields": ["description"] }`; null for reads and denials. */
  change: JsonObject | null
}

export interface ChainHead {
  sequence: number
  hash: string
}

export interface AuditRecord extends AuditEntry, ChainHead {
  prevHash: string
}

/**
 * Sequences start at 1 and have no gaps, so a deleted record shows as a missing number. The record is made
 * storable first (audit-sanitize.ts), so its hash covers what the database keeps, not what was asked for.
 */
export function appendRecord(head: ChainHead | undefined, entry: AuditEntry): AuditRecord {
  const millis = Date.parse(entry.time)
  if (!Number.isFinite(millis) || new Date(millis).toISOString() !== entry.time) {
    // A time the database would store differently (another zone, more digits) could never verify again.
    throw new RangeError(`audit time '${entry.time}' is not in Date.toISOString form`)
  }
  const sequence = head === undefined ? 1 : head.sequence + 1
  const prevHash = head === undefined ? GENESIS_HASH : head.hash
  const record = { ...pickEntry(storableEntry(entry)), sequence, prevHash, hash: '' }
  record.hash = recordHash(record)
  return record
}

/** The hash a record should carry given its own `prevHash`; only the fields of the record type count. */
export function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  const content = canonicalJson({ ...pickEntry(record), sequence: record.sequence })
  return createHash('sha256').update(record.prevHash, 'utf8').update(content, 'utf8').digest('hex')
}

function pickEntry(entry: AuditEntry): AuditEntry {
  return {
    time: entry.time,
    principal: entry.principal,
    clientAddress: entry.clientAddress,
    action: entry.action,
    resource: entry.resource,
    result: entry.result,
    reason: entry.reason,
    requestId: entry.requestId,
    change: entry.change,
  }
}

export type ChainProblem = 'missing' | 'out_of_order' | 'altered' | 'replaced' | 'anchor_mismatch'

export type ChainFailure = {
  ok: false
  /** Every record before this sequence number is verified intact; the trail breaks here. */
  firstBadSequence: number
  problem: ChainProblem
  expected: string
  actual: string
  reason: string
}

export type ChainVerification = { ok: true; count: number; head: ChainHead | undefined } | ChainFailure

export interface VerifyOptions {
  /** A head recorded earlier outside the database; the trail must still contain it, unchanged. */
  anchor?: ChainHead
}

/**
 * Checks records pushed in sequence order, one page at a time if need be, so `weir audit verify` never holds
 * the whole trail in memory. After the first failure further records are ignored.
 */
export class ChainVerifier {
  private head: ChainHead | undefined
  private count = 0
  private failure: ChainFailure | undefined

  constructor(private readonly options: VerifyOptions = {}) {}

  push(record: AuditRecord): ChainFailure | undefined {
    this.failure ??= this.check(record)
    if (this.failure === undefined) {
      this.head = { sequence: record.sequence, hash: record.hash }
      this.count++
    }
    return this.failure
  }

  finish(): ChainVerification {
    if (this.failure !== undefined) return this.failure
    const anchor = this.options.anchor
    const last = this.head?.sequence ?? 0
    if (anchor !== undefined && last < anchor.sequence) {
      return fail(
        last + 1,
        'missing',
        String(anchor.sequence),
        String(last),
        `the trail ends at record ${last}, but the anchor says it reached ${anchor.sequence}: records were deleted from the end`,
      )
    }
    return { ok: true, count: this.count, head: this.head }
  }

  private check(record: AuditRecord): ChainFailure | undefined {
    const expectedSequence = (this.head?.sequence ?? 0) + 1
    if (record.sequence > expectedSequence) {
      return fail(
        expectedSequence,
        'missing',
        String(expectedSequence),
        String(record.sequence),
        `record ${expectedSequence} is missing (the next one is ${record.sequence}): it was deleted, or records were reordered`,
      )
    }
    if (record.sequence !== expectedSequence) {
      return fail(
        expectedSequence,
        'out_of_order',
        String(expectedSequence),
        String(record.sequence),
        `found record ${record.sequence} where record ${expectedSequence} belongs: a record was inserted or records were reordered`,
      )
    }
    const recomputed = recordHash(record)
    if (recomputed !== record.hash) {
      return fail(
        record.sequence,
        'altered',
        recomputed,
        record.hash,
        `record ${record.sequence} does not match its hash: one of its fields was changed`,
      )
    }
    const previousHash = this.head?.hash ?? GENESIS_HASH
    if (record.prevHash !== previousHash) {
      // This record is intact (its hash covers its prevHash), so the one before it is not the original.
      const replaced = Math.max(record.sequence - 1, 1)
      return fail(
        replaced,
        'replaced',
        record.prevHash,
        previousHash,
        record.sequence === 1
          ? 'record 1 is not chained to the genesis hash: the start of the trail was replaced'
          : `record ${record.sequence} was chained to a different record ${replaced} than the one stored: record ${replaced} was forged or rewritten with a recomputed hash`,
      )
    }
    const anchor = this.options.anchor
    if (anchor !== undefined && anchor.sequence === record.sequence && anchor.hash !== record.hash) {
      return fail(
        record.sequence,
        'anchor_mismatch',
        anchor.hash,
        record.hash,
        `record ${record.sequence} differs from the anchor: the trail up to it was rewritten (at or before this record)`,
      )
    }
    return undefined
  }
}

export function verifyChain(records: Iterable<AuditRecord>, options: VerifyOptions = {}): ChainVerification {
  const verifier = new ChainVerifier(options)
  for (const record of records) {
    if (verifier.push(record) !== undefined) break
  }
  return verifier.finish()
}

function fail(
  firstBadSequence: number,
  problem: ChainProblem,
  expected: string,
  actual: string,
  reason: string,
): ChainFailure {
  return { ok: false, firstBadSequence, problem, expected, actual, reason }
}
