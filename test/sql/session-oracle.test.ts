/**
 * SESSION window aggregation keyed by PARTITION BY on the embedded engine, checked row for row against
 * PostgreSQL computing the sessions with window functions: an event opens a new session when it comes a gap
 * or more after the key's previous event, and a session ends one gap after its last event (Flink's bounds).
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoFiles } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

const GAP_SECONDS = 10

// 3 000 Zipf-skewed users share 200 events per second, up to 5 s out of order: heavy users stay in long
// sessions, light ones open many short ones, and reordering makes late events bridge or extend sessions.
const oracle = useClickstreamOracle('session-oracle', {
  rows: 40_000,
  seed: 23,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  users: 3_000,
})

/**
 * Each event with its session number per `keys`: a running count of the key's events that follow their
 * predecessor by the gap or more. Both windows order ties alike, so the event that opens a key's first
 * session is also the first one counted.
 */
function pgSessions(keys: string, events = 'clicks'): string {
  return `
    WITH flagged AS (
      SELECT c.*, CASE WHEN ms - lag(ms) OVER (PARTITION BY ${keys} ORDER BY ms, event_id) < ${GAP_SECONDS * 1000}
        THEN 0 ELSE 1 END AS opens
      FROM ${events} c)
    SELECT f.*, sum(opens) OVER (PARTITION BY ${keys} ORDER BY ms, event_id) AS session
    FROM flagged f`
}

describe.each(PARALLELISMS)('SESSION windows against PostgreSQL, parallelism %i', (parallelism) => {
  it('sessions per user: counts, distinct products, FILTER sums, bounds', async () => {
    const shape: ResultShape = {
      user_id: 'integer',
      window_start: 'timestamp',
      window_end: 'timestamp',
      events: 'integer',
      products: 'integer',
      carts: 'integer',
      spent: 'money',
    }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT user_id, window_start, window_end, COUNT(*) AS events, COUNT(DISTINCT product_id) AS products,
          COUNT(*) FILTER (WHERE event_type = 'cart') AS carts, SUM(price) FILTER (WHERE event_type = 'order') AS spent
        FROM TABLE(SESSION(TABLE clicks PARTITION BY user_id, DESCRIPTOR(event_time), INTERVAL '${GAP_SECONDS}' SECOND))
        GROUP BY user_id, window_start, window_end`,
      columns: `user_id BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), events BIGINT,
        products BIGINT, carts BIGINT, spent DOUBLE`,
    })
    const postgres = await oracle.db.query(`
      WITH sessions AS (${pgSessions('user_id')})
      SELECT user_id, min(ms) AS window_start, max(ms) + ${GAP_SECONDS * 1000} AS window_end, count(*) AS events,
        count(DISTINCT product_id) AS products, count(*) FILTER (WHERE event_type = 'cart') AS carts,
        sum(price) FILTER (WHERE event_type = 'order') AS spent
      FROM sessions GROUP BY user_id, session`)
    expect(postgres.rows.length).toBeGreaterThan(5_000)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('sessions per (user, platform) over a filtered stream', async () => {
    const shape: ResultShape = {
      user_id: 'integer',
      platform: 'text',
      window_start: 'timestamp',
      window_end: 'timestamp',
      views: 'integer',
      last_view: 'timestamp',
    }
    const weir = await queryIntoFiles({
      clicks: oracle.clicks,
      parallelism,
      select: `SELECT user_id, platform, window_start, window_end, COUNT(*) AS views, MAX(event_time) AS last_view
        FROM TABLE(SESSION(TABLE clicks PARTITION BY (user_id, platform), DESCRIPTOR(event_time),
          INTERVAL '${GAP_SECONDS}' SECOND))
        WHERE event_type = 'pageview'
        GROUP BY user_id, platform, window_start, window_end`,
      columns: `user_id BIGINT, platform STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), views BIGINT,
        last_view TIMESTAMP(3)`,
    })
    const postgres = await oracle.db.query(`
      WITH sessions AS (${pgSessions('user_id, platform', "(SELECT * FROM clicks WHERE event_type = 'pageview')")})
      SELECT user_id, platform, min(ms) AS window_start, max(ms) + ${GAP_SECONDS * 1000} AS window_end,
        count(*) AS views, max(ms) AS last_view
      FROM sessions GROUP BY user_id, platform, session`)
    expect(postgres.rows.length).toBeGreaterThan(5_000)
    expectSameRows(weir, postgres.rows, shape)
  })
})
