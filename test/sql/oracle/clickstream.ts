import { readFile } from 'node:fs/promises'
import type pg from 'pg'
import { createDatagenSource, writeRowsToFile } from '../../../src/connectors/datagen/index.ts'

/**
 * The clickstream the oracle tests feed to both sides: a seeded datagen stream written once to a JSON-lines
 * file, read by Weir through a `filesystem` table and loaded into PostgreSQL as the oracle's `clicks` table.
 */

export interface ClickstreamFile {
  readonly path: string
  readonly rows: number
  readonly seed: number
  /** Event time advances this fast, so the file spans rows / rowsPerSecond seconds. */
  readonly rowsPerSecond: number
  /** Events lag the stream's progress by up to this many seconds; the table's watermark allows for it. */
  readonly outOfOrdernessSeconds: number
  /** Fewer users give each one more events: sessions, repeated orders and Top-N ties. */
  readonly users?: number
  readonly products?: number
}

/** The clickstream's columns as Flink DDL. */
const CLICK_COLUMNS = `
  event_id BIGINT, event_type STRING, user_id BIGINT, session_id BIGINT, site STRING, platform STRING,
  channel STRING, category_id INT, category STRING, product_id BIGINT, activity STRING, audience STRING,
  url STRING, price DOUBLE, quantity INT, event_time TIMESTAMP(3), ingest_time TIMESTAMP(3)`

export async function writeClickstream(file: ClickstreamFile): Promise<void> {
  const { generator } = createDatagenSource({
    connector: 'datagen',
    generator: 'clickstream',
    seed: String(file.seed),
    'rows-per-second': String(file.rowsPerSecond),
    'max-out-of-orderness': `${file.outOfOrdernessSeconds} s`,
    ...(file.users === undefined ? {} : { users: String(file.users) }),
    ...(file.products === undefined ? {} : { products: String(file.products) }),
  })
  const written = await writeRowsToFile(file.path, generator, { format: 'json', rows: file.rows })
  if (written !== file.rows) throw new Error(`the clickstream generator ended after ${written} rows`)
}

/**
 * `CREATE TEMPORARY TABLE <name>` over the file, with a watermark exactly as late as the file's worst
 * straggler: every event is out of order within the delay, none is late.
 */
export function clicksTableDdl(file: ClickstreamFile, name = 'clicks'): string {
  return `CREATE TEMPORARY TABLE ${name} (${CLICK_COLUMNS},
      WATERMARK FOR event_time AS event_time - INTERVAL '${file.outOfOrdernessSeconds}' SECOND
    ) WITH ('connector' = 'filesystem', 'path' = '${file.path}', 'format' = 'json');`
}

/**
 * Loads the file into PostgreSQL as `clicks`, with the same column names and event time also as epoch
 * milliseconds `ms` (the file's timestamps are UTC), which the oracle queries do window arithmetic on.
 */
export async function loadClicks(client: pg.Client, file: ClickstreamFile): Promise<void> {
  await client.query(`CREATE TABLE clicks (
    event_id bigint, event_type text, user_id bigint, session_id bigint, site text, platform text, channel text,
    category_id int, category text, product_id bigint, price float8, quantity int, ms bigint)`)
  const lines = (await readFile(file.path, 'utf8')).split('\n').filter((line) => line !== '')
  const BATCH = 5000
  for (let start = 0; start < lines.length; start += BATCH) {
    await client.query(
      `INSERT INTO clicks
       SELECT (j->>'event_id')::bigint, j->>'event_type', (j->>'user_id')::bigint, (j->>'session_id')::bigint,
         j->>'site', j->>'platform', j->>'channel', (j->>'category_id')::int, j->>'category',
         (j->>'product_id')::bigint, (j->>'price')::float8, (j->>'quantity')::int,
         (extract(epoch FROM (j->>'event_time')::timestamp) * 1000)::bigint
       FROM unnest($1::jsonb[]) AS j`,
      [lines.slice(start, start + BATCH)],
    )
  }
  await client.query('ANALYZE clicks')
}
