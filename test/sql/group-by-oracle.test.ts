/**
 * Unbounded GROUP BY over changelogs: aggregates fed by another aggregate receive retractions (-U/-D) and must take them back exactly. The final table, read back from an upsert-kafka topic
 * (last value per key, tombstones deleting), must equal PostgreSQL's answer over the whole input.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPostgresDatabase } from '../harness/services.ts'
import { type ClickstreamFile, loadClicks, writeClickstream } from './oracle/clickstream.ts'
import { PARALLELISMS, queryIntoUpsertTopic } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'

let directory: string
let clicks: ClickstreamFile
let db: pg.Client

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-group-by-oracle-'))
  // 2 000 Zipf-skewed users: per-user counts range from one to thousands, so users keep moving between
  // buckets, and buckets empty out (deleted) as their last user moves on.
  clicks = {
    path: join(directory, 'clicks.json'),
    rows: 40_000,
    seed: 31,
    rowsPerSecond: 500,
    outOfOrdernessSeconds: 3,
    users: 2_000,
  }
  await writeClickstream(clicks)
  db = new pg.Client({ connectionString: await freshPostgresDatabase('group_by_oracle') })
  await db.connect()
  await loadClicks(db, clicks)
})

afterAll(async () => {
  await db?.end()
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
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
    }
    const weir = await queryIntoUpsertTopic(
      {
        clicks,
        parallelism,
        select: `SELECT events, COUNT(*) AS users, MIN(spent) AS least_spent, MAX(spent) AS most_spent,
            AVG(spent) AS average_spent, SUM(spent) AS total_spent,
            MIN(last_seen) AS earliest_last_seen, MAX(last_seen) AS latest_last_seen
          FROM (
            SELECT user_id, COUNT(*) AS events, SUM(price) AS spent, MAX(event_time) AS last_seen
            FROM clicks GROUP BY user_id)
          GROUP BY events`,
        columns: `events BIGINT, users BIGINT, least_spent DOUBLE, most_spent DOUBLE, average_spent DOUBLE,
          total_spent DOUBLE, earliest_last_seen TIMESTAMP(3), latest_last_seen TIMESTAMP(3)`,
      },
      ['events'],
    )
    const postgres = await db.query(`
      SELECT events, count(*) AS users, min(spent) AS least_spent, max(spent) AS most_spent,
        avg(spent) AS average_spent, sum(spent) AS total_spent,
        min(last_seen) AS earliest_last_seen, max(last_seen) AS latest_last_seen
      FROM (SELECT user_id, count(*) AS events, sum(price) AS spent, max(ms) AS last_seen FROM clicks GROUP BY user_id) u
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
    }
    // A buyer's top price only rises, so the site's minimum is often a value that is retracted later.
    const weir = await queryIntoUpsertTopic(
      {
        clicks,
        parallelism,
        select: `SELECT site, COUNT(*) AS buyers, MIN(top_price) AS cheapest_top, MAX(top_price) AS dearest_top,
            AVG(top_price) AS average_top, SUM(units) AS units
          FROM (
            SELECT user_id, site, MAX(price) AS top_price, SUM(quantity) AS units
            FROM clicks WHERE price IS NOT NULL GROUP BY user_id, site)
          GROUP BY site`,
        columns: `site STRING, buyers BIGINT, cheapest_top DOUBLE, dearest_top DOUBLE, average_top DOUBLE,
          units INT`,
      },
      ['site'],
    )
    const postgres = await db.query(`
      SELECT site, count(*) AS buyers, min(top_price) AS cheapest_top, max(top_price) AS dearest_top,
        avg(top_price) AS average_top, sum(units) AS units
      FROM (
        SELECT user_id, site, max(price) AS top_price, sum(quantity) AS units
        FROM clicks WHERE price IS NOT NULL GROUP BY user_id, site) buyers
      GROUP BY site`)
    expect(postgres.rows.length).toBe(3)
    expectSameRows(weir, postgres.rows, shape)
  })
})
