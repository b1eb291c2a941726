/**
 * Governance end to end over HTTP on one storage backend: authentication failures, the permission matrix,
 * list filtering, attacks on every input, the audit trail (query, immutability, verification) and stats.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import type { CatalogDatabaseOptions } from '../../src/catalog/db/connection.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN, exampleCatalog, PAGEVIEW_V1 } from './helpers.ts'

const INJECTIONS = ["' OR '1'='1", "x'; DROP TABLE gov_audit; --", '1; DELETE FROM gov_grants', '"); --']

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

export function governanceSuite(label: string, database: () => Promise<CatalogDatabaseOptions>): void {
  describe(`governance on ${label}`, () => {
    let catalog: Catalog
    let app: WeirServer
    const tokens: Record<string, string> = {}

    async function call(method: Method, url: string, token: string | undefined, body?: unknown) {
      const response = await app.inject({
        method,
        url,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      })
      return {
        status: response.statusCode,
        body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
      }
    }
    const admin = (method: Method, url: string, body?: unknown) => call(method, url, ADMIN_TOKEN, body)

    async function principalWith(
      name: string,
      grants: Array<{ role: string; scope: string }>,
    ): Promise<string> {
      expect((await admin('POST', '/api/v1/principals', { name, kind: 'service' })).status).toBe(201)
      for (const grant of grants) {
        expect((await admin('POST', '/api/v1/grants', { principal: name, ...grant })).status).toBe(201)
      }
      const created = await admin('POST', `/api/v1/principals/${name}/tokens`, { description: 'test' })
      expect(created.status).toBe(201)
      return created.body.token as string
    }

    async function lastDenial(principal: string) {
      const page = await admin('GET', `/api/v1/audit?principal=${principal}&result=denied&limit=1`)
      return (page.body.records as Array<Record<string, unknown>>)[0]
    }

    beforeAll(async () => {
      catalog = await Catalog.open({ database: await database() })
      app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
      const document = exampleCatalog()
      const applied = await admin('POST', '/api/v1/catalog/apply', {
        clusters: document.clusters,
        datasets: document.datasets,
        schemas: document.schemas.map((entry) => ({ subject: entry.subject, ...entry.body })),
      })
      expect(applied.status).toBe(200)
      tokens.viewer = await principalWith('viewer-svc', [{ role: 'viewer', scope: 'traffic.*' }])
      tokens.editor = await principalWith('editor-svc', [{ role: 'editor', scope: 'traffic.click' }])
      tokens.owner = await principalWith('owner-svc', [{ role: 'owner', scope: 'traffic.*' }])
      tokens.nobody = await principalWith('nobody-svc', [])
    })
    afterAll(async () => {
      await app?.close()
      await catalog?.close()
    })

    it('answers 401 saying why (missing, malformed, not accepted, expired, revoked), an unknown id like a wrong secret', async () => {
      // Issued in 2000 to expire in 2001: the API refuses to issue a token that is already expired.
      const expired = await catalog.governance.createToken(
        'nobody-svc',
        { expiresAt: '2001-01-01T00:00:00Z' },
        'admin',
        new Date('2000-01-01T00:00:00Z'),
      )
      const revoked = await admin('POST', '/api/v1/principals/nobody-svc/tokens', {})
      expect((await admin('DELETE', `/api/v1/tokens/${revoked.body.id}`)).status).toBe(204)
      const unknown = `weir_${'0'.repeat(16)}_${'A'.repeat(43)}`
      const mismatched = `${ADMIN_TOKEN.slice(0, -1)}${ADMIN_TOKEN.endsWith('A') ? 'B' : 'A'}`
      const cases: Array<[string | undefined, string, string]> = [
        [undefined, 'missing_token', 'no token was given'],
        ['not-a-token', 'malformed_token', 'the token is malformed'],
        [unknown, 'token_not_accepted', 'the token is not accepted'],
        [mismatched, 'token_not_accepted', 'the token is not accepted'],
        [expired.token, 'token_expired', 'the token expired at 2001-01-01T00:00:00.000Z'],
        [String(revoked.body.token), 'token_revoked', 'the token was revoked'],
      ]
      const answers = new Map<string, unknown>()
      for (const [token, reason, says] of cases) {
        const api = await call('GET', '/api/v1/datasets', token)
        expect(api).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', reason } } })
        expect((api.body as { error: { message: string } }).error.message).toContain(`Unauthorized: ${says}`)
        answers.set(String(token), api.body)
        const registry = await call('GET', '/subjects', token)
        expect(registry).toMatchObject({ status: 401, body: { error_code: 40101 } })
        expect(String(registry.body.message)).toContain(`Unauthorized: ${says}`)
      }
      // An unknown token id and a wrong secret for a real id answer alike: the 401 does not tell ids apart.
      expect(answers.get(unknown)).toEqual(answers.get(mismatched))
      const basic = await app.inject({
        method: 'GET',
        url: '/subjects',
        headers: { authorization: `Basic ${Buffer.from(`weir:${ADMIN_TOKEN}`).toString('base64')}` },
      })
      expect(basic.statusCode).toBe(200)
      const failures = await admin('GET', '/api/v1/audit?result=denied&limit=1000')
      const reasons = (failures.body.records as Array<{ action: string; reason: string }>)
        .filter((record) => record.action === 'authenticate')
        .map((record) => record.reason)
        .join(' ')
      for (const reason of ['missing', 'malformed', 'unknown', 'mismatch', 'expired', 'revoked']) {
        expect({ reason, found: reasons.includes(`(${reason})`) }).toEqual({ reason, found: true })
      }
      expect((await call('GET', '/health', undefined)).status).toBe(200)
      expect((await call('GET', '/ready', undefined)).status).toBe(200)
      expect((await call('GET', '/api/docs', undefined)).status).toBe(401)
    })

    it('enforces the permission matrix and audits each denial', async () => {
      const pageview = { name: 'traffic.pageview', kind: 'stream', value: { format: 'avro' }, locations: {} }
      const matrix: Array<[string, Method, string, unknown, Record<string, number>]> = [
        [
          'read a dataset',
          'GET',
          '/api/v1/datasets/traffic.click',
          undefined,
          { nobody: 403, viewer: 200, editor: 200, owner: 200 },
        ],
        [
          'resolve for writing',
          'GET',
          '/api/v1/resolve/traffic.click?access=write',
          undefined,
          { viewer: 403, editor: 200 },
        ],
        [
          'read a schema',
          'GET',
          '/subjects/traffic.click-value/versions/1',
          undefined,
          { nobody: 403, viewer: 200 },
        ],
        // The subject also belongs to landing.pageview, outside traffic.*: every dataset using it must allow.
        [
          'read a shared schema',
          'GET',
          '/subjects/traffic.pageview-value/versions/1',
          undefined,
          { viewer: 403 },
        ],
        [
          'register a schema',
          'POST',
          '/subjects/traffic.click-value/versions',
          { schema: PAGEVIEW_V1 },
          { viewer: 403 },
        ],
        ['change a dataset', 'PUT', '/api/v1/datasets/traffic.pageview', pageview, { viewer: 403 }],
        [
          'grant on a dataset',
          'POST',
          '/api/v1/grants',
          { principal: 'nobody-svc', role: 'viewer', scope: 'traffic.pageview' },
          { editor: 403, owner: 201 },
        ],
        [
          'grant admin',
          'POST',
          '/api/v1/grants',
          { principal: 'nobody-svc', role: 'admin', scope: '*' },
          { owner: 403 },
        ],
        ['create a principal', 'POST', '/api/v1/principals', { name: 'sneaky' }, { owner: 403 }],
        ['manage clusters', 'DELETE', '/api/v1/clusters/kafka-prod', undefined, { owner: 403 }],
        ['read another namespace', 'GET', '/api/v1/datasets/trade.order', undefined, { owner: 403 }],
        ['read the whole audit trail', 'GET', '/api/v1/audit', undefined, { owner: 403, viewer: 403 }],
        ['set the global compatibility', 'PUT', '/config', { compatibility: 'NONE' }, { owner: 403 }],
      ]
      for (const [what, method, url, body, expected] of matrix) {
        for (const [who, status] of Object.entries(expected)) {
          const response = await call(method, url, tokens[who], body)
          expect({ what, who, status: response.status }).toEqual({ what, who, status })
          if (status === 403) {
            expect(response.body).toEqual(
              url.startsWith('/api/')
                ? { error: { code: 'forbidden', message: 'Forbidden' } }
                : { error_code: 40301, message: 'Forbidden' },
            )
            expect(await lastDenial(`${who}-svc`)).toMatchObject({
              result: 'denied',
              principal: `${who}-svc`,
            })
          }
        }
      }
      const latest = await call('GET', '/subjects/traffic.click-value/versions/latest', tokens.editor)
      const registered = await call('POST', '/subjects/traffic.click-value/versions', tokens.editor, {
        schema: latest.body.schema,
      })
      expect(registered.status).toBe(200)
      const write = await admin(
        'GET',
        '/api/v1/audit?principal=editor-svc&action=schema.write&result=allowed&limit=1',
      )
      expect((write.body.records as Array<{ change: Record<string, unknown> }>)[0]?.change).toMatchObject({
        status: 200,
        subject: 'traffic.click-value',
        id: registered.body.id,
      })
    })

    it("gives a group's members the group's grants, and only after they join", async () => {
      const token = await principalWith('analyst-svc', [])
      expect((await admin('POST', '/api/v1/groups', { name: 'analysts' })).status).toBe(201)
      expect((await admin('POST', '/api/v1/groups', { name: 'analysts' })).status).toBe(409)
      expect(
        (await admin('POST', '/api/v1/grants', { group: 'analysts', role: 'viewer', scope: 'traffic.*' }))
          .status,
      ).toBe(201)
      expect((await call('GET', '/api/v1/datasets/traffic.click', token)).status).toBe(403)

      expect((await admin('PUT', '/api/v1/groups/analysts/members/analyst-svc')).status).toBe(204)
      expect((await call('GET', '/api/v1/datasets/traffic.click', token)).status).toBe(200)
      expect((await call('GET', '/api/v1/resolve/traffic.click?access=write', token)).status).toBe(403)
      expect((await admin('PUT', '/api/v1/groups/analysts/members/no-such-principal')).status).toBe(404)
      expect((await call('POST', '/api/v1/groups', token, { name: 'rogue' })).status).toBe(403)
      const groups = await admin('GET', '/api/v1/groups')
      expect(groups.body.groups).toContainEqual({
        name: 'analysts',
        description: '',
        members: ['analyst-svc'],
      })
    })

    it('shows a caller only the datasets, subjects and grants it may read', async () => {
      const datasets = await call('GET', '/api/v1/datasets', tokens.viewer)
      const names = (datasets.body.datasets as Array<{ name: string }>).map((dataset) => dataset.name)
      expect(names.length).toBeGreaterThan(0)
      expect(names.every((name) => name.startsWith('traffic.'))).toBe(true)
      const subjects = await app.inject({
        method: 'GET',
        url: '/subjects',
        headers: { authorization: `Bearer ${tokens.viewer}` },
      })
      const visible = JSON.parse(subjects.body) as string[]
      expect(visible).toContain('traffic.click-value')
      expect(visible).not.toContain('traffic.pageview-value')
      expect(visible).not.toContain('trade.order-value')
      // nobody-svc holds only the viewer grant owner-svc gave it on traffic.pageview.
      const granted = (await call('GET', '/api/v1/datasets', tokens.nobody)).body.datasets as Array<{
        name: string
      }>
      expect(granted.map((dataset) => dataset.name)).toEqual(['traffic.pageview'])
      const grants = (await call('GET', '/api/v1/grants', tokens.viewer)).body.grants as Array<{
        scope: string
      }>
      expect(grants.every((grant) => grant.scope.startsWith('traffic.'))).toBe(true)
    })

    it('treats injection strings and path traversal as plain data', async () => {
      for (const injection of INJECTIONS) {
        const encoded = encodeURIComponent(injection)
        for (const filter of ['principal', 'resource', 'action', 'result', 'from', 'to', 'cursor', 'limit']) {
          const response = await admin('GET', `/api/v1/audit?${filter}=${encoded}`)
          expect([200, 400]).toContain(response.status)
        }
        expect(
          (
            await admin(
              'GET',
              `/api/v1/audit?resource=dataset:${encodeURIComponent(injection.replaceAll(' ', '_'))}`,
            )
          ).body,
        ).toEqual({ records: [] })
        expect([400, 404]).toContain((await admin('GET', `/api/v1/datasets/${encoded}`)).status)
        expect([400, 404]).toContain((await admin('GET', `/api/v1/principals/${encoded}/tokens`)).status)
        expect((await admin('POST', '/api/v1/principals', { name: injection })).status).toBe(400)
        expect(
          (
            await admin('POST', '/api/v1/grants', {
              principal: 'viewer-svc',
              role: 'viewer',
              scope: injection,
            })
          ).status,
        ).toBe(400)
        expect((await call('GET', `/subjects/${encoded}/versions`, tokens.owner)).status).toBe(403)
      }
      for (const traversal of ['..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e%2fadmin']) {
        expect([400, 404]).toContain((await admin('GET', `/api/v1/datasets/${traversal}`)).status)
        expect([400, 404]).toContain((await admin('GET', `/api/v1/principals/${traversal}/tokens`)).status)
        expect([400, 404]).toContain((await admin('DELETE', `/api/v1/tokens/${traversal}`)).status)
      }
      // The tables the injections name are still there and intact.
      expect((await admin('GET', '/api/v1/grants')).status).toBe(200)
      expect((await admin('GET', '/api/v1/audit/verify')).body).toMatchObject({ ok: true })
    })

    it('refuses oversized bodies with 413', async () => {
      const huge = { name: 'big', description: 'x'.repeat(1024 * 1024 + 1) }
      expect((await admin('POST', '/api/v1/principals', huge)).status).toBe(413)
    })

    it('keeps the audit trail append-only and verifiable', async () => {
      for (const method of ['PUT', 'DELETE', 'POST'] as const) {
        expect((await admin(method, '/api/v1/audit', {})).status).toBe(404)
      }
      await catalog.governance.audit.flush()
      const db = catalog.database.db
      await expect(sql`UPDATE gov_audit SET reason = 'x' WHERE sequence = 1`.execute(db)).rejects.toThrow(
        /append-only/,
      )
      await expect(sql`DELETE FROM gov_audit WHERE sequence = 1`.execute(db)).rejects.toThrow(/append-only/)
      const verified = await admin('GET', '/api/v1/audit/verify')
      expect(verified.body).toMatchObject({ ok: true })
      expect(verified.body.count).toBeGreaterThan(10)

      const exported = await app.inject({
        method: 'GET',
        url: '/api/v1/audit?format=jsonl&principal=viewer-svc',
        headers: ADMIN_HEADERS,
      })
      const lines = exported.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { sequence: number; principal: string })
      expect(lines.length).toBeGreaterThan(1)
      expect(lines.every((line) => line.principal === 'viewer-svc')).toBe(true)
      expect(lines.map((line) => line.sequence)).toEqual(
        [...lines.map((line) => line.sequence)].sort((a, b) => a - b),
      )

      const first = await admin('GET', '/api/v1/audit?limit=2&order=asc')
      const next = await admin('GET', `/api/v1/audit?limit=2&order=asc&cursor=${first.body.nextCursor}`)
      expect((next.body.records as Array<{ sequence: number }>)[0]?.sequence).toBe(3)
    })

    it('reports access counts of a dataset by principal and action', async () => {
      const stats = await call('GET', '/api/v1/datasets/traffic.click/stats', tokens.owner)
      expect(stats.status).toBe(200)
      expect(stats.body.access).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ principal: 'viewer-svc', action: 'dataset.read', result: 'allowed' }),
          expect.objectContaining({ principal: 'nobody-svc', action: 'dataset.read', result: 'denied' }),
        ]),
      )
      expect((await call('GET', '/api/v1/datasets/traffic.click/stats', tokens.viewer)).status).toBe(403)
    })

    it('lists tokens without their secrets and bootstraps only an empty catalog', async () => {
      const listed = await admin('GET', '/api/v1/principals/viewer-svc/tokens')
      expect(JSON.stringify(listed.body)).not.toMatch(/weir_[0-9a-f]{16}_|hash/)
      expect(await catalog.governance.bootstrap({})).toBeUndefined()
    })

    it('ingests OpenLineage run events and answers graph queries with depth', async () => {
      const producer = 'https://github.com/OpenLineage/OpenLineage/tree/1.33.0/integration/flink'
      const event = (
        runId: string,
        job: string,
        input: Record<string, unknown>,
        output: Record<string, unknown>,
      ) => ({
        eventTime: '2025-03-01T13:00:00.915489+01:00',
        producer,
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        eventType: 'START',
        run: { runId, facets: {} },
        job: { namespace: 'flink-jobs', name: job, facets: {} },
        inputs: [input],
        outputs: [output],
      })
      const minute = {
        namespace: 'kafka://kafka-main:9092',
        name: 'dashboard_metrics_minute',
        facets: {
          columnLineage: {
            _producer: producer,
            _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json',
            fields: {
              pv: {
                inputFields: [{ namespace: 'kafka://kafka-main:9092', name: 'pv_events', field: 'user_id' }],
              },
            },
          },
        },
      }
      // The input is named by its Kafka topic, as Flink's listener reports it; Weir maps it to its dataset.
      const first = event(
        '01955a3c-7e1b-7c3d-9f00-6b7a1e2d3c4b',
        'pageview_per_minute',
        { namespace: 'kafka://kafka-main:9092', name: 'pv_events', facets: {} },
        minute,
      )
      expect((await call('POST', '/api/v1/lineage', tokens.owner, first)).status).toBe(403)
      const ingested = await admin('POST', '/api/v1/lineage', first)
      expect(ingested).toMatchObject({
        status: 201,
        body: {
          job: 'job:flink-jobs/pageview_per_minute',
          datasets: ['dataset:traffic.pageview', 'dataset:dashboard.metrics_minute'],
        },
      })
      const second = event(
        '01955a3c-7e1b-7c3d-9f00-6b7a1e2d3c4c',
        'minute_to_day',
        { namespace: 'kafka://kafka-main:9092', name: 'dashboard_metrics_minute', facets: {} },
        { namespace: 'kafka://kafka-main:9092', name: 'dashboard_metrics_day', facets: {} },
      )
      expect((await admin('POST', '/api/v1/lineage', { ...second, eventType: 'COMPLETE' })).status).toBe(201)
      expect(
        (
          await admin('POST', '/api/v1/lineage', {
            eventType: 'START',
            run: { runId: "'; DROP TABLE lineage_runs; --" },
          })
        ).status,
      ).toBe(400)

      const nodes = async (depth: number) => {
        const graph = await admin(
          'GET',
          `/api/v1/lineage?node=dataset:dashboard.metrics_day&depth=${depth}&direction=upstream`,
        )
        expect(graph.status).toBe(200)
        return (graph.body.nodes as Array<{ id: string }>).map((node) => node.id).sort()
      }
      expect(await nodes(2)).toEqual([
        'dataset:dashboard.metrics_day',
        'dataset:dashboard.metrics_minute',
        'job:flink-jobs/minute_to_day',
      ])
      expect(await nodes(4)).toContain('dataset:traffic.pageview')
      const both = await admin('GET', '/api/v1/lineage?node=dataset:traffic.pageview&depth=4')
      expect(both.body.columnEdges).toEqual([
        expect.objectContaining({
          origin: { dataset: 'dataset:traffic.pageview', field: 'user_id' },
          destination: { dataset: 'dataset:dashboard.metrics_minute', field: 'pv' },
        }),
      ])
      expect((await call('GET', '/api/v1/lineage?node=dataset:traffic.pageview', tokens.viewer)).status).toBe(
        200,
      )
      expect((await call('GET', '/api/v1/lineage?node=dataset:trade.order', tokens.viewer)).status).toBe(403)
    })

    it('exports Prometheus metrics, including authentication failures', async () => {
      const metrics = await app.inject({ method: 'GET', url: '/metrics' })
      expect(metrics.statusCode).toBe(200)
      expect(metrics.body).toContain('weir_auth_failures_total{reason="expired"}')
      expect(metrics.body).toMatch(
        /weir_http_requests_total\{route="\/api\/v1\/datasets",method="GET",status="200"\}/,
      )
      expect(metrics.body).toMatch(/weir_catalog_objects\{object="audit_records"\} \d+/)
    })
  })
}
