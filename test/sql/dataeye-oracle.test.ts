/**
 * The Dataeye metrics (PV, exact UV, buyers, GMV over GROUPING SETS) planned by Weir's SQL planner and run on
 * the embedded engine, checked row for row against PostgreSQL computing the same from the same file.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

const MINUTE = 60_000

const METRICS = `
  site, platform, category, window_start,
  COUNT(*) AS pv, COUNT(DISTINCT user_id) AS uv,
  COUNT(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  SUM(price) FILTER (WHERE event_type = 'order') AS gmv`
const PG_METRICS = `
  count(*) AS pv, count(DISTINCT user_id) AS uv,
  count(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  sum(price) FILTER (WHERE event_type = 'order') AS gmv`
const SINK_COLUMNS = `
  site STRING, platform STRING, category STRING, window_start TIMESTAMP(3),
  pv BIGINT, uv BIGINT, buyers BIGINT, gmv DOUBLE`
const SHAPE: ResultShape = {
  site: 'text',
  platform: 'text',
  category: 'text',
  window_start: 'timestamp',
  pv: 'integer',
  uv: 'integer',
  buyers: 'integer',
  gmv: 'money',
}

const SETS = 'GROUPING SETS ((site), (site, platform), (site, category), ())'

// 200 events per second of event time: 50k rows span about four minutes, so windows fire in turn.
const oracle = useClickstreamOracle('dataeye-oracle', {
  rows: 50_000,
  seed: 7,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
})

describe.each(PARALLELISMS)('Dataeye metrics against PostgreSQL, parallelism %i', (parallelism) => {
  it('TUMBLE 1 minute with GROUPING SETS', async () => {
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT ${METRICS} FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end, ${SETS}`,
      columns: SINK_COLUMNS,
    })
    const postgres = await oracle.db.query(`
      SELECT site, platform, category, floor(ms / ${MINUTE}) * ${MINUTE} AS window_start, ${PG_METRICS}
      FROM clicks GROUP BY floor(ms / ${MINUTE}), ${SETS}`)
    expect(weir.length).toBeGreaterThan(100)
    expectSameRows(weir, postgres.rows, SHAPE)
  })

  it('CUMULATE 1 minute steps over 10 minutes with GROUPING SETS', async () => {
    const shape: ResultShape = { ...SHAPE, window_end: 'timestamp' }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT ${METRICS}, window_end
        FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '10' MINUTE))
        GROUP BY window_start, window_end, ${SETS}`,
      columns: `${SINK_COLUMNS}, window_end TIMESTAMP(3)`,
    })
    // Each row counts in every cumulative window of its 10-minute period that ends after it.
    const postgres = await oracle.db.query(`
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
    expectSameRows(weir, postgres.rows, shape)
  })
})
