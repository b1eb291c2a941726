import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPostgresDatabase } from '../../../test/harness/services.ts'
import { PGlitePool } from '../db/pglite-pool.ts'
import { type AuditEntry, type AuditRecord, appendRecord, verifyChain } from './audit-chain.ts'
import { down, up } from './migration.ts'
import { auditRow, toRecord } from './storage/audit-store.ts'
import type { GovernanceTables } from './tables.ts'
import { generateToken } from './tokens.ts'

type Db = Kysely<GovernanceTables>

const ENTRIES: AuditEntry[] = [
  {
    time: '2025-03-01T12:00:00.001Z',
    principal: 'alice',
    clientAddress: '10.0.0.7',
    action: 'dataset.update',
    resource: 'dataset:traffic.pageview',
    result: 'allowed',
    reason: 'allowed: alice holds editor on traffic.*',
    requestId: 'req-1',
    change: { z: 1, a: { nested: [1, 0.1, 1e300, -2.5], ünï: 'cödé ✓' }, empty: {}, list: [] },
  },
  {
    time: '2025-03-01T12:00:00.002Z',
    principal: null,
    clientAddress: '::1',
    action: 'dataset.read',
    resource: 'dataset:traffic.pageview',
    result: 'denied',
    reason: 'denied: authentication failed (expired)',
    requestId: 'req-2',
    change: null,
  },
  {
    time: '2025-03-01T12:00:01.999Z',
    principal: "x'); DROP TABLE gov_audit; --",
    clientAddress: null,
    action: 'schema.write',
    resource: 'subject:pv_events-value',
    result: 'allowed',
    reason: 'allowed',
    requestId: 'req-3',
    change: { "'; DELETE FROM gov_audit; --": true },
  },
]

function governanceSuite(label: string, open: () => Promise<Db>): void {
  describe(`governance migration on ${label}`, () => {
    let db: Db

    beforeAll(async () => {
      db = await open()
      await up(db as unknown as Kysely<unknown>)
      const records: AuditRecord[] = []
      for (const entry of ENTRIES) records.push(appendRecord(records.at(-1), entry))
      for (const record of records) await insertAudit(db, record)
    })

    afterAll(async () => {
      await db?.destroy()
    })

    it('keeps audit records verifiable through timestamptz and jsonb', async () => {
      expect(verifyChain(await readAudit(db))).toMatchObject({ ok: true, count: ENTRIES.length })
    })

    it.each([
      ['UPDATE', sql`UPDATE gov_audit SET result = 'allowed' WHERE sequence = 2`],
      ['UPDATE of no row', sql`UPDATE gov_audit SET reason = '' WHERE false`],
      ['DELETE', sql`DELETE FROM gov_audit WHERE sequence = 3`],
      ['DELETE of every row', sql`DELETE FROM gov_audit`],
      ['TRUNCATE', sql`TRUNCATE gov_audit`],
    ])('refuses %s on the audit table', async (_, statement) => {
      await expect(statement.execute(db)).rejects.toThrow(/append-only/)
      expect(verifyChain(await readAudit(db))).toMatchObject({ ok: true, count: ENTRIES.length })
    })

    it('still takes appends', async () => {
      const records = await readAudit(db)
      const next = appendRecord(records.at(-1), { ...ENTRIES[1]!, requestId: 'req-4' })
      await insertAudit(db, next)
      expect(verifyChain(await readAudit(db))).toMatchObject({ ok: true, count: ENTRIES.length + 1 })
      await expect(insertAudit(db, next)).rejects.toThrow(/duplicate key|unique/i)
    })

    it('enforces the shape of grants', async () => {
      const alice = await insertPrincipal(db, 'alice')
      const grant = { principal_id: alice, role: 'viewer', scope: 'traffic.*', created_by: 'admin' }
      await db.insertInto('gov_grants').values(grant).execute()
      await expect(db.insertInto('gov_grants').values(grant).execute()).rejects.toThrow(
        /duplicate key|unique/i,
      )
      await expect(
        db
          .insertInto('gov_grants')
          .values({ ...grant, role: 'admin', scope: 'traffic.*' })
          .execute(),
      ).rejects.toThrow(/check constraint/i)
      await expect(
        db
          .insertInto('gov_grants')
          .values({ ...grant, principal_id: null, scope: 'other.*' })
          .execute(),
      ).rejects.toThrow(/check constraint/i)
      await expect(
        db
          .insertInto('gov_grants')
          .values({ ...grant, role: 'superuser', scope: 'x.*' })
          .execute(),
      ).rejects.toThrow(/check constraint/i)
    })

    it('stores only well-formed token ids and hashes', async () => {
      const bob = await insertPrincipal(db, 'bob')
      const token = generateToken()
      const row = {
        id: token.id,
        principal_id: bob,
        hash: token.hash,
        description: '',
        created_by: 'admin',
        expires_at: null,
      }
      await db.insertInto('gov_tokens').values(row).execute()
      await expect(
        db
          .insertInto('gov_tokens')
          .values({ ...row, id: generateToken().id, hash: token.token })
          .execute(),
      ).rejects.toThrow(/check constraint/i)
      await expect(
        db
          .insertInto('gov_tokens')
          .values({ ...row, id: "x' OR 1=1", hash: generateToken().hash })
          .execute(),
      ).rejects.toThrow(/check constraint/i)
    })

    it('drops the grants, tokens and memberships of a deleted principal', async () => {
      const carol = await insertPrincipal(db, 'carol')
      const group = await db
        .insertInto('gov_groups')
        .values({ name: 'analysts', description: '' })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db.insertInto('gov_group_members').values({ group_id: group.id, principal_id: carol }).execute()
      await db
        .insertInto('gov_grants')
        .values({ principal_id: carol, role: 'owner', scope: 'traffic.pageview', created_by: 'admin' })
        .execute()
      const token = generateToken()
      await db
        .insertInto('gov_tokens')
        .values({
          id: token.id,
          principal_id: carol,
          hash: token.hash,
          description: '',
          created_by: 'admin',
          expires_at: null,
        })
        .execute()
      await db.deleteFrom('gov_principals').where('id', '=', carol).execute()
      const left = await Promise.all([
        db.selectFrom('gov_grants').select('id').where('principal_id', '=', carol).execute(),
        db.selectFrom('gov_tokens').select('id').where('principal_id', '=', carol).execute(),
        db.selectFrom('gov_group_members').select('group_id').where('principal_id', '=', carol).execute(),
      ])
      expect(left).toEqual([[], [], []])
    })

    it('leaves tampering by someone who disables the trigger to the hash chain', async () => {
      await sql`ALTER TABLE gov_audit DISABLE TRIGGER gov_audit_append_only`.execute(db)
      await sql`UPDATE gov_audit SET result = 'allowed' WHERE sequence = 2`.execute(db)
      await sql`ALTER TABLE gov_audit ENABLE TRIGGER gov_audit_append_only`.execute(db)
      expect(verifyChain(await readAudit(db))).toMatchObject({
        ok: false,
        firstBadSequence: 2,
        problem: 'altered',
      })
    })

    it('migrates down and up again', async () => {
      await down(db as unknown as Kysely<unknown>)
      const tables = await sql<{ name: string }>`
        SELECT table_name AS name FROM information_schema.tables
        WHERE table_name LIKE 'gov\\_%' OR table_name LIKE 'lineage\\_%'`.execute(db)
      expect(tables.rows).toEqual([])
      await up(db as unknown as Kysely<unknown>)
      expect(verifyChain(await readAudit(db))).toEqual({ ok: true, count: 0, head: undefined })
    })
  })
}

async function insertAudit(db: Db, record: AuditRecord): Promise<void> {
  await db.insertInto('gov_audit').values(auditRow(record)).execute()
}

async function readAudit(db: Db): Promise<AuditRecord[]> {
  const rows = await db.selectFrom('gov_audit').selectAll().orderBy('sequence').execute()
  return rows.map(toRecord)
}

async function insertPrincipal(db: Db, name: string): Promise<number> {
  const row = await db
    .insertInto('gov_principals')
    .values({ name, kind: 'user', description: '', created_by: 'admin' })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

governanceSuite('PGlite', async () => {
  const pglite = new PGlite()
  await pglite.waitReady
  return new Kysely<GovernanceTables>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) })
})

governanceSuite('PostgreSQL', async () => {
  const pool = new pg.Pool({ connectionString: await freshPostgresDatabase('governance') })
  return new Kysely<GovernanceTables>({ dialect: new PostgresDialect({ pool }) })
})
