/**
 * HOP window aggregation (plain, distinct and FILTER aggregates) on the embedded engine, checked row for row
 * against PostgreSQL assigning every event to each sliding window that contains it.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

const SLIDE = 10_000
const SIZE = 60_000

const SHAPE: ResultShape = {
  site: 'text',
  platform: 'text',
  window_start: 'timestamp',
  window_end: 'timestamp',
  pv: 'integer',
  uv: 'integer',
  buyers: 'integer',
  ordered_products: 'integer',
  units: 'integer',
  gmv: 'money',
  top_price: 'money',
}
const COLUMNS = `
  site STRING, platform STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), pv BIGINT, uv BIGINT,
  buyers BIGINT, ordered_products BIGINT, units INT, gmv DOUBLE, top_price DOUBLE`
const AGGREGATES = `
  COUNT(*) AS pv, COUNT(DISTINCT user_id) AS uv,
  COUNT(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  COUNT(DISTINCT product_id) FILTER (WHERE event_type = 'order' AND quantity > 1) AS ordered_products,
  SUM(quantity) FILTER (WHERE event_type = 'order') AS units,
  SUM(price) FILTER (WHERE event_type = 'order') AS gmv,
  MAX(price) FILTER (WHERE event_type IN ('cart', 'order')) AS top_price`

// 40k events over 200 s of event time, up to 5 s out of order: about 25 one-minute windows sliding by 10 s.
const oracle = useClickstreamOracle('hop-oracle', {
  rows: 40_000,
  seed: 11,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  users: 20_000,
})

/** Each event in every window [start, start + size) with start a multiple of the slide, as Flink assigns HOP. */
const PG_HOP_WINDOWS = `
  SELECT c.*, starts.window_start, starts.window_start + ${SIZE} AS window_end
  FROM clicks c, LATERAL generate_series(
    floor(ms / ${SLIDE})::bigint * ${SLIDE} - ${SIZE - SLIDE}, floor(ms / ${SLIDE})::bigint * ${SLIDE}, ${SLIDE}
  ) AS starts(window_start)`
const PG_AGGREGATES = `
  count(*) AS pv, count(DISTINCT user_id) AS uv,
  count(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  count(DISTINCT product_id) FILTER (WHERE event_type = 'order' AND quantity > 1) AS ordered_products,
  sum(quantity) FILTER (WHERE event_type = 'order') AS units,
  sum(price) FILTER (WHERE event_type = 'order') AS gmv,
  max(price) FILTER (WHERE event_type IN ('cart', 'order')) AS top_price`

describe.each(PARALLELISMS)('HOP windows against PostgreSQL, parallelism %i', (parallelism) => {
  it('HOP 1 minute sliding by 10 seconds, per site and platform', async () => {
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT site, platform, window_start, window_end, ${AGGREGATES}
        FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end, site, platform`,
      columns: COLUMNS,
    })
    const postgres = await oracle.db.query(`
      WITH windows AS (${PG_HOP_WINDOWS})
      SELECT site, platform, window_start, window_end, ${PG_AGGREGATES}
      FROM windows GROUP BY window_start, window_end, site, platform`)
    expect(weir.length).toBeGreaterThan(150)
    expectSameRows(weir, postgres.rows, SHAPE)
  })

  it('HOP over a filtered stream, one global group per window', async () => {
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT 'all' AS site, 'all' AS platform, window_start, window_end, ${AGGREGATES}
        FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
        WHERE platform <> 'pc'
        GROUP BY window_start, window_end`,
      columns: COLUMNS,
    })
    const postgres = await oracle.db.query(`
      WITH windows AS (${PG_HOP_WINDOWS})
      SELECT 'all' AS site, 'all' AS platform, window_start, window_end, ${PG_AGGREGATES}
      FROM windows WHERE platform <> 'pc' GROUP BY window_start, window_end`)
    expect(weir.length).toBeGreaterThan(20)
    expectSameRows(weir, postgres.rows, SHAPE)
  })
})
