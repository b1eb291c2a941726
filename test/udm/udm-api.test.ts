/** The UDM API under /api/v1 over HTTP: the example catalog, resolve, search, and the error format. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import { ALLOW_SECRETS } from '../../src/catalog/locations/secrets.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN, exampleCatalog, unique } from './helpers.ts'

describe('UDM API', () => {
  let catalog: Catalog
  let app: WeirServer

  beforeAll(async () => {
    catalog = await Catalog.open({ database: { inMemory: true } })
    app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
  })
  afterAll(async () => {
    await app?.close()
    await catalog?.close()
  })

  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
    const response = await app.inject({
      method,
      url,
      headers: ADMIN_HEADERS,
      ...(body === undefined ? {} : { payload: body as object }),
    })
    return {
      status: response.statusCode,
      body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
    }
  }

  it('applies the example catalog and resolves traffic.pageview to its Kafka topic', async () => {
    const document = exampleCatalog()
    const body = {
      clusters: document.clusters,
      datasets: document.datasets,
      schemas: document.schemas.map((entry) => ({ subject: entry.subject, ...entry.body })),
    }
    const dry = await call('POST', '/api/v1/catalog/apply?dryRun=true', body)
    expect(dry.status).toBe(200)
    expect(dry.body).toMatchObject({ dryRun: true })
    expect((await call('GET', '/api/v1/datasets/traffic.pageview')).status).toBe(404)

    const applied = await call('POST', '/api/v1/catalog/apply', body)
    expect(applied.status).toBe(200)
    expect((applied.body.datasets as unknown[]).length).toBe(document.datasets.length)

    const resolved = await call('GET', '/api/v1/resolve/traffic.pageview')
    expect(resolved.status).toBe(200)
    expect(resolved.body).toMatchObject({
      dataset: 'traffic.pageview',
      environment: 'prod',
      kind: 'stream',
      value: {
        format: 'avro',
        subject: 'traffic.pageview-value',
        schema: { version: 1, schemaType: 'AVRO' },
      },
      eventTime: { column: 'ts', watermarkDelay: '5s' },
      locations: [
        {
          system: 'kafka',
          topic: 'pv_events',
          partitions: 12,
          cluster: { name: 'kafka-main', properties: { 'bootstrap.servers': 'localhost:9092' } },
        },
      ],
      secretsResolved: false,
    })
    const staging = await call('GET', '/api/v1/datasets/traffic.pageview/resolve?environment=staging')
    const stagingCluster = (
      staging.body.locations as Array<{ cluster: { properties: Record<string, string> } }>
    )[0]!.cluster
    expect(stagingCluster.properties['sasl.password']).toBe('env:KAFKA_STAGING_PASSWORD')
    expect(
      await call('GET', '/api/v1/resolve/traffic.pageview?environment=staging&includeSecrets=true'),
    ).toMatchObject({
      status: 403,
      body: { error: { code: 'secrets_forbidden' } },
    })

    const dimUser = await call('GET', '/api/v1/datasets/dim.user')
    expect(
      Object.values(dimUser.body.locations as Record<string, Array<{ system: string }>>)[0]!.map(
        (l) => l.system,
      ),
    ).toEqual(['redis', 'mysql', 'hdfs'])
    const search = await call('GET', '/api/v1/search?field=gmv_cents')
    expect((search.body.datasets as Array<{ name: string }>).map((d) => d.name)).toEqual(['trade.order'])
    const tagged = await call('GET', '/api/v1/datasets?tag=dimension')
    expect((tagged.body.datasets as Array<{ name: string }>).map((d) => d.name)).toEqual([
      'dim.product',
      'dim.user',
    ])
    const clusters = await call('GET', '/api/v1/clusters')
    expect((clusters.body.clusters as Array<{ name: string }>).map((c) => c.name)).toContain('hbase-main')
  })

  it('creates, replaces and deletes clusters and datasets', async () => {
    const cluster = unique('kafka-')
    expect(
      (
        await call('POST', '/api/v1/clusters', {
          name: cluster,
          system: 'kafka',
          properties: { 'bootstrap.servers': 'k:9092' },
        })
      ).status,
    ).toBe(201)
    expect(
      await call('POST', '/api/v1/clusters', {
        name: cluster,
        system: 'kafka',
        properties: { 'bootstrap.servers': 'k:9092' },
      }),
    ).toMatchObject({
      status: 409,
      body: { error: { code: 'already_exists', field: 'name' } },
    })
    expect(
      (
        await call('PUT', `/api/v1/clusters/${cluster}`, {
          system: 'kafka',
          properties: { 'bootstrap.servers': 'k2:9092' },
        })
      ).status,
    ).toBe(200)
    expect((await call('GET', `/api/v1/clusters/${cluster}`)).body).toMatchObject({
      properties: { 'bootstrap.servers': 'k2:9092' },
    })

    const name = `${unique('api')}.events`
    const dataset = {
      name,
      kind: 'stream',
      value: 'json',
      locations: { prod: [{ cluster, topic: 'events' }] },
    }
    expect((await call('POST', '/api/v1/datasets', dataset)).status).toBe(201)
    expect(
      (await call('PUT', `/api/v1/datasets/${name}`, { ...dataset, description: 'now described' })).body,
    ).toMatchObject({
      description: 'now described',
    })
    expect(await call('PUT', `/api/v1/datasets/${name}`, { ...dataset, name: 'other.name' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_field', field: 'name' } },
    })
    expect(await call('DELETE', `/api/v1/clusters/${cluster}`)).toMatchObject({
      status: 409,
      body: { error: { code: 'in_use' } },
    })
    expect((await call('DELETE', `/api/v1/datasets/${name}`)).status).toBe(204)
    expect((await call('DELETE', `/api/v1/clusters/${cluster}`)).status).toBe(204)
    expect(await call('GET', `/api/v1/clusters/${cluster}`)).toMatchObject({
      status: 404,
      body: { error: { code: 'unknown_cluster' } },
    })
  })

  it('names the field at fault in every input error', async () => {
    expect(await call('POST', '/api/v1/datasets', { name: 'NoNamespace', kind: 'stream' })).toMatchObject({
      status: 400,
      body: {
        error: { code: 'invalid_field', field: 'name', message: expect.stringContaining('namespace.name') },
      },
    })
    expect(
      await call('POST', '/api/v1/datasets', {
        name: 'a.b',
        kind: 'stream',
        value: 'json',
        locations: { prod: [{ cluster: 'missing-cluster', topic: 't' }] },
      }),
    ).toMatchObject({
      status: 404,
      body: { error: { code: 'unknown_cluster', field: 'locations.prod[0].cluster' } },
    })
    expect(
      await call('POST', '/api/v1/datasets', { name: 'a.b', kind: 'river', value: 'json', locations: {} }),
    ).toMatchObject({
      status: 400,
      body: { error: { field: 'kind' } },
    })
    expect(
      await call('POST', '/api/v1/clusters', {
        name: 'db',
        system: 'mysql',
        properties: { url: 'jdbc:mysql://x/y', password: 'plain' },
      }),
    ).toMatchObject({
      status: 400,
      body: { error: { field: 'properties.password' } },
    })
    expect(await call('GET', '/api/v1/datasets?kind=lake')).toMatchObject({
      status: 400,
      body: { error: { field: 'kind' } },
    })
    expect(await call('GET', '/api/v1/nothing-here')).toMatchObject({
      status: 404,
      body: { error: { code: 'no_such_route' } },
    })
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      payload: '{"name":',
      headers: { ...ADMIN_HEADERS, 'content-type': 'application/json' },
    })
    expect(malformed.statusCode).toBe(400)
    expect(JSON.parse(malformed.body)).toMatchObject({
      error: { message: expect.stringContaining('not valid JSON') },
    })
  })

  it('hands out resolved secrets only when the server allows it', async () => {
    const trusted = await Catalog.open({
      database: { inMemory: true },
      locations: { secretAccess: ALLOW_SECRETS, env: { KAFKA_SECRET: 'p4ss' } },
    })
    const trustedApp = await buildServer({ catalog: trusted, closeCatalog: true, adminToken: ADMIN_TOKEN })
    try {
      await trusted.locations.putCluster(
        {
          name: 'kafka-sasl',
          system: 'kafka',
          properties: { 'bootstrap.servers': 'k:9092', 'sasl.password': 'env:KAFKA_SECRET' },
        },
        'create',
      )
      await trusted.locations.putDataset(
        {
          name: 'sec.events',
          kind: 'stream',
          value: 'raw',
          locations: { prod: { cluster: 'kafka-sasl', topic: 'e' } },
        },
        'create',
      )
      const response = await trustedApp.inject({
        method: 'GET',
        url: '/api/v1/resolve/sec.events?includeSecrets=true',
        headers: ADMIN_HEADERS,
      })
      expect(JSON.parse(response.body)).toMatchObject({
        secretsResolved: true,
        locations: [{ cluster: { properties: { 'sasl.password': 'p4ss' } } }],
      })
      // Every other answer keeps the reference.
      const cluster = await trustedApp.inject({
        method: 'GET',
        url: '/api/v1/clusters/kafka-sasl',
        headers: ADMIN_HEADERS,
      })
      expect(JSON.parse(cluster.body).properties['sasl.password']).toBe('env:KAFKA_SECRET')
    } finally {
      await trustedApp.close()
    }
  })
})
