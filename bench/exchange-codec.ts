/**
 * What it costs to move a batch of rows between threads the two ways an exchange can: `postMessage` with
 * structured clone of the rows, or the rows encoded into one ArrayBuffer (src/engine/parallel/batch-codec.ts)
 * and transferred, then decoded. Both sides run in this process (a MessageChannel), so the CPU time counts
 * sending and receiving. Prints one JSON line per row shape and way: rows per CPU-second and ns per row.
 *   npx tsx bench/exchange-codec.ts [--rows N] [--batch N]
 */

import { parseArgs } from 'node:util'
import { MessageChannel } from 'node:worker_threads'
import { BatchEncoder, decodeBatch } from '../src/engine/parallel/batch-codec.ts'
import type { Row } from '../src/engine/rows.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '512' },
  },
})
const BATCH = Number(values.batch)
/** Whole batches only: the receiver waits for exactly this many rows. */
const ROWS = Math.max(1, Math.round(Number(values.rows) / BATCH)) * BATCH
/** Distinct rows cycled through, so neither way benefits from seeing one value over and over. */
const VARIANTS = 4096

const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const
const shapes: Record<string, (i: number) => Row> = {
  // A Nexmark bid as the queries exchange it: auction, bidder, price, channel, url, dateTime, extra.
  'nexmark-bid': (i) => [
    1000 + (i % 977),
    2000 + i,
    (i * 37) % 100_000,
    CHANNELS[i % 4],
    `https://www.nexmark.com/item.htm?query=1&channel_id=${i % 10_000}`,
    1_700_000_000_000 + i * 11,
    '',
  ],
  // A window aggregate's output: key, counts and the window bounds.
  numbers: (i) => [i % 977, i * 3, 1_700_000_000_000 + i * 10, 1_700_000_010_000 + i * 10, i / 7],
  'short-strings': (i) => [`user-${i % 997}`, `s${i}`, CHANNELS[i % 4], i],
  'long-strings': (i) => [`${'lorem ipsum dolor sit amet '.repeat(8)}${i}`, i],
  'non-ascii': (i) => [`Zürich-${i}`, `東京-${i % 100}`, i],
  nested: (i) => [i, [i, `n${i}`, null], [1, 2, 3], new Map([[`k${i % 10}`, i]]), true, null],
}

interface Measured {
  readonly cpuNanosPerRow: number
  readonly rowsPerCpuSec: number
}

/** Sends `ROWS` rows in batches of `BATCH` from one port to the other and waits until all are received. */
async function measure(makeRow: (i: number) => Row, encoded: boolean): Promise<Measured> {
  const rows = Array.from({ length: VARIANTS }, (_, i) => makeRow(i))
  const batches = ROWS / BATCH
  const { port1, port2 } = new MessageChannel()
  const encoder = new BatchEncoder()
  let received = 0
  const done = new Promise<void>((resolve) => {
    port2.on('message', (message: ArrayBuffer | Row[]) => {
      const batch = encoded ? decodeBatch(message as ArrayBuffer).rows : (message as Row[])
      received += batch.length
      if (received === ROWS) resolve()
    })
  })
  const cpuBefore = process.cpuUsage()
  for (let b = 0; b < batches; b++) {
    const slice: Row[] = []
    for (let i = 0; i < BATCH; i++) slice.push(rows[(b * BATCH + i) % VARIANTS]!)
    if (encoded) {
      for (const row of slice) encoder.add(row, undefined)
      const buffer = encoder.finish()
      port1.postMessage(buffer, [buffer])
    } else port1.postMessage(slice)
    // Let the receiver keep up, as the exchange's credits do, so queued messages do not pile up in memory.
    if (b % 8 === 7) await new Promise((resolve) => setImmediate(resolve))
  }
  await done
  const cpu = process.cpuUsage(cpuBefore)
  port1.close()
  const cpuMillis = (cpu.user + cpu.system) / 1000
  return { cpuNanosPerRow: Math.round((cpuMillis * 1e6) / ROWS), rowsPerCpuSec: rate(ROWS, cpuMillis) }
}

progress(`exchange-codec: ${ROWS} rows in batches of ${BATCH}`)
for (const [shape, makeRow] of Object.entries(shapes)) {
  await measure(makeRow, false)
  await measure(makeRow, true)
  const clone = await measure(makeRow, false)
  const codec = await measure(makeRow, true)
  report({ bench: 'exchange-codec', shape, way: 'structured-clone', ...clone })
  report({ bench: 'exchange-codec', shape, way: 'batch-codec', ...codec })
  progress(
    `${shape.padEnd(14)} clone ${clone.cpuNanosPerRow} ns/row, codec ${codec.cpuNanosPerRow} ns/row (${(clone.cpuNanosPerRow / codec.cpuNanosPerRow).toFixed(2)}x)`,
  )
}
