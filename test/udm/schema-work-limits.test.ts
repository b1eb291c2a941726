import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, type ServedUdm, serveUdmProcess } from './helpers.ts'
import {
  AVRO_TREE,
  hostileAvroSchema,
  hostileJsonSchema,
  hostileProtoSchema,
  PROTO_ORDER,
} from './schema-work-limits.fixtures.ts'

/** How long any one answer may take; before the fix the hostile checks ran for minutes (or hours). */
const ANSWER_WITHIN_MS = 2_000
/** Past this, fetch gives up, so a test against a stalled server fails instead of hanging. */
const GIVE_UP_MS = 15_000

async function call(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(GIVE_UP_MS),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}

/** Polls /health until `until` settles; the slowest answer, in ms. */
async function slowestHealth(base: string, until: Promise<unknown>): Promise<number> {
  let settled = false
  void until.finally(() => {
    settled = true
  })
  let slowest = 0
  do {
    const began = performance.now()
    const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(GIVE_UP_MS) })
    expect(response.status).toBe(200)
    slowest = Math.max(slowest, performance.now() - began)
    await new Promise((resolve) => setTimeout(resolve, 25))
  } while (!settled)
  return slowest
}

const CASES = [
  {
    type: 'JSON',
    dataset: 'dos.json',
    format: 'json',
    subject: 'dos.json-value',
    registered: '{"type":"string"}',
    hostile: hostileJsonSchema(),
  },
  {
    type: 'AVRO',
    dataset: 'dos.avro',
    format: 'avro',
    subject: 'dos.avro-value',
    registered: AVRO_TREE,
    hostile: hostileAvroSchema(),
  },
  {
    type: 'PROTOBUF',
    dataset: 'dos.proto',
    format: 'protobuf',
    subject: 'dos.proto-value',
    registered: PROTO_ORDER,
    hostile: hostileProtoSchema(),
  },
] as const

describe('schema work a request may spend (issue #19)', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'weir-schema-limits-')), 'catalog')
  let server: ServedUdm
  let viewer: string
  const admin = (method: string, path: string, body?: unknown) =>
    call(server.url, method, path, ADMIN_TOKEN, body)

  beforeAll(async () => {
    server = await serveUdmProcess(dataDir)
    // Each subject belongs to a dataset, so a viewer of the datasets may check schemas against it.
    const applied = await admin('POST', '/api/v1/catalog/apply', {
      clusters: [
        { name: 'kafka-dos', system: 'kafka', properties: { 'bootstrap.servers': 'localhost:9092' } },
      ],
      datasets: CASES.map(({ dataset, format, subject }) => ({
        name: dataset,
        kind: 'stream',
        value: { format, subject },
        locations: { prod: [{ cluster: 'kafka-dos', topic: dataset.replace('.', '_') }] },
      })),
      schemas: CASES.map(({ type, subject, registered }) => ({
        subject,
        schemaType: type,
        schema: registered,
      })),
    })
    expect(applied.status, JSON.stringify(applied.body)).toBe(200)
    expect((await admin('POST', '/api/v1/principals', { name: 'dos-viewer', kind: 'service' })).status).toBe(
      201,
    )
    const granted = await admin('POST', '/api/v1/grants', {
      principal: 'dos-viewer',
      role: 'viewer',
      scope: '*',
    })
    expect(granted.status, JSON.stringify(granted.body)).toBe(201)
    const token = await admin('POST', '/api/v1/principals/dos-viewer/tokens', { description: 'issue 19' })
    viewer = token.body.token as string
  }, 180_000)

  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL')
  })

  for (const { type, subject, hostile } of CASES) {
    it(`refuses a hostile ${type} schema from a viewer with a 422 in under 2 s while /health answers`, async () => {
      const began = performance.now()
      const check = call(server.url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, viewer, {
        schemaType: type,
        schema: hostile,
      })
      const slowest = await slowestHealth(server.url, check)
      const answer = await check
      const elapsed = performance.now() - began

      expect(answer.status).toBe(422)
      expect(answer.body.error_code).toBe(42201)
      expect(answer.body.message).toMatch(/too complex for (compatibility checking|parsing)/)
      expect(elapsed).toBeLessThan(ANSWER_WITHIN_MS)
      expect(slowest).toBeLessThan(ANSWER_WITHIN_MS)

      // The refusal is audited like any other failed request, under the viewer's name.
      const audit = await admin('GET', '/api/v1/audit?principal=dos-viewer&limit=50')
      const records = audit.body.records as Array<{ resource: string; change?: { status?: number } }>
      expect(
        records.some((record) => record.resource.includes(subject) && record.change?.status === 422),
      ).toBe(true)
    }, 30_000)
  }

  it('answers an ordinary compatibility check as before', async () => {
    const answer = await call(
      server.url,
      'POST',
      '/compatibility/subjects/dos.json-value/versions/latest',
      viewer,
      {
        schemaType: 'JSON',
        schema: '{"type":["string","null"]}',
      },
    )
    expect(answer).toMatchObject({ status: 200, body: { is_compatible: true } })
  })

  it('stops promptly on SIGTERM while a hostile check is in flight', async () => {
    const check = call(server.url, 'POST', '/compatibility/subjects/dos.avro-value/versions/latest', viewer, {
      schemaType: 'AVRO',
      schema: hostileAvroSchema(),
    }).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const began = performance.now()
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve))
    server.child.kill('SIGTERM')
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000)),
    ])
    expect(code).toBe(0)
    expect(performance.now() - began).toBeLessThan(5_000)
    await check
  }, 30_000)
})
