/**
 * Nexmark q7 and q8 as Flink's Nexmark suite writes them, over the datagen Nexmark tables: they plan and run
 * through `runJob`, produce rows, and q8 (a join on window bounds) holds no state once its windows are over.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type JobResult, runJob } from '../../src/sql/job/index.ts'
import { fileSinkDdl, readFileSink } from './oracle/sinks.ts'

/** 200 000 events at the default 10 000 events per second of event time: twenty seconds, two or three windows. */
const nexmarkTable = (kind: string, columns: string): string => `
  CREATE TEMPORARY TABLE ${kind} (${columns},
    WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
  ) WITH ('connector' = 'datagen', 'generator' = 'nexmark', 'nexmark.table' = '${kind}',
    'seed' = '3', 'number-of-rows' = '200000');`

const TABLES = [
  nexmarkTable(
    'person',
    `id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING,
     dateTime TIMESTAMP(3), extra STRING`,
  ),
  nexmarkTable(
    'auction',
    `id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3),
     expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra STRING`,
  ),
  nexmarkTable(
    'bid',
    'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING',
  ),
].join('\n')

const Q7 = `
  INSERT INTO result
  SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
  FROM bid B
  JOIN (
    SELECT MAX(price) AS maxprice, window_end AS dateTime
    FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
  ) B1
  ON B.price = B1.maxprice
  WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime;`

const Q8 = `
  INSERT INTO result
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
  ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;`

let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-nexmark-joins-'))
})

afterAll(async () => {
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
})

async function run(query: string, columns: string): Promise<{ rows: number; result: JobResult }> {
  const output = await mkdtemp(join(directory, 'result-'))
  const result = await runJob({ script: `${TABLES}\n${fileSinkDdl('result', columns, output)}\n${query}` })
  expect(result.lateRecords).toBe(0)
  return { rows: (await readFileSink(output)).length, result }
}

function joinNode(result: JobResult) {
  const node = result.metrics.find((metrics) => metrics.name.endsWith('-join'))
  if (node === undefined)
    throw new Error(`no join node among ${result.metrics.map((m) => m.name).join(', ')}`)
  return node
}

describe('Nexmark joins', () => {
  it('q7: the highest bids of each 10-second window, joined back to the bids', async () => {
    const { rows, result } = await run(
      Q7,
      'auction BIGINT, price BIGINT, bidder BIGINT, dateTime TIMESTAMP(3), extra STRING',
    )
    // At least one highest bid per window; a regular join keeps every bid.
    expect(rows).toBeGreaterThanOrEqual(2)
    expect(joinNode(result).stateEntries).toBeGreaterThan(0)
  })

  it('q8: new sellers per window, whose join state ends with the windows', async () => {
    const { rows, result } = await run(Q8, 'id BIGINT, name STRING, starttime TIMESTAMP(3)')
    expect(rows).toBeGreaterThan(0)
    expect(joinNode(result).recordsOut).toBe(rows)
    expect(joinNode(result).stateEntries).toBe(0)
  })
})
