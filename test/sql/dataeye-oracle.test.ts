/**
 * The Dataeye metrics (PV, exact UV, buyers, GMV over GROUPING SETS) planned by Weir's SQL planner and run on
 * the embedded engine, checked row for row against PostgreSQL computing the same from the same CSV file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatagenSource, writeRowsToFile } from '../../src/connectors/datagen/index.ts'
import { parseCsvLine } from '../../src/connectors/engine/csv.ts'
import { CollectSink, type Row } from '../../src/engine/index.ts'
import { createRuntimeEnv, type LogicalPlan, SqlSession, StaticTableResolver } from '../../src/sql/index.ts'
import { planPipeline } from '../../src/sql/physical/index.ts'
import { freshPostgresDatabase } from '../harness/services.ts'

const ROWS = 50_000
const MINUTE = 60_000
/** 200 events per second of event time: 50k rows span about four minutes, so windows fire in turn. */
const DATAGEN = {
  generator: 'clickstream',
  seed: '7',
  'rows-per-second': '200',
  'max-out-of-orderness': '5 s',
}

const COLUMNS = `
  event_id BIGINT, event_type STRING, user_id BIGINT, session_id BIGINT, site STRING, platform STRING,
  channel STRING, category_id INT, category STRING, product_id BIGINT, activity STRING, audience STRING,
  url STRING, price DOUBLE, quantity INT, event_time TIMESTAMP(3), ingest_time TIMESTAMP(3)`

const METRICS = `
  site, platform, category, window_start,
  COUNT(*) AS pv, COUNT(DISTINCT user_id) AS uv,
  COUNT(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  SUM(price) FILTER (WHERE event_type = 'order') AS gmv`
const SINK_COLUMNS = `
  site STRING, platform STRING, category STRING, window_start TIMESTAMP(3),
  pv BIGINT, uv BIGINT, buyers BIGINT, gmv DOUBLE`

const SETS = 'GROUPING SETS ((site), (site, platform), (site, category), ())'

let directory: string
let csvPath: string
let db: pg.Client

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-dataeye-'))
  csvPath = join(directory, 'clicks.csv')
  const { generator } = createDatagenSource({ connector: 'datagen', ...DATAGEN })
  expect(await writeRowsToFile(csvPath, generator, { format: 'csv', rows: ROWS })).toBe(ROWS)
  db = new pg.Client({ connectionString: await freshPostgresDatabase('dataeye') })
  await db.connect()
  await loadClicks(db, csvPath)
})

afterAll(async () => {
  await db?.end()
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
})

describe('Dataeye metrics against PostgreSQL', () => {
  it('TUMBLE 1 minute with GROUPING SETS', async () => {
    const weir = await runWeir(
      `SELECT ${METRICS} FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
       GROUP BY window_start, window_end, ${SETS}`,
      SINK_COLUMNS,
    )
    const postgres = await db.query<PostgresRow>(`
      SELECT site, platform, category, floor(ms / ${MINUTE}) * ${MINUTE} AS window_start, ${PG_METRICS}
      FROM clicks GROUP BY floor(ms / ${MINUTE}), ${SETS}`)
    expect(weir.length).toBeGreaterThan(100)
    expect(weir).toEqual(normalize(postgres.rows))
  })

  it('CUMULATE 1 minute steps over 10 minutes with GROUPING SETS', async () => {
    const weir = await runWeir(
      `SELECT ${METRICS}, window_end
       FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '10' MINUTE))
       GROUP BY window_start, window_end, ${SETS}`,
      `${SINK_COLUMNS}, window_end TIMESTAMP(3)`,
    )
    // Each row counts in every cumulative window of its 10-minute period that ends after it.
    const postgres = await db.query<PostgresRow>(`
      WITH windows AS (
        SELECT c.*, floor(ms / ${10 * MINUTE}) * ${10 * MINUTE} AS window_start, ends.window_end
        FROM clicks c,
          LATERAL generate_series(
            floor(ms / ${MINUTE})::bigint * ${MINUTE} + ${MINUTE},
            floor(ms / ${10 * MINUTE})::bigint * ${10 * MINUTE} + ${10 * MINUTE},
            ${MINUTE}) AS ends(window_end))
      SELECT site, platform, category, window_start, ${PG_METRICS}, window_end
      FROM windows GROUP BY window_start, window_end, ${SETS}`)
    expect(weir.length).toBeGreaterThan(100)
    expect(weir).toEqual(normalize(postgres.rows))
  })
})

const PG_METRICS = `
  count(*) AS pv, count(DISTINCT user_id) AS uv,
  count(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  sum(price) FILTER (WHERE event_type = 'order') AS gmv`

interface PostgresRow {
  site: string | null
  platform: string | null
  category: string | null
  window_start: string
  pv: string
  uv: string
  buyers: string
  gmv: number | null
  window_end?: string
}

/**
 * Runs `SELECT …` as `INSERT INTO metrics` over a filesystem table on the CSV, collecting the sink's rows
 * (sorted, GMV to the cent).
 */
async function runWeir(select: string, sinkColumns: string): Promise<unknown[][]> {
  const session = new SqlSession({ resolver: new StaticTableResolver({}) })
  const statements = await session.planScript(`
    CREATE TEMPORARY TABLE clicks (${COLUMNS},
      WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
    ) WITH ('connector' = 'filesystem', 'path' = '${csvPath}', 'format' = 'csv');
    CREATE TEMPORARY TABLE metrics (${sinkColumns}) WITH ('connector' = 'blackhole');
    INSERT INTO metrics ${select};`)
  const plans = statements.flatMap((s): LogicalPlan[] => (s.kind === 'insert' ? [s.plan] : []))
  const collect = new CollectSink()
  const { pipeline } = await planPipeline(plans, { env: createRuntimeEnv(), sinkFor: () => collect })
  const result = await pipeline.run()
  expect(result.metrics.reduce((late, node) => late + node.lateRecords, 0)).toBe(0)
  return sortRows(collect.rows.map((row: Row) => row.map((value, i) => (i === 7 ? cents(value) : value))))
}

function normalize(rows: readonly PostgresRow[]): unknown[][] {
  return sortRows(
    rows.map((row) => [
      row.site,
      row.platform,
      row.category,
      Number(row.window_start),
      Number(row.pv),
      Number(row.uv),
      Number(row.buyers),
      cents(row.gmv),
      ...(row.window_end === undefined ? [] : [Number(row.window_end)]),
    ]),
  )
}

/** Float sums depend on the order of addition; prices are in cents, so sums agree to the cent. */
function cents(value: unknown): number | null {
  return typeof value === 'number' ? Math.round(value * 100) / 100 : null
}

function sortRows(rows: unknown[][]): unknown[][] {
  const key = (row: readonly unknown[]): string => JSON.stringify(row)
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/** Loads the CSV's columns the metrics read, event time as epoch milliseconds (UTC, as the file is written). */
async function loadClicks(client: pg.Client, path: string): Promise<void> {
  await client.query(
    'CREATE TABLE clicks (event_type text, user_id bigint, site text, platform text, category text, price float8, ms bigint)',
  )
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '')
  const BATCH = 5000
  for (let start = 0; start < lines.length; start += BATCH) {
    const fields = lines.slice(start, start + BATCH).map((line) => parseCsvLine(line, ','))
    const column = (i: number): (string | null)[] => fields.map((row) => (row[i] === '' ? null : row[i]!))
    await client.query(
      `INSERT INTO clicks SELECT e, u, s, p, c, pr, (extract(epoch FROM t::timestamp) * 1000)::bigint
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[])
         AS x(e, u, s, p, c, pr, t)`,
      [column(1), column(2), column(4), column(5), column(8), column(13), column(15)],
    )
  }
}
