/**
 * Top-N (`ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) <= 3`, and rank ranges that start later) over an
 * insert-only stream and over updating aggregates. Every ORDER BY ends in a unique column, so the top rows are
 * one definite set. The final table, read back from an upsert-kafka topic, must equal PostgreSQL's. Window
 * Top-N, which is insert-only, is in window-top-n-oracle.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoUpsertTopic } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

// 5 000 products, Zipf-skewed: a few lead every category, the rest tie at low counts and keep overtaking
// each other. 40k events over 200 s of event time give about four one-minute windows.
const oracle = useClickstreamOracle('top-n-oracle', {
  rows: 40_000,
  seed: 59,
  rowsPerSecond: 200,
  outOfOrdernessSeconds: 5,
  products: 5_000,
})

describe.each(PARALLELISMS)('Top-N against PostgreSQL, parallelism %i', (parallelism) => {
  it('the 3 dearest priced events per category, with their rank', async () => {
    const shape: ResultShape = { category: 'text', rn: 'integer', event_id: 'integer', price: 'money' }
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT category, rn, event_id, price FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY price DESC, event_id ASC) AS rn
            FROM clicks WHERE price IS NOT NULL)
          WHERE rn <= 3`,
        columns: 'category STRING, rn BIGINT, event_id BIGINT, price DOUBLE',
      },
      ['category', 'rn'],
    )
    const postgres = await oracle.db.query(`
      SELECT category, rn, event_id, price FROM (
        SELECT *, row_number() OVER (PARTITION BY category ORDER BY price DESC, event_id) AS rn
        FROM clicks WHERE price IS NOT NULL) ranked
      WHERE rn <= 3`)
    expect(postgres.rows.length).toBeGreaterThan(30)
    expectSameRows(weir, postgres.rows, shape)
  })

  // Ranks 2 to 4: every count change moves rows across both ends of the range, so the ones pushed to rank 5
  // and pulled in from rank 1 must be retracted and emitted.
  it.each([
    ['the 3 most viewed products per category over an updating count, with their rank', 'rn <= 3'],
    [
      'ranks 2 to 4 of the most viewed products per category over an updating count, with their rank',
      'rn > 1 AND rn <= 4',
    ],
  ])('%s', async (_, ranks) => {
    const shape: ResultShape = { category: 'text', rn: 'integer', product_id: 'integer', views: 'integer' }
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT category, rn, product_id, views FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY views DESC, product_id ASC) AS rn
            FROM (SELECT category, product_id, COUNT(*) AS views FROM clicks GROUP BY category, product_id))
          WHERE ${ranks}`,
        columns: 'category STRING, rn BIGINT, product_id BIGINT, views BIGINT',
      },
      ['category', 'rn'],
    )
    const postgres = await oracle.db.query(`
      SELECT category, rn, product_id, views FROM (
        SELECT *, row_number() OVER (PARTITION BY category ORDER BY views DESC, product_id) AS rn
        FROM (SELECT category, product_id, count(*) AS views FROM clicks GROUP BY category, product_id) counts
      ) ranked
      WHERE ${ranks}`)
    expect(postgres.rows.length).toBeGreaterThan(30)
    expectSameRows(weir, postgres.rows, shape)
  })

  it.each([
    ['without the rank column: rows leaving the top 3 are deleted', 'rn <= 3'],
    [
      'ranks 3 to 5 without the rank column: rows leaving the range at either end are deleted',
      'rn BETWEEN 3 AND 5',
    ],
  ])('%s', async (_, ranks) => {
    const shape: ResultShape = { category: 'text', product_id: 'integer', orders: 'integer' }
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT category, product_id, orders FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY orders DESC, product_id DESC) AS rn
            FROM (SELECT category, product_id, COUNT(*) AS orders FROM clicks
              WHERE event_type IN ('cart', 'order') GROUP BY category, product_id))
          WHERE ${ranks}`,
        columns: 'category STRING, product_id BIGINT, orders BIGINT',
      },
      ['category', 'product_id'],
    )
    const postgres = await oracle.db.query(`
      SELECT category, product_id, orders FROM (
        SELECT *, row_number() OVER (PARTITION BY category ORDER BY orders DESC, product_id DESC) AS rn
        FROM (SELECT category, product_id, count(*) AS orders FROM clicks
          WHERE event_type IN ('cart', 'order') GROUP BY category, product_id) counts
      ) ranked
      WHERE ${ranks}`)
    expect(postgres.rows.length).toBeGreaterThan(30)
    expectSameRows(weir, postgres.rows, shape)
  })

  it('over an aggregate whose rows are deleted: the 3 emptiest per-user event counts', async () => {
    // A user's count moves it from one bucket to the next, deleting buckets it leaves alone: ranked rows
    // disappear from the input and the next ones must move up.
    const shape: ResultShape = { rn: 'integer', events: 'integer', users: 'integer' }
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT rn, events, users FROM (
            SELECT *, ROW_NUMBER() OVER (ORDER BY users ASC, events DESC) AS rn
            FROM (
              SELECT events, COUNT(*) AS users
              FROM (SELECT user_id, COUNT(*) AS events FROM clicks GROUP BY user_id)
              GROUP BY events))
          WHERE rn <= 3`,
        columns: 'rn BIGINT, events BIGINT, users BIGINT',
      },
      ['rn'],
    )
    const postgres = await oracle.db.query(`
      SELECT rn, events, users FROM (
        SELECT *, row_number() OVER (ORDER BY users, events DESC) AS rn
        FROM (
          SELECT events, count(*) AS users
          FROM (SELECT user_id, count(*) AS events FROM clicks GROUP BY user_id) per_user
          GROUP BY events) buckets
      ) ranked
      WHERE rn <= 3`)
    expect(postgres.rows.length).toBe(3)
    expectSameRows(weir, postgres.rows, shape)
  })
})
