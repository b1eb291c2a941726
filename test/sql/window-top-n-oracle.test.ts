/**
 * Window Top-N (Flink's WindowRank): `ROW_NUMBER() OVER (PARTITION BY window_start, window_end, … ORDER BY …)`
 * over a window aggregate or straight over a window TVF ranks each window once it closes and emits inserts
 * only, so these jobs write to append-only JSON-lines files, which would reject an updating result. Every
 * ORDER BY ends in a unique column, so each window's ranks are one definite set; the files must hold exactly
 * PostgreSQL's rows.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

const MINUTE = 60_000

// 40k events over 200 s of event time give about four one-minute windows; Zipf-skewed products and
// categories make close counts that keep overtaking each other within a window.
const oracle = useClickstreamOracle('window-top-n-oracle', {
  rows: 40_000,
  seed: 61,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  products: 5_000,
})

describe.each(PARALLELISMS)('window Top-N against PostgreSQL, parallelism %i', (parallelism) => {
  it('the 3 most viewed categories per site in each 1-minute TUMBLE window aggregate', async () => {
    const shape: ResultShape = {
      window_start: 'timestamp',
      site: 'text',
      rn: 'integer',
      category: 'text',
      views: 'integer',
      viewers: 'integer',
    }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT window_start, site, rn, category, views, viewers FROM (
          SELECT *, ROW_NUMBER() OVER (
            PARTITION BY window_start, window_end, site ORDER BY views DESC, category ASC) AS rn
          FROM (
            SELECT window_start, window_end, site, category, COUNT(*) AS views,
              COUNT(DISTINCT user_id) AS viewers
            FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
            GROUP BY window_start, window_end, site, category))
        WHERE rn <= 3`,
      columns: `window_start TIMESTAMP(3), site STRING, rn BIGINT, category STRING, views BIGINT,
        viewers BIGINT`,
    })
    const postgres = await oracle.db.query(`
      SELECT window_start, site, rn, category, views, viewers FROM (
        SELECT *, row_number() OVER (PARTITION BY window_start, site ORDER BY views DESC, category) AS rn
        FROM (
          SELECT floor(ms / ${MINUTE}) * ${MINUTE} AS window_start, site, category, count(*) AS views,
            count(DISTINCT user_id) AS viewers
          FROM clicks GROUP BY 1, site, category) counts
      ) ranked
      WHERE rn <= 3`)
    expect(postgres.rows.length).toBeGreaterThan(30)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('ranks 2 to 4 of the most viewed products per category and window, without the rank column', async () => {
    const shape: ResultShape = {
      window_end: 'timestamp',
      category: 'text',
      product_id: 'integer',
      views: 'integer',
    }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT window_end, category, product_id, views FROM (
          SELECT *, ROW_NUMBER() OVER (
            PARTITION BY category, window_start, window_end ORDER BY views DESC, product_id DESC) AS rn
          FROM (
            SELECT window_start, window_end, category, product_id, COUNT(*) AS views
            FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
            GROUP BY window_start, window_end, category, product_id))
        WHERE rn > 1 AND rn <= 4`,
      columns: 'window_end TIMESTAMP(3), category STRING, product_id BIGINT, views BIGINT',
    })
    const postgres = await oracle.db.query(`
      SELECT window_end, category, product_id, views FROM (
        SELECT *, row_number() OVER (PARTITION BY window_end, category ORDER BY views DESC, product_id DESC) AS rn
        FROM (
          SELECT (floor(ms / ${MINUTE}) + 1) * ${MINUTE} AS window_end, category, product_id, count(*) AS views
          FROM clicks GROUP BY 1, category, product_id) counts
      ) ranked
      WHERE rn > 1 AND rn <= 4`)
    expect(postgres.rows.length).toBeGreaterThan(30)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('ranks 2 to 3 of the dearest events per site in each 2-minute HOP window, straight over the TVF', async () => {
    const shape: ResultShape = {
      window_start: 'timestamp',
      site: 'text',
      rn: 'integer',
      event_id: 'integer',
      price: 'money',
    }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT window_start, site, rn, event_id, price FROM (
          SELECT *, ROW_NUMBER() OVER (
            PARTITION BY window_start, window_end, site ORDER BY price DESC, event_id ASC) AS rn
          FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE))
          WHERE price IS NOT NULL)
        WHERE rn BETWEEN 2 AND 3`,
      columns: 'window_start TIMESTAMP(3), site STRING, rn BIGINT, event_id BIGINT, price DOUBLE',
    })
    const postgres = await oracle.db.query(`
      SELECT window_start, site, rn, event_id, price FROM (
        SELECT *, row_number() OVER (PARTITION BY window_start, site ORDER BY price DESC, event_id) AS rn
        FROM (
          SELECT (floor(ms / ${MINUTE}) - slide) * ${MINUTE} AS window_start, site, event_id, price
          FROM clicks, generate_series(0, 1) AS slide WHERE price IS NOT NULL) windowed
      ) ranked
      WHERE rn BETWEEN 2 AND 3`)
    expect(postgres.rows.length).toBeGreaterThan(10)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('window deduplication: the first event per site and platform in each 1-minute window', async () => {
    const shape: ResultShape = {
      window_start: 'timestamp',
      site: 'text',
      platform: 'text',
      event_id: 'integer',
      event_type: 'text',
    }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT window_start, site, platform, event_id, event_type FROM (
          SELECT *, ROW_NUMBER() OVER (
            PARTITION BY window_start, window_end, site, platform ORDER BY event_time ASC, event_id ASC) AS rn
          FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE)))
        WHERE rn <= 1`,
      columns: 'window_start TIMESTAMP(3), site STRING, platform STRING, event_id BIGINT, event_type STRING',
    })
    const postgres = await oracle.db.query(`
      SELECT window_start, site, platform, event_id, event_type FROM (
        SELECT floor(ms / ${MINUTE}) * ${MINUTE} AS window_start, site, platform, event_id, event_type,
          row_number() OVER (PARTITION BY floor(ms / ${MINUTE}), site, platform ORDER BY ms, event_id) AS rn
        FROM clicks) ranked
      WHERE rn <= 1`)
    expect(postgres.rows.length).toBeGreaterThan(10)
    expectSameRows(weir, postgres.rows, shape)
  })
})
