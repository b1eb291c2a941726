/**
 * Input the storage cannot keep (NUL bytes, lone surrogates), malformed URLs and over-long names are refused
 * at the HTTP edge with a 4xx naming the field, in the error shape of the API or of the registry, before
 * authentication, audit or any query sees them. Each case answered 500 (or in Fastify's own shape, or reset
 * the connection) before the edge checks.
 */
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN, PAGEVIEW_V1 } from './helpers.ts'

describe('the HTTP edge', () => {
  let catalog: Catalog
  let app: WeirServer

  beforeAll(async () => {
    catalog = await Catalog.open({ database: { inMemory: true } })
    app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
    const registered = await app.inject({
      method: 'POST',
      url: '/subjects/edge-value/versions',
      headers: ADMIN_HEADERS,
      payload: { schema: PAGEVIEW_V1 },
    })
    expect(registered.statusCode).toBe(200)
  })
  afterAll(async () => {
    await app?.close()
    await catalog?.close()
  })

  async function send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
    const response = await app.inject({
      method,
      url,
      headers: { ...ADMIN_HEADERS, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    })
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> }
  }

  async function auditCount(): Promise<number> {
    const report = await catalog.governance.verifyAudit()
    if (!report.ok) throw new Error(`audit chain broken: ${report.reason}`)
    return report.count
  }

  it.each([
    ['a dataset name', '/api/v1/datasets/traffic.page%00view', 'name'],
    ['a search filter', '/api/v1/search?q=page%00view', 'q'],
    ['a dataset filter', '/api/v1/datasets?tag=a%00b', 'tag'],
    ['a resolve environment', '/api/v1/resolve/traffic.pageview?environment=prod%00', 'environment'],
    ['a token id', '/api/v1/tokens/0123%00', 'id'],
    ['a lineage node', '/api/v1/lineage?node=dataset:a%00', 'node'],
  ])('refuses a NUL byte in %s with 400 naming the field, and audits nothing', async (_what, url, field) => {
    const before = await auditCount()
    const method = url.startsWith('/api/v1/tokens/') ? 'DELETE' : 'GET'
    const answer = await send(method, url)
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_field', field } } })
    expect((answer.body.error as { message: string }).message).toMatch(/NUL byte.*remove it/)
    expect(await auditCount()).toBe(before)
  })

  it('refuses a NUL byte on a registry route in the registry error shape', async () => {
    const answer = await send('GET', '/subjects/edge-value/versions?deleted=%00')
    expect(answer).toMatchObject({ status: 400, body: { error_code: 400 } })
    expect(answer.body.message).toMatch(/^deleted: contains a NUL byte/)
  })

  it('answers a subject name with a NUL byte as Confluent does: 422, error code 42208', async () => {
    for (const url of ['/subjects/edge%00value/versions', '/config/edge%00value', '/subjects/a%01b']) {
      const answer = await send(url === '/subjects/a%01b' ? 'DELETE' : 'GET', url)
      expect(answer).toMatchObject({ status: 422, body: { error_code: 42208 } })
      expect(answer.body.message).toMatch(/^The specified subject is not valid: it contains/)
    }
  })

  it('refuses a NUL byte before authentication: no 401, no audit record', async () => {
    const before = await auditCount()
    const response = await app.inject({ method: 'GET', url: '/api/v1/datasets/a%00' })
    expect(response.statusCode).toBe(400)
    expect(await auditCount()).toBe(before)
  })

  it.each([
    [
      'a dataset description',
      '/api/v1/datasets',
      { name: 'edge.nul', description: 'a\u0000b' },
      'description',
    ],
    [
      'a lineage job name',
      '/api/v1/lineage',
      {
        eventType: 'START',
        eventTime: '2026-01-01T00:00:00Z',
        run: { runId: '0190e5a0-0000-7000-8000-000000000000' },
        job: { namespace: 'weir', name: 'job\u0000x' },
        inputs: [],
        outputs: [],
        producer: 'https://example.com',
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      },
      'job.name',
    ],
    [
      'a principal description',
      '/api/v1/principals',
      { name: 'edge-p', description: 'x\u0000' },
      'description',
    ],
    ['a nested key', '/api/v1/catalog/apply', { datasets: [{ 'na\u0000me': 1 }] }, 'datasets[0].na\u0000me'],
    ['a lone surrogate', '/api/v1/principals', { name: 'edge-q', description: 'x\ud800y' }, 'description'],
    ['a control character in a name', '/api/v1/groups', { name: 'ops\nteam' }, 'name'],
  ])('refuses %s in a JSON body with 400 naming the field', async (_what, url, payload, field) => {
    const answer = await send('POST', url, payload)
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_field', field } } })
  })

  it('refuses a NUL byte in a registry body with the registry error shape', async () => {
    const answer = await send('POST', '/subjects/edge-value/versions', {
      schema: PAGEVIEW_V1,
      references: [{ name: 'x', subject: 'edge\u0000value', version: 1 }],
    })
    expect(answer).toMatchObject({ status: 400, body: { error_code: 400 } })
    expect(answer.body.message).toMatch(/^references\[0\]\.subject: contains a NUL byte/)
  })

  it('refuses a body nested deeper than the limit, naming where', async () => {
    const deep = `{"datasets":${'['.repeat(200)}${']'.repeat(200)}}`
    const answer = await send('POST', '/api/v1/catalog/apply', deep)
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_field' } } })
    expect((answer.body.error as { message: string }).message).toMatch(/nests deeper than 64 levels/)
  })

  it('answers a URL that does not decode with 400 in the error shape of the route family', async () => {
    const api = await send('GET', '/api/v1/clusters/%ZZ')
    expect(api).toMatchObject({ status: 400, body: { error: { code: 'FST_ERR_BAD_URL' } } })
    expect((api.body.error as { message: string }).message).toMatch(/encodeURIComponent/)
    const registry = await send('GET', '/subjects/%ED%A0%80/versions')
    expect(registry).toMatchObject({ status: 400, body: { error_code: 400 } })
  })

  it('answers a name over the path limit with 414 in the error shape of the route family', async () => {
    const api = await send('GET', `/api/v1/datasets/${'x'.repeat(1_500)}`)
    expect(api).toMatchObject({ status: 414, body: { error: { code: 'FST_ERR_MAX_PARAM_LENGTH' } } })
    expect((api.body.error as { message: string }).message).toMatch(/longer than 1000 characters/)
    const registry = await send('GET', `/subjects/${'x'.repeat(1_500)}/versions`)
    expect(registry).toMatchObject({ status: 414, body: { error_code: 414 } })
  })

  it('answers a schema id beyond the id range with 40403, not 500', async () => {
    for (const id of ['2147483648', '99999999999']) {
      const answer = await send('GET', `/schemas/ids/${id}`)
      expect(answer).toMatchObject({ status: 404, body: { error_code: 40403 } })
    }
  })
})

describe('a URL over the HTTP header limit, over a real socket', () => {
  let catalog: Catalog
  let app: WeirServer

  beforeAll(async () => {
    catalog = await Catalog.open({ database: { inMemory: true } })
    app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
    await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await app?.close()
    await catalog?.close()
  })

  /** Writes one raw request in one go and reads the answer until the server closes the connection. */
  function exchange(request: string): Promise<{ answer: string; error?: string }> {
    const { port } = app.server.address() as AddressInfo
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      let answer = ''
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => {
        answer += chunk
      })
      socket.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ answer, error: error.code ?? error.message }),
      )
      socket.on('close', () => resolve({ answer }))
      socket.end(request)
    })
  }

  it('answers 414 naming the problem, and the client reads it while still sending a body', async () => {
    const body = JSON.stringify({ description: 'y'.repeat(600_000) })
    const { answer, error } = await exchange(
      `POST /api/v1/datasets/${'x'.repeat(100_000)} HTTP/1.1\r\nHost: weir\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    )
    expect(error).toBeUndefined()
    expect(answer).toMatch(/^HTTP\/1\.1 414 URI Too Long\r\n/)
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      error: { code: string; message: string }
    }
    expect(json.error.code).toBe('uri_too_long')
    expect(json.error.message).toMatch(/URL is too long/)
  })

  it('answers the registry in its error shape', async () => {
    const { answer } = await exchange(
      `GET /subjects/${'x'.repeat(40_000)}/versions HTTP/1.1\r\nHost: weir\r\n\r\n`,
    )
    expect(answer).toMatch(/^HTTP\/1\.1 414 /)
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 414 })
  })
})
