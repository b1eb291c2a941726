/**
 * The audit trail's robustness on one storage backend: a bad record never costs other records theirs,
 * concurrent writes are all answered and audited, anchors reveal a truncated or rewritten trail, failed
 * authentications are aggregated and rate-limited, verification leaves the server responsive, request ids
 * stay unique across restarts, and tokens that are already expired are not issued.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import type { CatalogDatabaseOptions } from '../../src/catalog/db/connection.ts'
import { type AuditEntry, type AuditRecord, recordHash } from '../../src/catalog/governance/audit-chain.ts'
import { AUDIT_WRITE_FAILED } from '../../src/catalog/governance/audit-writer.ts'
import { appendAuditEntries } from '../../src/catalog/governance/storage/audit-store.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN, unique } from './helpers.ts'

export function auditSuite(label: string, database: () => Promise<CatalogDatabaseOptions>): void {
  describe(`the audit trail on ${label}`, () => {
    let catalog: Catalog
    let app: WeirServer
    beforeAll(async () => {
      catalog = await Catalog.open({ database: await database() })
      app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
    })
    afterAll(async () => {
      await app?.close()
      await catalog?.close()
    })

    const entry = (principal: string, resource: string, requestId: string): AuditEntry => ({
      time: new Date().toISOString(),
      principal,
      clientAddress: '127.0.0.1',
      action: 'dataset.read',
      resource,
      result: 'denied',
      reason: 'denied: no grant',
      requestId,
      change: null,
    })
    const byRequest = async (requestId: string): Promise<AuditRecord[]> => {
      const records: AuditRecord[] = []
      for await (const record of catalog.governance.exportAudit({})) {
        if (record.requestId === requestId) records.push(record)
      }
      return records
    }

    it('keeps every record of a batch that holds NUL bytes and unpaired surrogates, escaped', async () => {
      const id = unique('nul-batch-')
      const mallory = entry('mallory', 'dataset:a\u0000b', id)
      mallory.change = { 'key\u0000': ['v\u0000', '\ud800'], nested: { x: 'y\udc00z' } }
      mallory.reason = 'bad \ud83d input'
      const results = await Promise.allSettled([
        catalog.governance.record(entry('alice', 'dataset:a', id)),
        catalog.governance.record(mallory),
        catalog.governance.record(entry('bob', 'dataset:b', id)),
      ])
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
      const stored = await byRequest(id)
      expect(stored.map((record) => record.principal)).toEqual(['alice', 'mallory', 'bob'])
      expect(stored[1]).toMatchObject({
        resource: 'dataset:a\\u0000b',
        reason: 'bad \ufffd input',
        change: { 'key\\u0000': ['v\\u0000', '\ufffd'], nested: { x: 'y\ufffdz' } },
      })
      expect(await catalog.governance.verifyAudit()).toMatchObject({ ok: true })
    })

    it('loses only the record the database refuses, and audits that loss', async () => {
      const id = unique('bad-batch-')
      // A result the table's CHECK constraint refuses: a record no sanitising can save.
      const refused = { ...entry('mallory', 'dataset:a', id), result: 'maybe' as AuditEntry['result'] }
      const before = catalog.governance.audit.failedRecords
      const results = await Promise.allSettled([
        catalog.governance.record(entry('alice', 'dataset:a', id)),
        catalog.governance.record(refused),
        catalog.governance.record(entry('bob', 'dataset:b', id)),
      ])
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(catalog.governance.audit.failedRecords).toBe(before + 1)
      const stored = await byRequest(id)
      expect(stored.map((record) => [record.principal, record.action])).toEqual([
        ['alice', 'dataset.read'],
        ['mallory', AUDIT_WRITE_FAILED],
        ['bob', 'dataset.read'],
      ])
      const metrics = await app.inject({ method: 'GET', url: '/metrics' })
      expect(metrics.body).toMatch(/weir_audit_write_failures_total [1-9]/)
      expect(stored[1]?.reason).toMatch(/the audit record of dataset\.read on dataset:a could not be stored/)
      expect(await catalog.governance.verifyAudit()).toMatchObject({ ok: true })
    })

    it('answers concurrent writes 2xx and audits each, even beside a record with a NUL byte', async () => {
      const names = Array.from({ length: 40 }, () => unique('conc'))
      const poisoned = unique('poison-')
      const answers = await Promise.all([
        ...names.map((name) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/principals',
            headers: ADMIN_HEADERS,
            payload: { name },
          }),
        ),
        catalog.governance.record(entry('mallory', 'dataset:\u0000', poisoned)).then(() => undefined),
      ])
      expect(answers.slice(0, names.length).map((answer) => answer?.statusCode)).toEqual(names.map(() => 201))
      const created = new Set<string>()
      for await (const record of catalog.governance.exportAudit({ action: 'principal.manage' })) {
        const name = record.change?.name
        if (typeof name === 'string') created.add(name)
      }
      expect(names.filter((name) => !created.has(name))).toEqual([])
      expect(await byRequest(poisoned)).toHaveLength(1)
      expect(await catalog.governance.verifyAudit()).toMatchObject({ ok: true })
    })

    it('gives requests ids that do not repeat after a restart on the same catalog', async () => {
      const ids = async (server: WeirServer) => {
        const marker = `ghost.${unique('restart')}`
        for (let i = 0; i < 3; i++) {
          const answer = await server.inject({
            method: 'GET',
            url: `/api/v1/datasets/${marker}`,
            headers: ADMIN_HEADERS,
          })
          expect(answer.statusCode).toBe(404)
        }
        const page = await catalog.governance.queryAudit({
          resource: `dataset:${marker}`,
          order: 'asc',
          limit: 10,
        })
        return page.map((record) => record.requestId)
      }
      const first = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
      const before = await ids(first)
      await first.close()
      const second = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
      const after = await ids(second)
      await second.close()
      expect(before).toHaveLength(3)
      expect(after).toHaveLength(3)
      expect(new Set([...before, ...after]).size).toBe(6)
    })

    it('refuses to issue a token that has already expired', async () => {
      const name = unique('expiring-')
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/principals',
            headers: ADMIN_HEADERS,
            payload: { name },
          })
        ).statusCode,
      ).toBe(201)
      for (const expiresAt of ['2001-01-01T00:00:00Z', new Date().toISOString()]) {
        const answer = await app.inject({
          method: 'POST',
          url: `/api/v1/principals/${name}/tokens`,
          headers: ADMIN_HEADERS,
          payload: { expiresAt },
        })
        expect(answer.statusCode).toBe(400)
        expect(answer.json().error.message).toMatch(/expiresAt: .* is not in the future/)
      }
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString()
      const valid = await app.inject({
        method: 'POST',
        url: `/api/v1/principals/${name}/tokens`,
        headers: ADMIN_HEADERS,
        payload: { expiresAt: tomorrow },
      })
      expect(valid.statusCode).toBe(201)
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/datasets',
            headers: { authorization: `Bearer ${valid.json().token}` },
          })
        ).statusCode,
      ).toBe(200)
    })

    it('aggregates failed authentications into a few records with the count, and answers 429 past the limit', async () => {
      // An address of its own (Fastify takes it from the socket), so no other test's failures mix in.
      const address = '192.0.2.77'
      const badToken = `weir_${'f'.repeat(16)}_${'B'.repeat(43)}`
      const statuses: number[] = []
      for (let i = 0; i < 2000; i++) {
        const answer = await app.inject({
          method: 'GET',
          url: '/api/v1/datasets',
          remoteAddress: address,
          headers: { authorization: `Bearer ${badToken}` },
        })
        statuses.push(answer.statusCode)
        if (answer.statusCode === 429) expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0)
      }
      expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(100)
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0)
      expect(statuses.every((status) => status === 401 || status === 429)).toBe(true)
      const summaries = async () => {
        const rows: AuditRecord[] = []
        for await (const record of catalog.governance.exportAudit({ action: 'authenticate' })) {
          if (record.clientAddress === address) rows.push(record)
        }
        return rows
      }
      // A valid token from the same address still works while it is limited.
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/datasets',
            remoteAddress: address,
            headers: ADMIN_HEADERS,
          })
        ).statusCode,
      ).toBe(200)
      // Closing the server writes the open window's summary (a timer does it after the window otherwise).
      const sameCatalog = app
      app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
      await sameCatalog.close()
      const rows = await summaries()
      expect(rows.length).toBeGreaterThanOrEqual(2)
      expect(rows.length).toBeLessThanOrEqual(6)
      const total = rows.reduce((sum, row) => sum + Number(row.change?.failures), 0)
      expect(total).toBe(2000)
      expect(rows.every((row) => row.reason.endsWith('(unknown)'))).toBe(true)
      expect(await catalog.governance.verifyAudit()).toMatchObject({ ok: true })
    })

    it('keeps /health answering while it verifies a large trail', async () => {
      const large = await Catalog.open({ database: await database() })
      const server = await buildServer({ catalog: large, adminToken: ADMIN_TOKEN })
      try {
        const records = 20_000
        for (let start = 0; start < records; start += 1000) {
          await appendAuditEntries(
            large.database.db,
            Array.from({ length: 1000 }, (_, i) =>
              entry('reader', `dataset:ns.d${(start + i) % 97}`, `r${start + i}`),
            ),
          )
        }
        const started = performance.now()
        let finished: number | undefined
        const verifying = server
          .inject({ method: 'GET', url: '/api/v1/audit/verify', headers: ADMIN_HEADERS })
          .then((answer) => {
            finished = performance.now()
            return answer
          })
        const latencies: number[] = []
        await new Promise((resolve) => setTimeout(resolve, 20))
        while (finished === undefined) {
          const sent = performance.now()
          const health = await server.inject({ method: 'GET', url: '/health' })
          expect(health.statusCode).toBe(200)
          if (finished === undefined) latencies.push(performance.now() - sent)
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        const verified = await verifying
        expect(verified.json()).toMatchObject({ ok: true })
        expect(verified.json().count).toBeGreaterThanOrEqual(records)
        const slowest = Math.max(...latencies)
        console.log(
          `verify of ${records} records on ${label}: ${Math.round((finished ?? 0) - started)} ms; ` +
            `${latencies.length} /health probes during it, slowest ${Math.round(slowest)} ms`,
        )
        // Probes must have run during the verify (not only after it), each within about a page's time (tens of
        // ms; the bound leaves room for a loaded machine): a verify that held the event loop would answer the
        // first probe only when done, a second or more later, and none during it.
        expect(latencies.length).toBeGreaterThanOrEqual(5)
        expect(slowest).toBeLessThan(400)
      } finally {
        await server.close()
        await large.close()
      }
    }, 180_000)

    describe('against an anchor', () => {
      let tampered: Catalog
      let server: WeirServer
      const call = async (url: string) => {
        const answer = await server.inject({ method: 'GET', url, headers: ADMIN_HEADERS })
        return { status: answer.statusCode, body: answer.json() as Record<string, unknown> }
      }
      const reads = async (count: number) => {
        for (let i = 0; i < count; i++) await call(`/api/v1/datasets/ghost.${unique('anchor')}`)
        await tampered.governance.audit.flush()
      }
      // What someone with write access to the database (and no regard for the trigger) can do.
      const tamper = async (statements: (db: Catalog['database']['db']) => Promise<void>) => {
        await tampered.governance.audit.flush()
        const db = tampered.database.db
        await sql`ALTER TABLE gov_audit DISABLE TRIGGER gov_audit_append_only`.execute(db)
        await statements(db)
        await sql`ALTER TABLE gov_audit ENABLE TRIGGER gov_audit_append_only`.execute(db)
      }
      beforeAll(async () => {
        tampered = await Catalog.open({ database: await database() })
        server = await buildServer({ catalog: tampered, adminToken: ADMIN_TOKEN })
      })
      afterAll(async () => {
        await server?.close()
        await tampered?.close()
      })

      it('catches a deleted tail that the chain alone cannot', async () => {
        await reads(5)
        const anchored = await call('/api/v1/audit/anchor')
        expect(anchored.status).toBe(200)
        const anchor = anchored.body.anchor as string
        expect(anchor).toMatch(/^\d+:[0-9a-f]{64}$/)
        const sequence = anchored.body.sequence as number
        expect(await call(`/api/v1/audit/verify?anchor=${anchor}`)).toMatchObject({ body: { ok: true } })

        await tamper(async (db) => {
          await sql`DELETE FROM gov_audit WHERE sequence > ${sequence - 3}`.execute(db)
        })
        // Through the service, not HTTP: a verify request is audited itself and would grow the trail again.
        expect(await tampered.governance.verifyAudit()).toMatchObject({ ok: true })
        const verified = await call(`/api/v1/audit/verify?anchor=${anchor}`)
        expect(verified.status).toBe(200)
        expect(verified.body).toMatchObject({
          ok: false,
          problem: 'missing',
          firstBadSequence: sequence - 2,
          reason: expect.stringMatching(
            /but the anchor says it reached \d+: records were deleted from the end/,
          ),
        })
      })

      it('catches a record rewritten with every later hash recomputed', async () => {
        await reads(5)
        const anchor = (await call('/api/v1/audit/anchor')).body.anchor as string
        const sequence = Number(anchor.split(':')[0])
        await reads(3)
        const victim = sequence - 2
        const rest: AuditRecord[] = []
        for await (const record of tampered.governance.exportAudit({})) {
          if (record.sequence >= victim) rest.push(record)
        }
        await tamper(async (db) => {
          let prevHash = rest[0]!.prevHash
          for (const record of rest) {
            const reason = record.sequence === victim ? 'nothing to see here' : record.reason
            const hash = recordHash({ ...record, reason, prevHash })
            await sql`UPDATE gov_audit SET reason = ${reason}, prev_hash = ${prevHash}, hash = ${hash}
                      WHERE sequence = ${record.sequence}`.execute(db)
            prevHash = hash
          }
        })
        expect(await tampered.governance.verifyAudit()).toMatchObject({ ok: true })
        const verified = await call(`/api/v1/audit/verify?anchor=${anchor}`)
        expect(verified.body).toMatchObject({
          ok: false,
          problem: 'anchor_mismatch',
          firstBadSequence: sequence,
          reason: expect.stringMatching(/differs from the anchor: the trail up to it was rewritten/),
        })
      })

      it('refuses an anchor it cannot read, saying what one looks like', async () => {
        const verified = await call('/api/v1/audit/verify?anchor=12:abc')
        expect(verified.status).toBe(400)
        expect(JSON.stringify(verified.body)).toMatch(/<sequence>:<64 hex digits>/)
      })
    })
  })
}
