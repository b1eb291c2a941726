/**
 * Schema registry hot paths under concurrent load: GET /schemas/ids/{id} (what every deserializer does) and
 * POST /subjects/{subject} (the serializer's lookup), against one `weir udm serve` process on PGlite and on
 * PostgreSQL. Prints one JSON line per backend and scenario: requests/s and p50/p99 latency.
 *   npx tsx bench/schema-registry.ts [--duration 10] [--connections 32] [--only pglite|postgres]
 * Set WEIR_BENCH_DATABASE_URL to use an existing PostgreSQL; otherwise a private one is started.
 * Every request is authenticated (admin token, basic auth as serializers send it) and audited; `/health`
 * (neither) is measured as the baseline that shows what authentication and audit cost per request.
 * Target (DESIGN.md section 8): get-by-id ≥ 15K requests/s with p99 ≤ 5 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { freePort } from '../infra/services/ports.ts'
import { startPostgres } from '../infra/services/postgres.ts'
import { ADMIN_TOKEN_ENV, generateToken } from '../src/catalog/governance/tokens.ts'
import { progress, report } from './lib/report.ts'

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
}
interface AutocannonResult {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; average: number; max: number }
  errors: number
  non2xx: number
  timeouts: number
}
type Autocannon = (options: {
  url: string
  connections: number
  duration: number
  pipelining?: number
  requests: AutocannonRequest[]
}) => Promise<AutocannonResult>

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    schemas: { type: 'string', default: '100' },
    only: { type: 'string' },
  },
})
const DURATION = Number(values.duration)
const CONNECTIONS = Number(values.connections)
const SCHEMAS = Number(values.schemas)
const WEIR = fileURLToPath(new URL('../bin/weir.js', import.meta.url))
const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'
const ADMIN_TOKEN = generateToken().token
const AUTH = { authorization: `Basic ${Buffer.from(`weir:${ADMIN_TOKEN}`).toString('base64')}` }

function schemaNumber(index: number): string {
  return JSON.stringify({
    type: 'record',
    name: `Event${index}`,
    namespace: 'weir.bench',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'user_id', type: 'long' },
      { name: 'url', type: 'string' },
      { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    ],
  })
}

async function startServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [WEIR, 'udm', 'serve', '--port', String(port), '--log-level', 'warn', ...args],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, [ADMIN_TOKEN_ENV]: ADMIN_TOKEN },
    },
  )
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`weir udm serve exited with ${child.exitCode}`)
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return { url, child }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  child.kill('SIGKILL')
  throw new Error('weir udm serve did not become ready within 120 s')
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

async function register(url: string): Promise<Array<{ id: number; subject: string; schema: string }>> {
  const registered = []
  for (let index = 0; index < SCHEMAS; index++) {
    const subject = `bench.event${index}-value`
    const schema = schemaNumber(index)
    const response = await fetch(`${url}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': JSON_TYPE },
      body: JSON.stringify({ schema }),
    })
    if (!response.ok) throw new Error(`registering ${subject} failed: ${await response.text()}`)
    const { id } = (await response.json()) as { id: number }
    registered.push({ id, subject, schema })
  }
  return registered
}

async function measure(
  backend: string,
  scenario: string,
  url: string,
  requests: AutocannonRequest[],
): Promise<void> {
  // A short warm-up fills the caches and lets V8 optimize the handlers before the measured run.
  await autocannon({ url, connections: CONNECTIONS, duration: 2, requests })
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests })
  report({
    bench: 'schema-registry',
    backend,
    scenario,
    connections: CONNECTIONS,
    seconds: DURATION,
    requests: result.requests.total,
    requestsPerSec: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpus: cpus().length,
    // The load generator shares the machine; a busy machine (other processes) lowers every figure.
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
  })
}

async function runBackend(backend: string, serverArgs: string[]): Promise<void> {
  progress(`${backend}: starting weir udm serve ${serverArgs.join(' ')}`)
  const { url, child } = await startServer(serverArgs)
  try {
    progress(`${backend}: registering ${SCHEMAS} schemas`)
    const registered = await register(url)
    await measure(backend, 'health-unauthenticated-unaudited', url, [{ method: 'GET', path: '/health' }])
    await measure(
      backend,
      'get-schema-by-id',
      url,
      registered.map(({ id }) => ({ method: 'GET', path: `/schemas/ids/${id}`, headers: AUTH })),
    )
    await measure(
      backend,
      'lookup-subject',
      url,
      registered.map(({ subject, schema }) => ({
        method: 'POST',
        path: `/subjects/${subject}`,
        headers: { ...AUTH, 'content-type': JSON_TYPE },
        body: JSON.stringify({ schema }),
      })),
    )
  } finally {
    await stopServer(child)
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'weir-bench-registry-'))
  try {
    if (values.only === undefined || values.only === 'pglite') {
      await runBackend('pglite', ['--data-dir', join(workDir, 'catalog')])
    }
    if (values.only === undefined || values.only === 'postgres') {
      let databaseUrl = process.env.WEIR_BENCH_DATABASE_URL
      let stop: (() => Promise<void>) | undefined
      if (databaseUrl === undefined) {
        progress('postgres: starting a private PostgreSQL (set WEIR_BENCH_DATABASE_URL to use another)')
        const postgres = await startPostgres({ workDir })
        stop = postgres.stop
        const admin = new pg.Client({ connectionString: postgres.url })
        await admin.connect()
        await admin.query('CREATE DATABASE weir_bench')
        await admin.end()
        databaseUrl = postgres.url.replace(/\/weir_test$/, '/weir_bench')
      }
      try {
        await runBackend('postgres', ['--database-url', databaseUrl])
      } finally {
        await stop?.()
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

await main()
