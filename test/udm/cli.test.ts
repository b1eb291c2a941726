import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../../src/server/serve.ts'
import { weir } from '../harness/weir-cli.ts'
import {
  ADMIN_TOKEN,
  EXAMPLE_CATALOG_PATH,
  PAGEVIEW_BREAKING,
  PAGEVIEW_V1,
  PAGEVIEW_V2,
  type ServedUdm,
  serveUdmProcess,
} from './helpers.ts'

const silent = pino({ level: 'silent' }) as FastifyBaseLogger
const EXAMPLE = fileURLToPath(EXAMPLE_CATALOG_PATH)

describe('weir CLI for UDM', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'weir-cli-'))
  const dataDir = join(workDir, 'catalog')
  let server: ServedUdm

  beforeAll(async () => {
    process.env.WEIR_TOKEN = ADMIN_TOKEN
    server = await serveUdmProcess(dataDir)
  })
  afterAll(() => {
    delete process.env.WEIR_TOKEN
    if (server?.child.exitCode === null) server.child.kill('SIGKILL')
  })

  it('applies the example catalog and resolves a dataset over HTTP', async () => {
    const applied = await weir('catalog', 'apply', EXAMPLE, '--url', server.url)
    expect(applied.err).toBe('')
    expect(applied.out).toContain('dataset traffic.pageview created')
    expect(applied.out).toContain('schema  trade.order-value v1')
    expect((await weir('catalog', 'apply', EXAMPLE, '--url', server.url)).out).toContain(
      'dataset traffic.pageview unchanged',
    )

    const resolved = await weir('dataset', 'resolve', 'traffic.pageview', '--url', server.url)
    expect(JSON.parse(resolved.out)).toMatchObject({
      dataset: 'traffic.pageview',
      locations: [{ system: 'kafka', topic: 'pv_events' }],
    })
    // `audience` is a field of dim.user's schema and part of the dashboards' primary keys.
    const listed = await weir('dataset', 'list', '--field', 'audience', '--url', server.url)
    expect(
      listed.out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')[0]),
    ).toEqual(['dashboard.metrics_day', 'dashboard.metrics_minute', 'dim.user'])
  })

  it('registers, fetches, checks and deletes schemas from files', async () => {
    const file = join(workDir, 'click.avsc')
    writeFileSync(file, PAGEVIEW_V1)
    const registered = await weir(
      'schema',
      'register',
      'cli.click-value',
      '--file',
      file,
      '--url',
      server.url,
    )
    expect(registered.out).toMatch(/^registered cli.click-value version 1 with id \d+\n$/)
    expect(
      JSON.parse((await weir('schema', 'get', 'cli.click-value', '--url', server.url)).out),
    ).toMatchObject({ version: 1, schema: PAGEVIEW_V1 })
    expect((await weir('schema', 'list', '--url', server.url)).out).toContain('cli.click-value')

    writeFileSync(file, PAGEVIEW_BREAKING)
    const check = await weir('schema', 'check', 'cli.click-value', '--file', file, '--url', server.url)
    expect(check.exitCode).toBe(1)
    expect(check.out).toContain('NOT compatible')
    expect(check.out).toContain('READER_FIELD_MISSING_DEFAULT_VALUE')
    const refused = await weir('schema', 'register', 'cli.click-value', '--file', file, '--url', server.url)
    expect(refused.exitCode).toBe(1)
    expect(refused.err).toMatch(/^error: Schema being registered is incompatible.*\(error 409\)\n$/s)

    writeFileSync(file, PAGEVIEW_V2)
    expect((await weir('schema', 'check', 'cli.click-value', '--file', file, '--url', server.url)).out).toBe(
      'compatible with cli.click-value\n',
    )
    expect((await weir('schema', 'delete', 'cli.click-value', '--url', server.url)).out).toBe(
      'soft-deleted cli.click-value versions 1\n',
    )
    const missing = await weir('schema', 'get', 'cli.click-value', '--url', server.url)
    expect(missing.exitCode).toBe(1)
    expect(missing.err).toContain('40401')
  })

  it('adds clusters and datasets from flags and files', async () => {
    const added = await weir(
      'cluster',
      'add',
      'redis-cli',
      '--system',
      'redis',
      '--property',
      'url=redis://localhost:6379/2',
      '--url',
      server.url,
    )
    expect(added.out).toBe('cluster redis-cli (redis) saved\n')
    const leaky = await weir(
      'cluster',
      'add',
      'redis-leak',
      '--system',
      'redis',
      '-p',
      'url=redis://r:1',
      '-p',
      'password=hunter2',
      '--url',
      server.url,
    )
    expect(leaky.exitCode).toBe(1)
    expect(leaky.err).toContain('password: env:PASSWORD')
    expect((await weir('cluster', 'list', '--url', server.url)).out).toContain('redis-cli\tredis')

    const file = join(workDir, 'dataset.yaml')
    writeFileSync(
      file,
      'name: cli.sessions\nkind: kv\nvalue: json\nprimaryKey: session_id\nlocations:\n  prod:\n    cluster: redis-cli\n    keyPattern: "session:{session_id}"\n    dataType: hash\n',
    )
    expect((await weir('dataset', 'create', '--file', file, '--url', server.url)).out).toBe(
      'dataset cli.sessions saved (prod)\n',
    )
    expect(JSON.parse((await weir('dataset', 'get', 'cli.sessions', '--url', server.url)).out)).toMatchObject(
      { kind: 'kv', primaryKey: ['session_id'] },
    )
    writeFileSync(
      file,
      'name: cli.sessions\nkind: kv\nvalue: json\nlocations:\n  prod: { cluster: redis-cli, keyPattern: x, dataType: hash }\n',
    )
    const invalid = await weir('dataset', 'create', '--file', file, '--replace', '--url', server.url)
    expect(invalid.exitCode).toBe(1)
    expect(invalid.err).toContain('primaryKey')
    writeFileSync(file, 'name: [unclosed\n')
    expect((await weir('dataset', 'create', '--file', file, '--url', server.url)).err).toMatch(
      /dataset\.yaml at line \d+, column \d+/,
    )
  })

  it('creates a principal with a token and a grant; its denied access shows in weir audit query', async () => {
    const created = await weir('principal', 'create', 'bob', '--kind', 'service', '--url', server.url)
    expect(created.err).toBe('')
    const { token } = JSON.parse((await weir('token', 'create', 'bob', '--url', server.url)).out) as {
      token: string
    }
    expect(token).toMatch(/^weir_/)
    expect(
      (await weir('grant', 'add', 'viewer', 'traffic.pageview', '--principal', 'bob', '--url', server.url))
        .err,
    ).toBe('')
    expect((await weir('grant', 'list', '--url', server.url)).out).toContain(
      'principal:bob\tviewer\ttraffic.pageview',
    )

    const allowed = await weir('dataset', 'get', 'traffic.pageview', '--url', server.url, '--token', token)
    expect(allowed.exitCode).toBe(0)
    const denied = await weir('dataset', 'get', 'trade.order', '--url', server.url, '--token', token)
    expect(denied.exitCode).toBe(1)
    expect(denied.err).toContain('Forbidden')
    const noToken = await weir('dataset', 'list', '--url', server.url, '--token', 'weir_not_a_token')
    expect(noToken.err).toContain('Unauthorized')

    const audit = await weir(
      'audit',
      'query',
      '--principal',
      'bob',
      '--result',
      'denied',
      '--url',
      server.url,
    )
    const records = JSON.parse(audit.out) as Array<Record<string, unknown>>
    expect(records[0]).toMatchObject({
      principal: 'bob',
      action: 'dataset.read',
      resource: 'dataset:trade.order',
      result: 'denied',
    })
    const exported = await weir('audit', 'query', '--principal', 'bob', '--jsonl', '--url', server.url)
    const lines = exported.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { result: string })
    expect(lines.map((line) => line.result)).toEqual(['allowed', 'denied'])
    expect((await weir('audit', 'verify', '--url', server.url)).out).toMatch(
      /audit trail intact: \d+ records/,
    )
  })

  it('reports the first tampered record with weir audit verify', async () => {
    const local = await startServer({
      database: { inMemory: true },
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      adminToken: ADMIN_TOKEN,
    })
    try {
      for (let i = 0; i < 3; i++) await weir('principal', 'list', '--url', local.url)
      await local.catalog.governance.audit.flush()
      const db = local.catalog.database.db
      // Only someone able to switch the trigger off can change a record; the chain still shows it.
      await sql`ALTER TABLE gov_audit DISABLE TRIGGER gov_audit_append_only`.execute(db)
      await sql`UPDATE gov_audit SET reason = 'nothing to see' WHERE sequence = 2`.execute(db)
      await sql`ALTER TABLE gov_audit ENABLE TRIGGER gov_audit_append_only`.execute(db)
      const verified = await weir('audit', 'verify', '--url', local.url)
      expect(verified.exitCode).toBe(1)
      expect(verified.err).toContain('audit trail BROKEN at record 2 (altered)')
    } finally {
      await local.stop()
    }
  })

  it('prints an anchor with weir audit anchor and catches a deleted tail with verify --anchor', async () => {
    const local = await startServer({
      database: { inMemory: true },
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      adminToken: ADMIN_TOKEN,
    })
    try {
      for (let i = 0; i < 3; i++) await weir('principal', 'list', '--url', local.url)
      const printed = await weir('audit', 'anchor', '--url', local.url)
      expect(printed.exitCode).toBe(0)
      const anchor = printed.out.trim()
      expect(anchor).toMatch(/^\d+:[0-9a-f]{64}$/)
      const sequence = Number(anchor.split(':')[0])
      await local.catalog.governance.audit.flush()
      const db = local.catalog.database.db
      await sql`ALTER TABLE gov_audit DISABLE TRIGGER gov_audit_append_only`.execute(db)
      await sql`DELETE FROM gov_audit WHERE sequence >= ${sequence - 1}`.execute(db)
      await sql`ALTER TABLE gov_audit ENABLE TRIGGER gov_audit_append_only`.execute(db)
      // The chain alone cannot tell: what is left is intact.
      expect((await weir('audit', 'verify', '--url', local.url)).exitCode).toBe(0)
      const verified = await weir('audit', 'verify', '--anchor', anchor, '--url', local.url)
      expect(verified.exitCode).toBe(1)
      expect(verified.err).toMatch(
        new RegExp(
          `audit trail BROKEN at record \\d+ \\(missing\\): .*but the anchor says it reached ${sequence}: records were deleted from the end`,
        ),
      )
    } finally {
      await local.stop()
    }
  })

  it('refuses the embedded store while the server holds it, and works on it after a graceful shutdown', async () => {
    const busy = await weir('dataset', 'list', '--data-dir', dataDir)
    expect(busy.exitCode).toBe(1)
    expect(busy.err).toContain(`in use by process ${server.child.pid}`)

    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve))
    server.child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(server.logs()).toContain('shutting down')

    // Everything applied over HTTP was persisted in the data directory.
    const resolved = await weir(
      'dataset',
      'resolve',
      'traffic.pageview',
      '--env',
      'staging',
      '--include-secrets',
      '--data-dir',
      dataDir,
    )
    expect(resolved.exitCode).toBe(1)
    expect(resolved.err).toContain('KAFKA_STAGING_PASSWORD is not set')
    const listed = await weir('schema', 'list', 'traffic.pageview-value', '--data-dir', dataDir)
    expect(listed.out).toBe('1\n')
    const unreachable = await weir('dataset', 'list', '--url', server.url)
    expect(unreachable.err).toContain('cannot reach the UDM server')
  })
})
