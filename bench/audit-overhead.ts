/**
 * What one audit record costs to write, in process on PGlite (or PostgreSQL with WEIR_BENCH_DATABASE_URL):
 * appended one transaction per record (what a write request waits for, alone) and through the batching
 * writer (what concurrent reads share). Prints one JSON line per mode: records/s and microseconds per record.
 *   npx tsx bench/audit-overhead.ts [--records 5000]
 * The HTTP view (audited get-by-id vs. the unaudited /health) is in bench/schema-registry.ts.
 */
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { Catalog } from '../src/catalog/catalog.ts'
import type { AuditEntry } from '../src/catalog/governance/audit-chain.ts'
import { report } from './lib/report.ts'

const { values } = parseArgs({ options: { records: { type: 'string', default: '5000' } } })
const RECORDS = Number(values.records)

function entry(index: number): AuditEntry {
  return {
    time: new Date().toISOString(),
    principal: 'bench',
    clientAddress: '127.0.0.1',
    action: 'schema.read',
    resource: 'subject:bench.event-value',
    result: 'allowed',
    reason: 'allowed: schema.read on subject:bench.event-value: bench is admin',
    requestId: `req-${index}`,
    change: { status: 200 },
  }
}

async function time(mode: string, backend: string, write: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint()
  await write()
  const micros = Number(process.hrtime.bigint() - started) / 1000
  report({
    bench: 'audit-overhead',
    backend,
    mode,
    records: RECORDS,
    recordsPerSec: Math.round((RECORDS / micros) * 1e6),
    microsPerRecord: Math.round((micros / RECORDS) * 10) / 10,
    cpus: cpus().length,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
  })
}

const databaseUrl = process.env.WEIR_BENCH_DATABASE_URL
const backend = databaseUrl === undefined ? 'pglite' : 'postgres'
const catalog = await Catalog.open({
  database: databaseUrl === undefined ? { inMemory: true } : { databaseUrl },
})
try {
  const governance = catalog.governance
  await time('one-transaction-per-record', backend, async () => {
    for (let index = 0; index < RECORDS; index++) await governance.record(entry(index))
  })
  await time('batched-writer', backend, async () => {
    for (let index = 0; index < RECORDS; index++) governance.audit.enqueue(entry(index))
    await governance.audit.flush()
  })
  const verification = await governance.verifyAudit()
  if (!verification.ok) throw new Error(`the benchmark broke the chain: ${verification.reason}`)
} finally {
  await catalog.close()
}
