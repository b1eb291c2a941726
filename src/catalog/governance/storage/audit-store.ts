/**
 * The audit trail in the database: appends in batches under a lock (sequence = head + 1, never a SEQUENCE,
 * so a rolled-back insert leaves no gap), filtered pages, an ordered scan for export and verification, and
 * per-dataset access counts. There is deliberately no update or delete here; the database refuses them too.
 */
import { sql } from 'kysely'
import {
  type AuditEntry,
  type AuditRecord,
  type AuditResult,
  appendRecord,
  type ChainHead,
} from '../audit-chain.ts'
import type { AuditQuery } from '../audit-query.ts'
import type { JsonObject } from '../canonical-json.ts'
import type { Db } from './principal-store.ts'

/** Second key space of the advisory lock: the registry uses the first key 'WEIR' with subject hashes. */
const AUDIT_LOCK = sql`SELECT pg_advisory_xact_lock(${0x5745_4952}::int, ${0x41_55_44_54}::int)`
const SCAN_PAGE = 1000

/** Appends the entries in order, in one transaction, chained to the stored head. */
export async function appendAuditEntries(db: Db, entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
  if (entries.length === 0) return []
  return db.transaction().execute(async (trx) => {
    await AUDIT_LOCK.execute(trx)
    const last = await trx
      .selectFrom('gov_audit')
      .select(['sequence', 'hash'])
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst()
    let head: ChainHead | undefined =
      last === undefined ? undefined : { sequence: Number(last.sequence), hash: last.hash }
    const records = entries.map((entry) => {
      const record = appendRecord(head, entry)
      head = record
      return record
    })
    await trx.insertInto('gov_audit').values(records.map(auditRow)).execute()
    return records
  })
}

/** The newest record's sequence and hash; undefined on an empty trail. */
export async function auditHead(db: Db): Promise<ChainHead | undefined> {
  const last = await db
    .selectFrom('gov_audit')
    .select(['sequence', 'hash'])
    .orderBy('sequence', 'desc')
    .limit(1)
    .executeTakeFirst()
  return last === undefined ? undefined : { sequence: Number(last.sequence), hash: last.hash }
}

export async function queryAudit(db: Db, query: AuditQuery): Promise<AuditRecord[]> {
  let select = db.selectFrom('gov_audit').selectAll()
  if (query.principal !== undefined) select = select.where('principal', '=', query.principal)
  if (query.resource !== undefined) select = select.where('resource', '=', query.resource)
  if (query.action !== undefined) select = select.where('action', '=', query.action)
  if (query.result !== undefined) select = select.where('result', '=', query.result)
  if (query.from !== undefined) select = select.where('occurred_at', '>=', new Date(query.from))
  if (query.to !== undefined) select = select.where('occurred_at', '<', new Date(query.to))
  if (query.cursor !== undefined) {
    select = select.where('sequence', query.order === 'asc' ? '>' : '<', query.cursor)
  }
  const rows = await select.orderBy('sequence', query.order).limit(query.limit).execute()
  return rows.map(toRecord)
}

/**
 * Every record in sequence order, one page in memory at a time (keyset pages: `sequence > last`). Between
 * pages it yields to the event loop: on PGlite a query runs on the server's own thread, and a scan of a large
 * trail without a pause starved every other request (9 s without answering /health for 246K records).
 */
export async function* scanAudit(
  db: Db,
  query: Omit<AuditQuery, 'order' | 'cursor' | 'limit'>,
  pageSize = SCAN_PAGE,
): AsyncGenerator<AuditRecord> {
  let cursor: number | undefined
  for (;;) {
    const page = await queryAudit(db, {
      ...query,
      order: 'asc',
      limit: pageSize,
      ...(cursor === undefined ? {} : { cursor }),
    })
    yield* page
    if (page.length < pageSize) return
    cursor = page[page.length - 1]!.sequence
    await new Promise((resolve) => setImmediate(resolve))
  }
}

export interface AccessCount {
  principal: string | null
  action: string
  result: AuditResult
  count: number
}

export async function accessCounts(db: Db, resource: string): Promise<AccessCount[]> {
  const rows = await db
    .selectFrom('gov_audit')
    .select(['principal', 'action', 'result', (eb) => eb.fn.countAll<string | number>().as('count')])
    .where('resource', '=', resource)
    .groupBy(['principal', 'action', 'result'])
    .orderBy('principal')
    .orderBy('action')
    .execute()
  return rows.map((row) => ({
    principal: row.principal,
    action: row.action,
    result: row.result as AuditResult,
    count: Number(row.count),
  }))
}

interface AuditRow {
  sequence: string | number
  occurred_at: Date
  principal: string | null
  client_address: string | null
  action: string
  resource: string
  result: string
  reason: string
  request_id: string
  change: JsonObject | null
  prev_hash: string
  hash: string
}

/** The `gov_audit` columns of a record, as inserted. */
export function auditRow(record: AuditRecord) {
  return {
    sequence: record.sequence,
    occurred_at: record.time,
    principal: record.principal,
    client_address: record.clientAddress,
    action: record.action,
    resource: record.resource,
    result: record.result,
    reason: record.reason,
    request_id: record.requestId,
    change: record.change === null ? null : JSON.stringify(record.change),
    prev_hash: record.prevHash,
    hash: record.hash,
  }
}

export function toRecord(row: AuditRow): AuditRecord {
  return {
    sequence: Number(row.sequence),
    time: row.occurred_at.toISOString(),
    principal: row.principal,
    clientAddress: row.client_address,
    action: row.action,
    resource: row.resource,
    result: row.result as AuditResult,
    reason: row.reason,
    requestId: row.request_id,
    change: row.change,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}
