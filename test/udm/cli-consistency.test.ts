/**
 * CLI consistency (#17) against a real UDM server (and, for the Kafka client's logs, a real broker): a
 * subcommand's --version is its own, 401s say why, an unreachable server is named with the reason, and a
 * successful command prints nothing from kafkajs.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster, startTestUdm, type TestUdm } from '../harness/udm-server.ts'
import { weir } from '../harness/weir-cli.ts'

const WEIR = fileURLToPath(new URL('../../bin/weir.js', import.meta.url))
const V1 = '{"type":"record","name":"A","fields":[{"name":"a","type":"int"}]}'
const V2 =
  '{"type":"record","name":"A","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}'

let udm: TestUdm
let bootstrapServers: string
const savedToken = process.env.WEIR_TOKEN
const savedUrl = process.env.WEIR_UDM_URL

beforeAll(async () => {
  // The commands under test take --url/--token explicitly; a developer's environment must not fill them in.
  delete process.env.WEIR_TOKEN
  delete process.env.WEIR_UDM_URL
  ;({ bootstrapServers } = await useService('kafka'))
  udm = await startTestUdm({
    clusters: [kafkaTestCluster(bootstrapServers)],
    datasets: [
      {
        name: 'traffic.quiet',
        kind: 'stream',
        value: { format: 'json' },
        locations: { prod: [{ cluster: 'kafka-test', topic: `quiet_${process.pid}` }] },
      },
    ],
    schemas: [],
  } as never)
  const admin = udm.adminToken
  for (const schema of [V1, V2]) {
    const registered = await weir(
      'schema',
      'register',
      'cli.a',
      '--schema',
      schema,
      '--url',
      udm.server.url,
      '--token',
      admin,
    )
    expect(registered.exitCode).toBe(0)
  }
}, 120_000)

afterAll(async () => {
  await udm?.close()
  if (savedToken !== undefined) process.env.WEIR_TOKEN = savedToken
  if (savedUrl !== undefined) process.env.WEIR_UDM_URL = savedUrl
})

const target = () => ['--url', udm.server.url, '--token', udm.adminToken]

describe('subcommand options are not shadowed by weir --version', () => {
  it('weir schema get <subject> --version 1 fetches version 1, not Weir’s version', async () => {
    const run = await weir('schema', 'get', 'cli.a', '--version', '1', '--schema-only', ...target())
    expect(run).toEqual({ out: `${V1}\n`, err: '', exitCode: 0 })
    const latest = await weir('schema', 'get', 'cli.a', '--schema-only', ...target())
    expect(latest.out).toBe(`${V2}\n`)
  })

  it('the old --schema-version still works, with a warning naming --version', async () => {
    const run = await weir('schema', 'get', 'cli.a', '--schema-version', '1', '--schema-only', ...target())
    expect(run).toEqual({
      out: `${V1}\n`,
      err: 'warning: --schema-version is deprecated, use --version instead\n',
      exitCode: 0,
    })
  })
})

describe('401 says why', () => {
  const list = (...token: string[]) => weir('dataset', 'list', '--url', udm.server.url, ...token)

  it('no token: says so and how to pass one', async () => {
    const run = await list()
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain('Unauthorized: no token was given')
    expect(run.err).toContain('--token or $WEIR_TOKEN')
  })

  it('a malformed token, an unknown one, an expired one (with when) and a revoked one', async () => {
    expect((await list('--token', 'weir_not_a_token')).err).toContain('the token is malformed')
    expect((await list('--token', `weir_${'0'.repeat(16)}_${'A'.repeat(43)}`)).err).toContain(
      'the token is not accepted by this server',
    )
    const governance = udm.server.catalog.governance
    const expired = await governance.createToken(
      'admin',
      { expiresAt: '2001-01-01T00:00:00Z' },
      'admin',
      new Date('2000-01-01T00:00:00Z'),
    )
    expect((await list('--token', expired.token)).err).toContain(
      'the token expired at 2001-01-01T00:00:00.000Z',
    )
    const revoked = await governance.createToken('admin', {}, 'admin')
    await governance.revokeToken(revoked.id)
    expect((await list('--token', revoked.token)).err).toContain('the token was revoked')
  })
})

describe('an unreachable UDM server', () => {
  it('is named with the reason and what to do, by the catalog commands and the SDK alike', async () => {
    const closed = await closedPort()
    const url = `http://127.0.0.1:${closed}`
    const expected = `error: cannot reach the UDM server at ${url}: connection refused (ECONNREFUSED), nothing listens there; start it with \`weir udm serve\` or check --url (or $WEIR_UDM_URL)\n`
    expect(await weir('dataset', 'list', '--url', url)).toEqual({ out: '', err: expected, exitCode: 1 })
    expect(await weir('data', 'lookup', 'traffic.quiet', 'k', '--url', url)).toEqual({
      out: '',
      err: expected,
      exitCode: 1,
    })
  })
})

describe('the Kafka client’s logs', () => {
  it('a successful produce and consume print only their own output, nothing from kafkajs', async () => {
    expect((await weir('topic', 'create', 'traffic.quiet', ...target())).exitCode).toBe(0)
    await udm.udm.dataset('traffic.quiet').write([{ a: 0 }])
    const produce = await run(
      ['data', 'produce', 'traffic.quiet', '--file', '-', ...target()],
      '{"a":1}\n{"a":2}\n',
    )
    expect(produce).toEqual({ out: '', err: 'wrote 2 records to traffic.quiet\n', code: 0 })
    const consume = await run([
      'data',
      'consume',
      'traffic.quiet',
      '--from',
      'earliest',
      '--limit',
      '3',
      ...target(),
    ])
    expect(consume).toEqual({ out: '{"a":0}\n{"a":1}\n{"a":2}\n', err: '', code: 0 })
  }, 60_000)
})

/** The real CLI in a child process: library logs go to the process's file descriptors, not through vitest. */
async function run(args: string[], input = ''): Promise<{ out: string; err: string; code: number | null }> {
  const env = { ...process.env }
  delete env.WEIR_LOG_LEVEL
  const child = spawn(process.execPath, [WEIR, ...args], { env })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  child.stdin.end(input)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { out, err, code }
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
