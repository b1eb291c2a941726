/**
 * Flink's legacy group windows (`GROUP BY TUMBLE(ts, …)` with TUMBLE_START/TUMBLE_END/TUMBLE_ROWTIME, and the
 * HOP and SESSION forms) and comma joins (`FROM a, b WHERE a.k = b.k`) plan as Flink plans them: as insert-only
 * window aggregates and an inner equi-join. The jobs write to append-only JSON-lines files, which reject an
 * updating result, and the files must hold exactly PostgreSQL's rows.
 */
import { describe, expect, it } from 'vitest'
import { StaticTableResolver } from '../../src/sql/catalog/table-resolver.ts'
import { explain } from '../../src/sql/plan/explain.ts'
import { SqlSession } from '../../src/sql/session.ts'
import { clicksTableDdl } from './oracle/clickstream.ts'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles } from './oracle/job.ts'
import { expectSameRows } from './oracle/rows.ts'

const MINUTE = 60_000
const TEN_SECONDS = 10_000
const SLIDE = 10_000
const GAP = 10_000

const oracle = useClickstreamOracle('legacy-window-oracle', {
  rows: 20_000,
  seed: 83,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  users: 3_000,
})

describe.each(PARALLELISMS)(
  'legacy group windows and comma joins against PostgreSQL, parallelism %i',
  (parallelism) => {
    it('GROUP BY TUMBLE(…) with TUMBLE_START, TUMBLE_END and TUMBLE_ROWTIME', async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT site, TUMBLE_START(event_time, INTERVAL '10' SECOND) AS ws,
          TUMBLE_END(event_time, INTERVAL '10' SECOND) AS we, TUMBLE_ROWTIME(event_time, INTERVAL '10' SECOND) AS wt,
          COUNT(*) AS pv, COUNT(DISTINCT user_id) AS uv
        FROM clicks WHERE platform <> 'pc'
        GROUP BY TUMBLE(event_time, INTERVAL '10' SECOND), site
        HAVING COUNT(*) > 10`,
        columns: 'site STRING, ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3), pv BIGINT, uv BIGINT',
      })
      const postgres = await oracle.db.query(`
      SELECT site, floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} AS ws, floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} + ${TEN_SECONDS} AS we,
        floor(ms / ${TEN_SECONDS})::bigint * ${TEN_SECONDS} + ${TEN_SECONDS} - 1 AS wt, count(*) AS pv, count(DISTINCT user_id) AS uv
      FROM clicks WHERE platform <> 'pc' GROUP BY site, 2 HAVING count(*) > 10`)
      expect(postgres.rows.length).toBeGreaterThan(5)
      expectSameRows(weir, postgres.rows, {
        site: 'text',
        ws: 'timestamp',
        we: 'timestamp',
        wt: 'timestamp',
        pv: 'integer',
        uv: 'integer',
      })
    })

    it('GROUP BY HOP(ts, slide, size) with HOP_START and HOP_END, over an aliased table', async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT HOP_START(c.event_time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE) AS ws,
          HOP_END(c.event_time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE) AS we, c.platform, SUM(c.quantity) AS units
        FROM clicks AS c
        GROUP BY c.platform, HOP(c.event_time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE)`,
        columns: 'ws TIMESTAMP(3), we TIMESTAMP(3), platform STRING, units INT',
      })
      const postgres = await oracle.db.query(`
      SELECT starts.s AS ws, starts.s + ${MINUTE} AS we, platform, sum(quantity) AS units
      FROM clicks, LATERAL generate_series(
        floor(ms / ${SLIDE})::bigint * ${SLIDE} - ${MINUTE - SLIDE}, floor(ms / ${SLIDE})::bigint * ${SLIDE}, ${SLIDE}
      ) AS starts(s)
      GROUP BY starts.s, platform`)
      expect(postgres.rows.length).toBeGreaterThan(20)
      expectSameRows(weir, postgres.rows, {
        ws: 'timestamp',
        we: 'timestamp',
        platform: 'text',
        units: 'integer',
      })
    })

    it('GROUP BY SESSION(ts, gap), user_id with SESSION_START and SESSION_END', async () => {
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT user_id, SESSION_START(event_time, INTERVAL '10' SECOND) AS ws,
          SESSION_END(event_time, INTERVAL '10' SECOND) AS we, COUNT(*) AS events
        FROM clicks GROUP BY SESSION(event_time, INTERVAL '10' SECOND), user_id`,
        columns: 'user_id BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), events BIGINT',
      })
      const postgres = await oracle.db.query(`
      WITH flagged AS (
        SELECT c.*, CASE WHEN ms - lag(ms) OVER (PARTITION BY user_id ORDER BY ms, event_id) < ${GAP}
          THEN 0 ELSE 1 END AS opens
        FROM clicks c),
      sessions AS (SELECT f.*, sum(opens) OVER (PARTITION BY user_id ORDER BY ms, event_id) AS session FROM flagged f)
      SELECT user_id, min(ms) AS ws, max(ms) + ${GAP} AS we, count(*) AS events FROM sessions GROUP BY user_id, session`)
      expect(postgres.rows.length).toBeGreaterThan(1_000)
      expectSameRows(weir, postgres.rows, {
        user_id: 'integer',
        ws: 'timestamp',
        we: 'timestamp',
        events: 'integer',
      })
    })

    it('a comma join with its equality in WHERE is an inner equi-join', async () => {
      // Each order joined with the carts of the same session: an append-only result, as Flink plans it.
      const weir = await queryIntoFiles({
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT o.event_id AS order_id, c.event_id AS cart_id, o.session_id
        FROM clicks o, clicks c
        WHERE o.session_id = c.session_id AND o.event_type = 'order' AND c.event_type = 'cart'
          AND c.product_id = o.product_id`,
        columns: 'order_id BIGINT, cart_id BIGINT, session_id BIGINT',
      })
      const postgres = await oracle.db.query(`
      SELECT o.event_id AS order_id, c.event_id AS cart_id, o.session_id FROM clicks o, clicks c
      WHERE o.session_id = c.session_id AND o.event_type = 'order' AND c.event_type = 'cart'
        AND c.product_id = o.product_id`)
      expect(postgres.rows.length).toBeGreaterThan(50)
      // Not a cross join filtered afterwards, which keeps every row of both sides under one key.
      const [, planned] = await new SqlSession({ resolver: new StaticTableResolver({}) }).planScript(
        `${clicksTableDdl(oracle.clicks)} SELECT o.event_id FROM clicks o, clicks c
        WHERE o.session_id = c.session_id AND c.product_id = o.product_id`,
      )
      expect(planned?.kind === 'query' && explain(planned.plan, { schema: false })).toContain(
        'Join(joinType=[INNER], keys=[session_id = session_id0, product_id = product_id0]',
      )
      expectSameRows(weir, postgres.rows, { order_id: 'integer', cart_id: 'integer', session_id: 'integer' })
    })
  },
)
