/**
 * The authorization holes of issue #19, end to end over HTTP on one storage backend. `mallory` owns `ns1.*`
 * and may use kafka-main; `ns2-owner` owns `ns2.*`, whose dataset ns2.orders lives on kafka-main topic
 * `ns2topic` and governs `ns2.orders-value` (named) and `ns2topic-value` (by topic); `orphan-value` is a
 * subject an admin registered for no dataset. Each attack is tried on every path that could carry it, and
 * the real owner must keep working.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import type { CatalogDatabaseOptions } from '../../src/catalog/db/connection.ts'
import { ALLOW_SECRETS, secretFilesWithin } from '../../src/catalog/locations/secrets.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import { ADMIN_TOKEN, avroRecord, PAGEVIEW_V1 } from './helpers.ts'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

const ORDER_V1 = avroRecord('Order', [{ name: 'id', type: 'long' }])
const ORDER_V2 = avroRecord('Order', [
  { name: 'id', type: 'long' },
  { name: 'note', type: ['null', 'string'], default: null },
])
const TAKEN_SUBJECTS = ['ns2.orders-value', 'ns2topic-value', 'orphan-value', 'ns2.x-value']

export function authorizationSuite(label: string, database: () => Promise<CatalogDatabaseOptions>): void {
  describe(`authorization holes on ${label}`, () => {
    let catalog: Catalog
    let app: WeirServer
    let mallory: string
    let owner2: string
    let peek: string
    const root = mkdtempSync(join(tmpdir(), 'weir-authz-'))
    const secretsDir = join(root, 'secrets')

    async function call(method: Method, url: string, token: string, body?: unknown) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      })
      return {
        status: response.statusCode,
        body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
      }
    }
    const admin = (method: Method, url: string, body?: unknown) => call(method, url, ADMIN_TOKEN, body)
    const ok = async (method: Method, url: string, body?: unknown) => {
      const response = await admin(method, url, body)
      expect({ url, status: response.status < 300 }).toEqual({ url, status: true })
      return response
    }

    async function principalWith(name: string, grants: Array<{ role: string; scope: string }>) {
      await ok('POST', '/api/v1/principals', { name, kind: 'service' })
      for (const grant of grants) await ok('POST', '/api/v1/grants', { principal: name, ...grant })
      return (await ok('POST', `/api/v1/principals/${name}/tokens`, {})).body.token as string
    }

    const dataset = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      kind: 'stream',
      value: { format: 'avro' },
      locations: { prod: [{ cluster: 'kafka-main', topic: `${name.replace('.', '_')}_t` }] },
      ...extra,
    })
    const naming = (name: string, subject: string) => dataset(name, { value: { format: 'avro', subject } })

    beforeAll(async () => {
      mkdirSync(secretsDir)
      writeFileSync(join(secretsDir, 'main-truststore'), 'trust-me\n')
      writeFileSync(join(root, 'server.key'), 'PRIVATE KEY')
      symlinkSync(join(root, 'server.key'), join(secretsDir, 'escape'))
      catalog = await Catalog.open({
        database: await database(),
        locations: {
          secretAccess: ALLOW_SECRETS,
          env: { KAFKA_MAIN_PASSWORD: 'main-s3cret' },
          secretFiles: secretFilesWithin(secretsDir),
        },
      })
      app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
      await ok('POST', '/api/v1/catalog/apply', {
        clusters: [
          {
            name: 'kafka-main',
            system: 'kafka',
            properties: {
              'bootstrap.servers': 'main:9092',
              'sasl.password': 'env:KAFKA_MAIN_PASSWORD',
              'ssl.truststore.password': `file:${join(secretsDir, 'main-truststore')}`,
            },
          },
          { name: 'kafka-other', system: 'kafka', properties: { 'bootstrap.servers': 'other:9092' } },
          {
            name: 'kafka-leaky',
            system: 'kafka',
            properties: {
              'bootstrap.servers': 'leaky:9092',
              'ssl.key.password': `file:${join(root, 'server.key')}`,
              'ssl.keystore.password': `file:${secretsDir}/../server.key`,
              'sasl.jaas.config': `file:${join(secretsDir, 'escape')}`,
            },
          },
        ],
        datasets: [
          dataset('ns2.orders', { locations: { prod: [{ cluster: 'kafka-main', topic: 'ns2topic' }] } }),
          dataset('ns1.legacy', { locations: { prod: [{ cluster: 'kafka-other', topic: 'legacy' }] } }),
          dataset('ns1.leaky', { locations: { prod: [{ cluster: 'kafka-leaky', topic: 'leaky' }] } }),
        ],
        schemas: [
          { subject: 'ns2.orders-value', schema: ORDER_V1 },
          { subject: 'ns2topic-value', schema: ORDER_V1 },
          { subject: 'orphan-value', schema: ORDER_V1 },
        ],
      })
      mallory = await principalWith('mallory', [
        { role: 'owner', scope: 'ns1.*' },
        { role: 'editor', scope: 'cluster:kafka-main' },
      ])
      owner2 = await principalWith('ns2-owner', [
        { role: 'owner', scope: 'ns2.*' },
        { role: 'editor', scope: 'cluster:kafka-main' },
      ])
      peek = await principalWith('peek', [{ role: 'viewer', scope: 'ns1.*' }])
    })
    afterAll(async () => {
      await app?.close()
      await catalog?.close()
    })

    /** What mallory may do to a subject after the attempts: nothing. */
    async function expectNoHoldOn(subject: string) {
      const attempts: Array<[Method, string, unknown]> = [
        ['POST', `/subjects/${subject}/versions`, { schema: ORDER_V2 }],
        ['PUT', `/config/${subject}`, { compatibility: 'NONE' }],
        ['DELETE', `/subjects/${subject}`, undefined],
      ]
      for (const [method, url, body] of attempts) {
        expect({ subject, method, status: (await call(method, url, mallory, body)).status }).toEqual({
          subject,
          method,
          status: 403,
        })
      }
    }

    it("refuses a dataset that names another namespace's or an admin's subject, on create, update and apply", async () => {
      await ok('PUT', '/api/v1/datasets/ns1.mine', dataset('ns1.mine'))
      for (const subject of TAKEN_SUBJECTS) {
        const create = await call('POST', '/api/v1/datasets', mallory, naming('ns1.grab', subject))
        const update = await call('PUT', '/api/v1/datasets/ns1.mine', mallory, naming('ns1.mine', subject))
        const apply = await call('POST', '/api/v1/catalog/apply', mallory, {
          datasets: [naming('ns1.grab', subject)],
        })
        const register = await call('POST', '/api/v1/catalog/apply', mallory, {
          schemas: [{ subject, schema: ORDER_V2 }],
        })
        expect({
          subject,
          create: create.status,
          update: update.status,
          apply: apply.status,
          register: register.status,
        }).toEqual({ subject, create: 403, update: 403, apply: 403, register: 403 })
        await expectNoHoldOn(subject)
      }
      expect((await admin('GET', '/api/v1/datasets/ns1.grab')).status).toBe(404)
      expect((await admin('GET', '/api/v1/datasets/ns1.mine')).body.value).toEqual({
        format: 'avro',
        subject: 'ns1.mine-value',
      })
    })

    it('keeps the real owners and admins working on their own subjects', async () => {
      expect(
        (await call('POST', '/subjects/ns2.orders-value/versions', owner2, { schema: ORDER_V2 })).status,
      ).toBe(200)
      expect(
        (await call('POST', '/subjects/ns2topic-value/versions', owner2, { schema: ORDER_V2 })).status,
      ).toBe(200)
      expect((await call('PUT', '/config/ns2topic-value', owner2, { compatibility: 'FULL' })).status).toBe(
        200,
      )
      const orders = dataset('ns2.orders', {
        description: 'changed by its owner',
        locations: { prod: [{ cluster: 'kafka-main', topic: 'ns2topic' }] },
      })
      expect((await call('PUT', '/api/v1/datasets/ns2.orders', owner2, orders)).status).toBe(200)
      expect((await call('POST', '/api/v1/datasets', owner2, naming('ns2.x', 'ns2.x-value'))).status).toBe(
        201,
      )
      // Its own namespace, its own new topic: a new dataset may take those subjects.
      expect((await call('POST', '/api/v1/datasets', mallory, dataset('ns1.fresh'))).status).toBe(201)
      expect(
        (await call('POST', '/api/v1/datasets', mallory, naming('ns1.topical', 'ns1_topical_t-value')))
          .status,
      ).toBe(201)
      expect(
        (await call('POST', '/subjects/ns1.fresh-value/versions', mallory, { schema: ORDER_V1 })).status,
      ).toBe(200)
      // An admin may hand an admin's subject to a dataset; then its owners govern it.
      expect((await admin('POST', '/api/v1/datasets', naming('ns1.adopted', 'orphan-value'))).status).toBe(
        201,
      )
      expect(
        (await call('POST', '/subjects/orphan-value/versions', mallory, { schema: ORDER_V2 })).status,
      ).toBe(200)
    })

    it("refuses locations on another namespace's topic, on any cluster, unless the caller owns it there", async () => {
      const spy = dataset('ns1.spy', {
        value: { format: 'raw' },
        locations: { prod: [{ cluster: 'kafka-main', topic: 'ns2topic' }] },
      })
      expect((await call('POST', '/api/v1/datasets', mallory, spy)).status).toBe(403)
      expect(
        (await call('PUT', '/api/v1/datasets/ns1.mine', mallory, { ...spy, name: 'ns1.mine' })).status,
      ).toBe(403)
      expect((await call('POST', '/api/v1/catalog/apply', mallory, { datasets: [spy] })).status).toBe(403)
      await ok('POST', '/api/v1/grants', {
        principal: 'mallory',
        role: 'editor',
        scope: 'cluster:kafka-other',
      })
      const elsewhere = { ...spy, locations: { prod: [{ cluster: 'kafka-other', topic: 'ns2topic' }] } }
      expect((await call('POST', '/api/v1/datasets', mallory, elsewhere)).status).toBe(403)
      expect((await admin('GET', '/api/v1/datasets/ns1.spy')).status).toBe(404)
      const mirror = { ...spy, name: 'ns2.mirror' }
      expect((await call('POST', '/api/v1/datasets', owner2, mirror)).status).toBe(201)
    })

    it('needs a cluster grant to place a location on a cluster, but not to keep one', async () => {
      const onLeaky = dataset('ns1.newcomer', {
        locations: { prod: [{ cluster: 'kafka-leaky', topic: 'n' }] },
      })
      expect((await call('POST', '/api/v1/datasets', mallory, onLeaky)).status).toBe(403)
      expect((await call('POST', '/api/v1/catalog/apply', mallory, { datasets: [onLeaky] })).status).toBe(403)
      const legacy = dataset('ns1.legacy', {
        description: 'changed by its owner',
        locations: { prod: [{ cluster: 'kafka-other', topic: 'legacy' }] },
      })
      expect((await call('PUT', '/api/v1/datasets/ns1.legacy', mallory, legacy)).status).toBe(200)
      const moved = { ...legacy, locations: { prod: [{ cluster: 'kafka-leaky', topic: 'legacy' }] } }
      expect((await call('PUT', '/api/v1/datasets/ns1.legacy', mallory, moved)).status).toBe(403)
      await ok('POST', '/api/v1/grants', {
        principal: 'mallory',
        role: 'editor',
        scope: 'cluster:kafka-leaky',
      })
      expect((await call('POST', '/api/v1/datasets', mallory, onLeaky)).status).toBe(201)
      // A cluster owner may grant on it; a dataset owner may not.
      const grant = { principal: 'peek', role: 'editor', scope: 'cluster:kafka-main' }
      expect((await call('POST', '/api/v1/grants', mallory, grant)).status).toBe(403)
    })

    it("reveals a cluster's secrets only to owners of both the dataset and the cluster", async () => {
      const url = '/api/v1/resolve/ns1.mine?includeSecrets=true'
      expect((await call('GET', url, mallory)).status).toBe(403)
      expect((await call('GET', '/api/v1/resolve/ns1.mine', mallory)).status).toBe(200)
      await ok('POST', '/api/v1/grants', { principal: 'mallory', role: 'owner', scope: 'cluster:kafka-main' })
      const resolved = await call('GET', url, mallory)
      expect(resolved.status).toBe(200)
      expect(resolved.body).toMatchObject({
        secretsResolved: true,
        locations: [
          {
            cluster: {
              properties: { 'sasl.password': 'main-s3cret', 'ssl.truststore.password': 'trust-me' },
            },
          },
        ],
      })
      // Owning the cluster does not open the datasets of other namespaces on it.
      expect((await call('GET', '/api/v1/resolve/ns2.orders?includeSecrets=true', mallory)).status).toBe(403)
    })

    it('reads file: secrets only inside the secrets directory', async () => {
      const leaky = await admin('GET', '/api/v1/resolve/ns1.leaky?includeSecrets=true')
      expect(leaky.status).toBe(422)
      expect(JSON.stringify(leaky.body)).not.toContain('PRIVATE KEY')
      expect(JSON.stringify(leaky.body)).toContain('outside the secrets directory')
    })

    it('shows no names of subjects, lineage nodes or principals the caller may not see', async () => {
      // One schema used by a subject of each namespace.
      const mine = await call('POST', '/subjects/ns1.mine-value/versions', mallory, { schema: PAGEVIEW_V1 })
      await ok('POST', '/subjects/ns2.x-value/versions', { schema: PAGEVIEW_V1 })
      const id = mine.body.id as number
      expect((await call('GET', `/schemas/ids/${id}/subjects`, mallory)).body).toEqual(['ns1.mine-value'])
      expect((await call('GET', `/schemas/ids/${id}/versions`, mallory)).body).toEqual([
        { subject: 'ns1.mine-value', version: 1 },
      ])
      expect(
        ((await admin('GET', `/schemas/ids/${id}/subjects`)).body as unknown as string[]).sort(),
      ).toEqual(['ns1.mine-value', 'ns2.x-value'])

      await ok('POST', '/api/v1/lineage', {
        eventType: 'COMPLETE',
        eventTime: '2026-01-01T12:00:00Z',
        producer: 'https://example.com/job',
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        run: { runId: '01955a3c-7e1b-7c3d-9f00-6b7a1e2d3c4b' },
        job: { namespace: 'ns2-jobs', name: 'secret_join' },
        inputs: [{ namespace: 'weir', name: 'ns2.orders' }],
        outputs: [{ namespace: 'kafka://main:9092', name: 'ns1_mine_t' }],
      })
      const full = await admin('GET', '/api/v1/lineage?node=dataset:ns1.mine&depth=4')
      expect((full.body.nodes as Array<{ id: string }>).map((node) => node.id)).toContain(
        'dataset:ns2.orders',
      )
      const graph = await call('GET', '/api/v1/lineage?node=dataset:ns1.mine&depth=4', mallory)
      expect(graph.status).toBe(200)
      expect(graph.body).toEqual({
        nodes: [expect.objectContaining({ id: 'dataset:ns1.mine' })],
        edges: [],
        columnEdges: [],
      })

      const grants = (await call('GET', '/api/v1/grants', peek)).body.grants as Array<{
        grantee: { name: string }
      }>
      expect(grants.map((grant) => grant.grantee.name)).toEqual(['peek'])
      // mallory owns ns1.* and (by now) cluster:kafka-main: it sees who holds roles there, and nothing on ns2.*.
      const owned = (await call('GET', '/api/v1/grants', mallory)).body.grants as Array<{
        scope: string
        grantee: { name: string }
      }>
      expect(owned.map((grant) => grant.grantee.name)).toContain('peek')
      expect(owned.filter((grant) => grant.scope.startsWith('ns2.'))).toEqual([])
    })
  })
}
