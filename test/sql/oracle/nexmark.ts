import type pg from 'pg'
import { createDatagenSource } from '../../../src/connectors/datagen/index.ts'

/**
 * The Nexmark tables the Nexmark oracle tests feed to both sides: Weir reads them from the `datagen`
 * connector, as Flink's Nexmark suite does, and PostgreSQL holds the same rows, produced here by the same
 * generator with the same options (every row is a pure function of the options and its index).
 */

/**
 * The three tables' options. Event time advances 10 000 events a second: 500 000 events are 50 s, five of
 * the queries' 10-second windows.
 */
const NEXMARK_OPTIONS = { connector: 'datagen', generator: 'nexmark', seed: '3', 'number-of-rows': '500000' }

/** The generator emits events in event-time order; the watermark's delay is Flink Nexmark's. */
const WATERMARK_DELAY_SECONDS = 4

const COLUMNS = {
  person: `id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING,
    dateTime TIMESTAMP(3), extra STRING`,
  auction: `id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT,
    dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra STRING`,
  bid: 'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING',
} as const

type NexmarkTableName = keyof typeof COLUMNS

/** `CREATE TEMPORARY TABLE person|auction|bid` over the datagen connector, as Flink Nexmark declares them. */
export function nexmarkTablesDdl(): string {
  return (Object.keys(COLUMNS) as NexmarkTableName[])
    .map((table) => {
      const options = Object.entries({ ...NEXMARK_OPTIONS, 'nexmark.table': table })
        .map(([name, value]) => `'${name}' = '${value}'`)
        .join(', ')
      return `CREATE TEMPORARY TABLE ${table} (${COLUMNS[table]},
          WATERMARK FOR dateTime AS dateTime - INTERVAL '${WATERMARK_DELAY_SECONDS}' SECOND
        ) WITH (${options});`
    })
    .join('\n')
}

/**
 * Loads the columns the oracle queries read into PostgreSQL as `person`, `auction` and `bid`, with event time
 * as epoch milliseconds `ms`, which the oracle queries do window arithmetic on.
 */
export async function loadNexmark(client: pg.Client): Promise<void> {
  await client.query(`
    CREATE TABLE person (id bigint, name text, ms bigint);
    CREATE TABLE auction (id bigint, seller bigint, ms bigint);
    CREATE TABLE bid (auction bigint, bidder bigint, price bigint, ms bigint, extra text);`)
  await load(client, 'person', (row) => ({ id: row.id, name: row.name, ms: row.dateTime }))
  await load(client, 'auction', (row) => ({ id: row.id, seller: row.seller, ms: row.dateTime }))
  await load(client, 'bid', (row) => ({
    auction: row.auction,
    bidder: row.bidder,
    price: row.price,
    ms: row.dateTime,
    extra: row.extra,
  }))
}

async function load(
  client: pg.Client,
  table: NexmarkTableName,
  columns: (row: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  const { generator } = createDatagenSource({ ...NEXMARK_OPTIONS, 'nexmark.table': table })
  const BATCH = 10_000
  while (!generator.done) {
    const rows = generator.nextObjects(BATCH).map(columns)
    await client.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1)`, [
      JSON.stringify(rows),
    ])
  }
  await client.query(`ANALYZE ${table}`)
}
