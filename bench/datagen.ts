/**
 * Generates ROWS (default 3M) rows in batches with each datagen generator and prints one JSON line per
 * generator: rows per second of wall time, and per second of this process's CPU time (steadier on a busy
 * machine, though it also counts GC helper threads).
 *   npx tsx bench/datagen.ts [--rows N] [--batch-size N] [--only clickstream|nexmark|nexmark.bid|dim_user|…]
 */
import { parseArgs } from 'node:util'
import { createDatagenSource } from '../src/connectors/datagen/index.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '3000000' },
    'batch-size': { type: 'string', default: '4096' },
    only: { type: 'string' },
  },
})
const ROWS = Number(values.rows)
const BATCH = Number(values['batch-size'])
const WARM_UP_ROWS = 300_000

const CASES: Readonly<Record<string, Record<string, string>>> = {
  clickstream: { generator: 'clickstream' },
  'clickstream.daily': { generator: 'clickstream', 'event-time.curve': 'daily' },
  'clickstream.out-of-order': {
    generator: 'clickstream',
    'max-out-of-orderness': '5 s',
    'out-of-orderness.distribution': 'exponential',
  },
  nexmark: { generator: 'nexmark' },
  'nexmark.bid': { generator: 'nexmark', 'nexmark.table': 'bid' },
  'nexmark.auction': { generator: 'nexmark', 'nexmark.table': 'auction' },
  'nexmark.person': { generator: 'nexmark', 'nexmark.table': 'person' },
  dim_user: { generator: 'dim_user', users: String(ROWS + WARM_UP_ROWS) },
  dim_product: { generator: 'dim_product', products: String(ROWS + WARM_UP_ROWS) },
}

function drain(generate: (n: number) => unknown[][], rows: number): number {
  let produced = 0
  while (produced < rows) produced += generate(Math.min(BATCH, rows - produced)).length
  return produced
}

for (const [name, options] of Object.entries(CASES)) {
  if (values.only !== undefined && values.only !== name) continue
  const setupStart = performance.now()
  const { generator } = createDatagenSource({ connector: 'datagen', ...options })
  const setupMs = performance.now() - setupStart
  const generate = (n: number) => generator.nextBatch(n)
  drain(generate, WARM_UP_ROWS)
  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  const rows = drain(generate, ROWS)
  const wallMs = performance.now() - wallStart
  const cpu = process.cpuUsage(cpuStart)
  report({
    bench: 'datagen',
    generator: name,
    rows,
    batchSize: BATCH,
    setupMs: Math.round(setupMs),
    seconds: Number((wallMs / 1000).toFixed(2)),
    rowsPerSec: rate(rows, wallMs),
    rowsPerCpuSec: rate(rows, (cpu.user + cpu.system) / 1000),
  })
}
progress('datagen bench done')
