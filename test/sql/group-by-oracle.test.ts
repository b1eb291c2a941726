/**
 * Unbounded GROUP BY over changelogs: aggregates fed by another aggregate receive retractions (-U/-D) and must take them back exactly. The final table, read back from an upsert-kafka topic
 * (last value per key, tombstones deleting), must equal PostgreSQL's answer over the whole input.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoUpsertTopic } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

// 2 000 Zipf-skewed users: per-user counts range from one to thousands, so users keep moving between
// buckets, and buckets empty out (deleted) as their last user moves on.
const oracle = useClickstreamOracle('group-by-oracle', {
  rows: 40_000,
  seed: 31,
  rowsPerSecond: 500,
  outOfOrdernessSeconds: 3,
  users: 2_000,
})

describe.each(PARALLELISMS)('GROUP BY with retractions against PostgreSQL, parallelism %i', (parallelism) => {
  it('users per number of events: COUNT, MIN, MAX, AVG, SUM over an updating per-user aggregate', async () => {
    const shape: ResultShape = {
      events: 'integer',
      users: 'integer',
      least_spent: 'money',
      most_spent: 'money',
      average_spent: 'real',
      total_spent: 'money',
      earliest_last_seen: 'timestamp',
      latest_last_seen: 'timestamp',
      first_top_category: 'text',
      last_top_category: 'text',
    }
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT events, COUNT(*) AS users, MIN(spent) AS least_spent, MAX(spent) AS most_spent,
            AVG(spent) AS average_spent, SUM(spent) AS total_spent,
            MIN(last_seen) AS earliest_last_seen, MAX(last_seen) AS latest_last_seen,
            MIN(top_category) AS first_top_category, MAX(top_category) AS last_top_category
          FROM (
            SELECT user_id, COUNT(*) AS events, SUM(price) AS spent, MAX(event_time) AS last_seen,
              MAX(category) AS top_category
            FROM clicks GROUP BY user_id)
          GROUP BY events`,
        columns: `events BIGINT, users BIGINT, least_spent DOUBLE, most_spent DOUBLE, average_spent DOUBLE,
          total_spent DOUBLE, earliest_last_seen TIMESTAMP(3), latest_last_seen TIMESTAMP(3),
          first_top_category STRING, last_top_category STRING`,
      },
      ['events'],
    )
    const postgres = await oracle.db.query(`
      SELECT events, count(*) AS users, min(spent) AS least_spent, max(spent) AS most_spent,
        avg(spent) AS average_spent, sum(spent) AS total_spent,
        min(last_seen) AS earliest_last_seen, max(last_seen) AS latest_last_seen,
        min(top_category) AS first_top_category, max(top_category) AS last_top_category
      FROM (
        SELECT user_id, count(*) AS events, sum(price) AS spent, max(ms) AS last_seen,
          max(category COLLATE "C") AS top_category
        FROM clicks GROUP BY user_id) u
      GROUP BY events`)
    expect(postgres.rows.length).toBeGreaterThan(50)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('per site over each buyer’s dearest item: MIN and MAX whose extreme is retracted, AVG, SUM', async () => {
    const shape: ResultShape = {
      site: 'text',
      buyers: 'integer',
      cheapest_top: 'money',
      dearest_top: 'money',
      average_top: 'real',
      units: 'integer',
      average_units: 'integer',
    }
    // AVG of an INT column is an INT in Flink, the quotient truncated. A buyer's top price only rises, so the site's minimum is often a value that is retracted later.
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT site, COUNT(*) AS buyers, MIN(top_price) AS cheapest_top, MAX(top_price) AS dearest_top,
            AVG(top_price) AS average_top, SUM(units) AS units, AVG(units) AS average_units
          FROM (
            SELECT user_id, site, MAX(price) AS top_price, SUM(quantity) AS units
            FROM clicks WHERE price IS NOT NULL GROUP BY user_id, site)
          GROUP BY site`,
        columns: `site STRING, buyers BIGINT, cheapest_top DOUBLE, dearest_top DOUBLE, average_top DOUBLE,
          units INT, average_units INT`,
      },
      ['site'],
    )
    const postgres = await oracle.db.query(`
      SELECT site, count(*) AS buyers, min(top_price) AS cheapest_top, max(top_price) AS dearest_top,
        avg(top_price) AS average_top, sum(units) AS units, trunc(avg(units)) AS average_units
      FROM (
        SELECT user_id, site, max(price) AS top_price, sum(quantity) AS units
        FROM clicks WHERE price IS NOT NULL GROUP BY user_id, site) buyers
      GROUP BY site`)
    expect(postgres.rows.length).toBe(3)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('a filter after an update: users leave the result once they pass 5 events, and their keys are deleted', async () => {
    const shape: ResultShape = { user_id: 'integer', events: 'integer' }
    // Reaching 6 events, a user's -U (5 events) passes the filter and the +U (6) does not: the upsert sink
    // must delete the key, as Flink's upsert mode does, not keep the stale 5.
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT user_id, events FROM (SELECT user_id, COUNT(*) AS events FROM clicks GROUP BY user_id)
          WHERE events <= 5`,
        columns: 'user_id BIGINT, events BIGINT',
      },
      ['user_id'],
    )
    const postgres = await oracle.db.query(`
      SELECT user_id, count(*) AS events FROM clicks GROUP BY user_id HAVING count(*) <= 5`)
    expect(postgres.rows.length).toBeGreaterThan(100)
    expectSameRows(weir, postgres.rows, shape)
  })
})
