/**
 * The schema registry over HTTP, checked against Confluent's REST contract: routes, payloads, content types
 * and error bodies, as clients see them on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import {
  ADMIN_HEADERS,
  ADMIN_TOKEN,
  ORDER_PROTO,
  PAGEVIEW_BREAKING,
  PAGEVIEW_V1,
  PAGEVIEW_V2,
  unique,
} from './helpers.ts'

const VND = 'application/vnd.schemaregistry.v1+json'

describe('schema registry HTTP API', () => {
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

  async function call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    contentType = VND,
  ) {
    const response = await app.inject({
      method,
      url,
      ...(body === undefined
        ? { headers: ADMIN_HEADERS }
        : {
            payload: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { ...ADMIN_HEADERS, 'content-type': contentType },
          }),
    })
    return {
      status: response.statusCode,
      type: response.headers['content-type'],
      body: response.body === '' ? undefined : (JSON.parse(response.body) as unknown),
    }
  }

  it('registers and fetches with Confluent payloads and content type', async () => {
    const subject = unique('http-pv-')
    const registered = await call('POST', `/subjects/${subject}/versions`, { schema: PAGEVIEW_V1 })
    expect(registered.status).toBe(200)
    expect(registered.type).toContain(VND)
    const { id } = registered.body as { id: number }
    expect(registered.body).toMatchObject({ id, version: 1 })
    expect(await call('GET', `/schemas/ids/${id}`)).toMatchObject({
      status: 200,
      body: { schema: PAGEVIEW_V1 },
    })
    expect((await call('GET', `/schemas/ids/${id}/schema`)).body).toEqual(JSON.parse(PAGEVIEW_V1))
    expect((await call('GET', `/schemas/ids/${id}/subjects`)).body).toEqual([subject])
    expect((await call('GET', `/schemas/ids/${id}/versions`)).body).toEqual([{ subject, version: 1 }])
    expect((await call('GET', `/schemas/ids/${id}?fetchMaxId=true`)).body).toMatchObject({
      schema: PAGEVIEW_V1,
      maxId: expect.any(Number),
    })
    expect((await call('GET', `/subjects/${subject}/versions/latest`)).body).toEqual({
      subject,
      version: 1,
      id,
      schema: PAGEVIEW_V1,
    })
    expect((await call('GET', `/subjects/${subject}/versions/-1`)).body).toMatchObject({ version: 1 })
    expect((await call('POST', `/subjects/${subject}`, { schema: PAGEVIEW_V1 })).body).toEqual({
      subject,
      version: 1,
      id,
      schema: PAGEVIEW_V1,
    })
    expect((await call('GET', '/subjects')).body).toContain(subject)
    expect((await call('GET', `/subjects/${subject}/versions`)).body).toEqual([1])
    expect((await call('GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO'])
    expect((await call('GET', '/contexts')).body).toEqual(['.'])
    expect((await call('GET', '/')).body).toEqual({})
    // Every JSON flavour Confluent clients send is accepted.
    for (const type of [
      'application/json',
      'application/vnd.schemaregistry+json',
      'application/octet-stream',
    ]) {
      expect(
        (await call('POST', `/subjects/${subject}/versions`, { schema: PAGEVIEW_V1 }, type)).body,
      ).toMatchObject({ id, version: 1 })
    }
  })

  it('answers bad input with Confluent error codes', async () => {
    const subject = unique('http-bad-')
    const invalid = await call('POST', `/subjects/${subject}/versions`, {
      schema: '{"type": "record", "name": "X", "fields": [}',
    })
    expect(invalid.status).toBe(422)
    expect(invalid.body).toMatchObject({
      error_code: 42201,
      message: expect.stringMatching(/line 1, column \d+/),
    })
    expect((await call('GET', `/subjects/${subject}/versions`)).body).toMatchObject({ error_code: 40401 })
    expect(await call('GET', '/schemas/ids/424242')).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    })
    expect(await call('GET', '/schemas/ids/abc')).toMatchObject({ status: 404, body: { error_code: 40403 } })
    await call('POST', `/subjects/${subject}/versions`, { schema: PAGEVIEW_V1 })
    expect(await call('GET', `/subjects/${subject}/versions/5`)).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    })
    expect(await call('GET', `/subjects/${subject}/versions/zero`)).toMatchObject({
      status: 422,
      body: { error_code: 42202 },
    })
    expect(await call('PUT', '/config', { compatibility: 'EVENTUAL' })).toMatchObject({
      status: 422,
      body: { error_code: 42203 },
    })
    expect(await call('PUT', `/mode/${subject}`, { mode: 'WRITEONLY' })).toMatchObject({
      status: 422,
      body: { error_code: 42204 },
    })
    expect(await call('POST', `/subjects/${subject}/versions`, '{not json')).toMatchObject({
      status: 400,
      body: { error_code: 400 },
    })
    expect(await call('POST', `/subjects/${subject}/versions`, '["a"]')).toMatchObject({
      status: 422,
      body: { error_code: 422 },
    })
    expect(await call('GET', '/no/such/route')).toMatchObject({ status: 404, body: { error_code: 404 } })
    const unsupported = await call('POST', `/subjects/${subject}/versions`, 'x', 'application/xml')
    expect(unsupported).toMatchObject({ status: 415, body: { error_code: 415 } })

    const incompatible = await call('POST', `/subjects/${subject}/versions`, { schema: PAGEVIEW_BREAKING })
    expect(incompatible.status).toBe(409)
    expect(incompatible.body).toMatchObject({
      error_code: 409,
      message: expect.stringContaining('incompatible'),
    })
    expect((await call('GET', `/subjects/${subject}/versions`)).body).toEqual([1])
  })

  it('checks compatibility with and without verbose reasons', async () => {
    const subject = unique('http-compat-')
    await call('POST', `/subjects/${subject}/versions`, { schema: PAGEVIEW_V1 })
    expect(
      (
        await call('POST', `/compatibility/subjects/${subject}/versions/latest`, {
          schema: PAGEVIEW_BREAKING,
        })
      ).body,
    ).toEqual({
      is_compatible: false,
    })
    const verbose = await call('POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {
      schema: PAGEVIEW_BREAKING,
    })
    expect(verbose.body).toMatchObject({
      is_compatible: false,
      messages: expect.arrayContaining([expect.stringContaining('session')]),
    })
    expect(
      (
        await call('POST', `/compatibility/subjects/${subject}/versions?verbose=true`, {
          schema: PAGEVIEW_V2,
        })
      ).body,
    ).toEqual({
      is_compatible: true,
      messages: [],
    })
  })

  it('manages config and mode per subject and globally', async () => {
    const subject = unique('http-config-')
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' })
    expect(await call('GET', `/config/${subject}`)).toMatchObject({
      status: 404,
      body: { error_code: 40408 },
    })
    expect((await call('GET', `/config/${subject}?defaultToGlobal=true`)).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    })
    expect((await call('PUT', `/config/${subject}`, { compatibility: 'FORWARD_TRANSITIVE' })).body).toEqual({
      compatibility: 'FORWARD_TRANSITIVE',
    })
    expect((await call('GET', `/config/${subject}`)).body).toEqual({
      compatibilityLevel: 'FORWARD_TRANSITIVE',
    })
    expect((await call('DELETE', `/config/${subject}`)).body).toEqual({
      compatibilityLevel: 'FORWARD_TRANSITIVE',
    })
    expect((await call('GET', '/mode')).body).toEqual({ mode: 'READWRITE' })
    expect((await call('PUT', `/mode/${subject}`, { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' })
    expect(await call('POST', `/subjects/${subject}/versions`, { schema: PAGEVIEW_V1 })).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    })
    expect((await call('DELETE', `/mode/${subject}`)).body).toEqual({ mode: 'READONLY' })
  })

  it('deletes softly, then permanently, and lists referencing schemas', async () => {
    const base = unique('http-ref-')
    await call('POST', `/subjects/${base}/versions`, {
      schema: JSON.stringify({ type: 'enum', name: 'Color', namespace: 'weir.test', symbols: ['RED'] }),
    })
    const referencing = unique('http-user-')
    const { id } = (
      await call('POST', `/subjects/${referencing}/versions`, {
        schema: JSON.stringify({
          type: 'record',
          name: 'Car',
          namespace: 'weir.test',
          fields: [{ name: 'color', type: 'weir.test.Color' }],
        }),
        references: [{ name: 'weir.test.Color', subject: base, version: 1 }],
      })
    ).body as { id: number }
    expect((await call('GET', `/subjects/${base}/versions/1/referencedby`)).body).toEqual([id])
    expect(await call('DELETE', `/subjects/${base}`)).toMatchObject({
      status: 422,
      body: { error_code: 42206 },
    })
    // DELETE requests from clients carry a JSON content type and no body.
    const soft = await app.inject({
      method: 'DELETE',
      url: `/subjects/${referencing}/versions/1`,
      headers: { ...ADMIN_HEADERS, 'content-type': VND },
    })
    expect(soft.statusCode).toBe(200)
    expect(JSON.parse(soft.body)).toBe(1)
    expect(await call('DELETE', `/subjects/${referencing}/versions/1`)).toMatchObject({
      status: 404,
      body: { error_code: 40406 },
    })
    expect((await call('DELETE', `/subjects/${referencing}/versions/1?permanent=true`)).body).toBe(1)
    expect((await call('DELETE', `/subjects/${base}`)).body).toEqual([1])
    expect((await call('GET', `/subjects?deleted=true`)).body).toContain(base)
    expect((await call('DELETE', `/subjects/${base}?permanent=true`)).body).toEqual([1])
    expect(await call('GET', `/subjects/${base}/versions?deleted=true`)).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    })
  })

  it('serves Protobuf schemas as text or in Confluent serialized form, and lists schemas', async () => {
    const subject = unique('http-proto-')
    const { id } = (
      await call('POST', `/subjects/${subject}/versions`, { schema: ORDER_PROTO, schemaType: 'PROTOBUF' })
    ).body as { id: number }
    const text = (await call('GET', `/schemas/ids/${id}`)).body as { schemaType: string; schema: string }
    expect(text.schemaType).toBe('PROTOBUF')
    expect(text.schema).toContain('message Order {')
    const serialized = (await call('GET', `/schemas/ids/${id}?format=serialized`)).body as { schema: string }
    expect(serialized.schema).toMatch(/^[A-Za-z0-9+/]+=*$/)
    // The serialized form is the same schema: same id, no new version, and lookups find it.
    expect(
      (
        await call('POST', `/subjects/${subject}/versions`, {
          schema: serialized.schema,
          schemaType: 'PROTOBUF',
        })
      ).body,
    ).toMatchObject({
      id,
      version: 1,
    })
    expect(
      (await call('POST', `/subjects/${subject}`, { schema: serialized.schema, schemaType: 'PROTOBUF' }))
        .body,
    ).toMatchObject({ id })
    expect((await call('GET', `/subjects/${subject}/versions/1?format=serialized`)).body).toMatchObject({
      schema: serialized.schema,
    })
    const listed = (await call('GET', `/schemas?subjectPrefix=${subject}`)).body as Array<
      Record<string, unknown>
    >
    expect(listed[0]).toMatchObject({ subject, version: 1, id, schemaType: 'PROTOBUF' })
    const guid = (await call('POST', `/subjects/${unique('http-guid-')}/versions`, { schema: PAGEVIEW_V2 }))
      .body as { guid: string }
    expect((await call('GET', `/schemas/guids/${guid.guid}`)).body).toEqual({ schema: PAGEVIEW_V2 })
  })

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await call('GET', '/health')).body).toMatchObject({ status: 'ok' })
    expect((await call('GET', '/ready')).body).toMatchObject({
      status: 'ready',
      database: 'PGlite in memory',
    })
    const metrics = await app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toContain('weir_registry_id_cache_hits')
    const docs = (await call('GET', '/api/docs')).body as { openapi: string; paths: Record<string, unknown> }
    expect(docs.openapi).toMatch(/^3\./)
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining([
        '/subjects/{subject}/versions',
        '/schemas/ids/{id}',
        '/api/v1/datasets',
        '/api/v1/resolve/{name}',
        '/config/{subject}',
      ]),
    )
  })
})
