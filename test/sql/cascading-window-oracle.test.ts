/**
 * Cascading window operations (Flink's window property propagation): a window aggregation, window Top-N or
 * window join over the output of a window aggregation, window deduplication or window Top-N, grouped or
 * partitioned by the upstream window_start and window_end (also renamed), runs as a window operation that
 * emits inserts only, as Flink plans it. The jobs write to append-only JSON-lines files, which reject an
 * updating result, and the files must hold exactly PostgreSQL's rows.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles } from './oracle/job.ts'
import { expectSameRows } from './oracle/rows.ts'

const TEN_SECONDS = 10_000
const SLIDE = 2_000

// 20k events over 100 s of event time: ten 10-second windows, fifty HOP windows.
const oracle = useClickstreamOracle('cascading-window-oracle', {
  rows: 20_000,
  seed: 71,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  users: 2_000,
  products: 300,
})

/** Per (site, category) view counts in 10-second TUMBLE windows, with the window bounds renamed. */
const CATEGORY_COUNTS = `
  SELECT site, category, window_start AS starttime, window_end AS endtime, COUNT(*) AS views
  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end, site, category`
const PG_CATEGORY_COUNTS = `
  SELECT site, category, floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} AS starttime,
    floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} + ${TEN_SECONDS} AS endtime, count(*) AS views
  FROM clicks GROUP BY 1, 2, 3, 4`

/** Nexmark q5's shape: bids (here: clicks) per product in HOP windows of 10 s sliding by 2 s. */
const HOP_COUNTS = `
  SELECT product_id, COUNT(*) AS num, window_start AS starttime, window_end AS endtime
  FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
  GROUP BY product_id, window_start, window_end`
const PG_HOP_COUNTS = `
  SELECT product_id, count(*) AS num, starts.s AS starttime, starts.s + ${TEN_SECONDS} AS endtime
  FROM clicks, LATERAL generate_series(
    floor(ms / ${SLIDE})::bigint * ${SLIDE} - ${TEN_SECONDS - SLIDE}, floor(ms / ${SLIDE})::bigint * ${SLIDE}, ${SLIDE}
  ) AS starts(s)
  GROUP BY product_id, starts.s`

describe.each(PARALLELISMS)(
  'cascading window operations against PostgreSQL, parallelism %i',
  (parallelism) => {
    it('a window aggregation over a window aggregation, grouped by the renamed window bounds', async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT site, starttime, endtime, SUM(views) AS views, MAX(views) AS top, COUNT(*) AS categories
        FROM (${CATEGORY_COUNTS}) GROUP BY site, starttime, endtime`,
        columns: `site STRING, starttime TIMESTAMP(3), endtime TIMESTAMP(3), views BIGINT, top BIGINT,
        categories BIGINT`,
      })
      const postgres = await oracle.db.query(`
      SELECT site, starttime, endtime, sum(views) AS views, max(views) AS top, count(*) AS categories
      FROM (${PG_CATEGORY_COUNTS}) c GROUP BY site, starttime, endtime`)
      expect(postgres.rows.length).toBeGreaterThan(20)
      expectSameRows(weir, postgres.rows, {
        site: 'text',
        starttime: 'timestamp',
        endtime: 'timestamp',
        views: 'integer',
        top: 'integer',
        categories: 'integer',
      })
    })

    it("Nexmark q5's hot items: a window join of a HOP aggregate with the maximum over it", async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT AuctionBids.product_id, AuctionBids.num, AuctionBids.starttime
        FROM (${HOP_COUNTS}) AS AuctionBids
        JOIN (
          SELECT MAX(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
          FROM (${HOP_COUNTS}) AS CountBids
          GROUP BY CountBids.starttime, CountBids.endtime
        ) AS MaxBids
        ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
          AND AuctionBids.num >= MaxBids.maxn`,
        columns: 'product_id BIGINT, num BIGINT, starttime TIMESTAMP(3)',
      })
      const postgres = await oracle.db.query(`
      WITH counts AS (${PG_HOP_COUNTS})
      SELECT c.product_id, c.num, c.starttime FROM counts c
      JOIN (SELECT starttime, max(num) AS maxn FROM counts GROUP BY starttime) m
        ON c.starttime = m.starttime AND c.num >= m.maxn`)
      expect(postgres.rows.length).toBeGreaterThan(40)
      expectSameRows(weir, postgres.rows, { product_id: 'integer', num: 'integer', starttime: 'timestamp' })
    })

    it('a window aggregation over a window Top-1 (first click per user and window)', async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT window_start, site, COUNT(*) AS first_clicks, SUM(quantity) AS units FROM (
          SELECT * FROM (
            SELECT *, ROW_NUMBER() OVER (
              PARTITION BY window_start, window_end, user_id ORDER BY event_time ASC, event_id ASC) AS rn
            FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND)))
          WHERE rn = 1)
        GROUP BY window_start, window_end, site`,
        columns: 'window_start TIMESTAMP(3), site STRING, first_clicks BIGINT, units BIGINT',
      })
      const postgres = await oracle.db.query(`
      SELECT window_start, site, count(*) AS first_clicks, sum(quantity) AS units FROM (
        SELECT *, floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} AS window_start, row_number() OVER (
          PARTITION BY floor(ms / ${TEN_SECONDS}), user_id ORDER BY ms, event_id) AS rn
        FROM clicks) firsts
      WHERE rn = 1 GROUP BY window_start, site`)
      expect(postgres.rows.length).toBeGreaterThan(20)
      expectSameRows(weir, postgres.rows, {
        window_start: 'timestamp',
        site: 'text',
        first_clicks: 'integer',
        units: 'integer',
      })
    })

    it('a window Top-N over a cascaded window aggregation over a window Top-N', async () => {
      // The 3 most viewed categories per site and window; their views summed per site; the top 2 sites.
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT starttime, site, top_views, rn FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY starttime, endtime ORDER BY top_views DESC, site) AS rn
          FROM (
            SELECT site, starttime, endtime, SUM(views) AS top_views FROM (
              SELECT * FROM (
                SELECT *, ROW_NUMBER() OVER (
                  PARTITION BY starttime, endtime, site ORDER BY views DESC, category) AS crn
                FROM (${CATEGORY_COUNTS}))
              WHERE crn <= 3)
            GROUP BY site, starttime, endtime))
        WHERE rn <= 2`,
        columns: 'starttime TIMESTAMP(3), site STRING, top_views BIGINT, rn BIGINT',
      })
      const postgres = await oracle.db.query(`
      SELECT starttime, site, top_views, rn FROM (
        SELECT *, row_number() OVER (PARTITION BY starttime ORDER BY top_views DESC, site) AS rn FROM (
          SELECT site, starttime, sum(views) AS top_views FROM (
            SELECT *, row_number() OVER (PARTITION BY starttime, site ORDER BY views DESC, category) AS crn
            FROM (${PG_CATEGORY_COUNTS}) c) ranked
          WHERE crn <= 3 GROUP BY site, starttime) sums) ranked
      WHERE rn <= 2`)
      expect(postgres.rows.length).toBeGreaterThan(15)
      expectSameRows(weir, postgres.rows, {
        starttime: 'timestamp',
        site: 'text',
        top_views: 'integer',
        rn: 'integer',
      })
    })

    it('a 1-minute TUMBLE window TVF over the window_time of a 10-second window aggregation', async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT window_start, site, SUM(views) AS views, COUNT(*) AS parts
        FROM TABLE(TUMBLE(TABLE site_counts, DESCRIPTOR(window_time), INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end, site`,
        columns: 'window_start TIMESTAMP(3), site STRING, views BIGINT, parts BIGINT',
        views: `CREATE TEMPORARY VIEW site_counts AS
        SELECT site, window_time, COUNT(*) AS views
        FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND))
        GROUP BY window_start, window_end, window_time, site;`,
      })
      const postgres = await oracle.db.query(`
      SELECT floor(t / 60000)::bigint * 60000 AS window_start, site, sum(views) AS views, count(*) AS parts FROM (
        SELECT site, floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} + ${TEN_SECONDS} - 1 AS t,
          count(*) AS views
        FROM clicks GROUP BY 1, 2) c
      GROUP BY 1, site`)
      expect(postgres.rows.length).toBeGreaterThan(5)
      expectSameRows(weir, postgres.rows, {
        window_start: 'timestamp',
        site: 'text',
        views: 'integer',
        parts: 'integer',
      })
    })
  },
)
