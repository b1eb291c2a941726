/**
 * Local/global (two-phase) aggregation with mini-batch, as `table.optimizer.agg-phase-strategy` = TWO_PHASE
 * plans it: TUMBLE and HOP window aggregates and an unbounded GROUP BY, checked row for row against
 * PostgreSQL. At parallelism 2 the job must really run a local pre-aggregation before the exchange, so fewer
 * rows reach the global aggregate than the local one reads.
 */
import { describe, expect, it } from 'vitest'
import type { JobResult } from '../../src/sql/job/index.ts'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles, queryIntoUpsertTopic } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

const TWO_PHASE = {
  'table.exec.mini-batch.enabled': 'true',
  'table.exec.mini-batch.allow-latency': '100 ms',
  'table.exec.mini-batch.size': '500',
  'table.optimizer.agg-phase-strategy': 'TWO_PHASE',
}

const SHAPE: ResultShape = {
  site: 'text',
  platform: 'text',
  window_start: 'timestamp',
  window_end: 'timestamp',
  pv: 'integer',
  units: 'integer',
  gmv: 'money',
  low_price: 'money',
  top_price: 'money',
  average_price: 'real',
}
const COLUMNS = `
  site STRING, platform STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), pv BIGINT, units INT,
  gmv DOUBLE, low_price DOUBLE, top_price DOUBLE, average_price DOUBLE`
const AGGREGATES = `
  COUNT(*) AS pv, SUM(quantity) FILTER (WHERE event_type = 'order') AS units,
  SUM(price) FILTER (WHERE event_type = 'order') AS gmv, MIN(price) AS low_price, MAX(price) AS top_price,
  AVG(price) AS average_price`
const PG_AGGREGATES = `
  count(*) AS pv, sum(quantity) FILTER (WHERE event_type = 'order') AS units,
  sum(price) FILTER (WHERE event_type = 'order') AS gmv, min(price) AS low_price, max(price) AS top_price,
  avg(price) AS average_price`

// 30k events over 150 s of event time, up to 5 s out of order.
const oracle = useClickstreamOracle('two-phase-oracle', {
  rows: 30_000,
  seed: 23,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  users: 5_000,
})

/** At parallelism > 1, the local aggregate ran and shipped fewer rows across the exchange than it read. */
function expectPreAggregated(parallelism: number, local: string): (result: JobResult) => void {
  return (result) => {
    if (parallelism === 1) return
    const node = result.metrics.find((metrics) => metrics.name.endsWith(`-${local}`))
    expect(node, `no ${local} node in ${result.metrics.map((m) => m.name).join(', ')}`).toBeDefined()
    expect(node!.recordsOut).toBeLessThan(node!.recordsIn / 2)
  }
}

describe.each(PARALLELISMS)('two-phase aggregation against PostgreSQL, parallelism %i', (parallelism) => {
  it('TUMBLE 10 seconds per site and platform', async () => {
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      sets: TWO_PHASE,
      onResult: expectPreAggregated(parallelism, 'local-window-aggregate'),
      select: `SELECT site, platform, window_start, window_end, ${AGGREGATES}
        FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND))
        GROUP BY window_start, window_end, site, platform`,
      columns: COLUMNS,
    })
    const postgres = await oracle.db.query(`
      SELECT site, platform, floor(ms / 10000)::bigint * 10000 AS window_start,
        floor(ms / 10000)::bigint * 10000 + 10000 AS window_end, ${PG_AGGREGATES}
      FROM clicks GROUP BY 1, 2, 3, 4`)
    expect(weir.length).toBeGreaterThan(100)
    expectSameRows(weir, postgres.rows, SHAPE)
  })

  it('HOP 1 minute sliding by 10 seconds, per site', async () => {
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      sets: TWO_PHASE,
      onResult: expectPreAggregated(parallelism, 'local-window-aggregate'),
      select: `SELECT site, 'all' AS platform, window_start, window_end, ${AGGREGATES}
        FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end, site`,
      columns: COLUMNS,
    })
    const postgres = await oracle.db.query(`
      WITH windows AS (
        SELECT c.*, starts.window_start, starts.window_start + 60000 AS window_end
        FROM clicks c, LATERAL generate_series(
          floor(ms / 10000)::bigint * 10000 - 50000, floor(ms / 10000)::bigint * 10000, 10000) AS starts(window_start))
      SELECT site, 'all' AS platform, window_start, window_end, ${PG_AGGREGATES}
      FROM windows GROUP BY window_start, window_end, site`)
    expect(weir.length).toBeGreaterThan(20)
    expectSameRows(weir, postgres.rows, SHAPE)
  })

  it('unbounded GROUP BY site and platform', async () => {
    const { window_start: _start, window_end: _end, ...shape } = SHAPE
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        sets: TWO_PHASE,
        onResult: expectPreAggregated(parallelism, 'local-aggregate'),
        select: `SELECT site, platform, ${AGGREGATES} FROM clicks GROUP BY site, platform`,
        columns: `site STRING, platform STRING, pv BIGINT, units INT, gmv DOUBLE, low_price DOUBLE,
          top_price DOUBLE, average_price DOUBLE`,
      },
      ['site', 'platform'],
    )
    const postgres = await oracle.db.query(
      `SELECT site, platform, ${PG_AGGREGATES} FROM clicks GROUP BY site, platform`,
    )
    expect(weir.length).toBeGreaterThan(5)
    expectSameRows(weir, postgres.rows, shape)
  })
})
