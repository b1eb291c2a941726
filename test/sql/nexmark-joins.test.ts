/**
 * Nexmark q7 and q8 as Flink's Nexmark suite writes them, over the datagen Nexmark tables, checked against
 * PostgreSQL running the same queries over the same generated rows, at every oracle parallelism; q8 (a join
 * on window bounds) also holds no state once its windows are over.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type JobResult, runJob } from '../../src/sql/job/index.ts'
import { freshPostgresDatabase } from '../harness/services.ts'
import { PARALLELISMS } from './oracle/job.ts'
import { loadNexmark, nexmarkTablesDdl } from './oracle/nexmark.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'
import { fileSinkDdl, type ResultRecord, readFileSink } from './oracle/sinks.ts'

const Q7 = `
  SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
  FROM bid B
  JOIN (
    SELECT MAX(price) AS maxprice, window_end AS dateTime
    FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
  ) B1
  ON B.price = B1.maxprice
  WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`

/** q7 in PostgreSQL: a 10-second tumbling window starts at the event time rounded down to 10 s. */
const Q7_ORACLE = `
  WITH b1 AS (
    SELECT max(price) AS maxprice, ms - ms % 10000 + 10000 AS window_end FROM bid GROUP BY ms - ms % 10000
  )
  SELECT b.auction, b.price, b.bidder, b.ms AS "dateTime", b.extra
  FROM bid b JOIN b1 ON b.price = b1.maxprice
  WHERE b.ms BETWEEN b1.window_end - 10000 AND b1.window_end`

const Q7_COLUMNS = 'auction BIGINT, price BIGINT, bidder BIGINT, dateTime TIMESTAMP(3), extra STRING'
const Q7_SHAPE: ResultShape = {
  auction: 'integer',
  price: 'integer',
  bidder: 'integer',
  dateTime: 'timestamp',
  extra: 'text',
}

const Q8 = `
  SELECT P.id, P.name, P.starttime
  FROM (
    SELECT id, name, window_start AS starttime, window_end AS endtime
    FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    GROUP BY id, name, window_start, window_end
  ) P
  JOIN (
    SELECT seller, window_start AS starttime, window_end AS endtime
    FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    GROUP BY seller, window_start, window_end
  ) A
  ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime`

/** q8 in PostgreSQL: windows of one size that start together also end together. */
const Q8_ORACLE = `
  SELECT p.id, p.name, p.starttime
  FROM (SELECT DISTINCT id, name, ms - ms % 10000 AS starttime FROM person) p
  JOIN (SELECT DISTINCT seller, ms - ms % 10000 AS starttime FROM auction) a
    ON p.id = a.seller AND p.starttime = a.starttime`

const Q8_COLUMNS = 'id BIGINT, name STRING, starttime TIMESTAMP(3)'
const Q8_SHAPE: ResultShape = { id: 'integer', name: 'text', starttime: 'timestamp' }

let directory: string
let db: pg.Client

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-nexmark-joins-'))
  db = new pg.Client({ connectionString: await freshPostgresDatabase('nexmark_joins') })
  await db.connect()
  await loadNexmark(db)
})

afterAll(async () => {
  await db?.end()
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
})

/** Runs `select` into JSON-lines files; the generator keeps event time in order, so no record is late. */
async function run(
  select: string,
  columns: string,
  parallelism: number,
): Promise<{ rows: ResultRecord[]; result: JobResult }> {
  const output = await mkdtemp(join(directory, 'result-'))
  const result = await runJob({
    script: `${nexmarkTablesDdl()}\n${fileSinkDdl('result', columns, output)}\nINSERT INTO result ${select};`,
    sets: { 'parallelism.default': String(parallelism) },
  })
  expect(result.lateRecords).toBe(0)
  expect(result.parallelism).toBe(parallelism)
  return { rows: await readFileSink(output), result }
}

function joinNode(result: JobResult) {
  const node = result.metrics.find((metrics) => metrics.name.endsWith('-join'))
  if (node === undefined)
    throw new Error(`no join node among ${result.metrics.map((m) => m.name).join(', ')}`)
  return node
}

describe.each(PARALLELISMS)('Nexmark joins against PostgreSQL, parallelism %i', (parallelism) => {
  it('q7: the highest bids of each 10-second window, joined back to the bids', async () => {
    const { rows, result } = await run(Q7, Q7_COLUMNS, parallelism)
    const postgres = (await db.query(Q7_ORACLE)).rows
    // At least one highest bid in each of the input's five windows.
    expect(postgres.length).toBeGreaterThanOrEqual(5)
    expectSameRows(rows, postgres, Q7_SHAPE)
    // A regular join keeps every bid.
    expect(joinNode(result).stateEntries).toBeGreaterThan(0)
  })

  it('q8: new sellers per window, whose join state ends with the windows', async () => {
    const { rows, result } = await run(Q8, Q8_COLUMNS, parallelism)
    const postgres = (await db.query(Q8_ORACLE)).rows
    expect(postgres.length).toBeGreaterThan(100)
    expectSameRows(rows, postgres, Q8_SHAPE)
    expect(joinNode(result).recordsOut).toBe(rows.length)
    expect(joinNode(result).stateEntries).toBe(0)
  })
})
