/**
 * Deduplication on event time (`ROW_NUMBER() OVER (PARTITION BY k ORDER BY event_time ASC|DESC) = 1`) over
 * an out-of-order stream: an event that arrives after a later one of its key must still win keep-first, so
 * the result updates. The final table, read back from an upsert-kafka topic, must equal PostgreSQL's.
 */
import { describe, expect, it } from 'vitest'
import { useClickstreamOracle } from './oracle/fixture.ts'
import { PARALLELISMS, queryIntoUpsertTopic } from './oracle/job.ts'
import { expectRowsAmong, expectSameRows, type ResultShape } from './oracle/rows.ts'
import type { ResultRecord } from './oracle/sinks.ts'

const SHAPE: ResultShape = {
  user_id: 'integer',
  event_type: 'text',
  event_id: 'integer',
  site: 'text',
  price: 'money',
  event_time: 'timestamp',
}
const COLUMNS = `user_id BIGINT, event_type STRING, event_id BIGINT, site STRING, price DOUBLE,
  event_time TIMESTAMP(3)`

// 5 000 users at 500 events per second, up to 5 s out of order: active users' events often arrive in a
// different order than their times, and many share a millisecond with another of theirs.
const oracle = useClickstreamOracle('deduplication-oracle', {
  rows: 40_000,
  seed: 43,
  rowsPerSecond: 500,
  outOfOrdernessSeconds: 5,
  users: 5_000,
})

/**
 * Checks a deduplication against PostgreSQL. Which of a key's events tied at the winning time is kept depends
 * on which reaches the operator first: the order of the file with one reader, no definite order with parallel
 * readers. So: the keys and their winning times must match exactly, each kept event must be one of the key's
 * tied events, and with one reader it must be the one that comes first (keep-first) or last (keep-last).
 */
async function expectDeduplicated(
  weir: readonly ResultRecord[],
  keys: string,
  keep: 'first' | 'last',
  parallelism: number,
): Promise<void> {
  const direction = keep === 'first' ? 'ASC' : 'DESC'
  const columns = 'user_id, event_type, event_id, site, price, ms AS event_time'
  const tied = await oracle.db.query(`
    SELECT ${columns} FROM (SELECT *, rank() OVER (PARTITION BY ${keys} ORDER BY ms ${direction}) AS r FROM clicks) t
    WHERE r = 1`)
  const inFileOrder = await oracle.db.query(`
    SELECT DISTINCT ON (${keys}) ${columns} FROM clicks ORDER BY ${keys}, ms ${direction}, event_id ${direction}`)
  const keyShape = Object.fromEntries(
    [...keys.split(', '), 'event_time'].map((column) => [column, SHAPE[column]!]),
  )
  expect(inFileOrder.rows.length).toBeLessThan(tied.rows.length)
  expectSameRows(weir, inFileOrder.rows, keyShape)
  expectRowsAmong(weir, tied.rows, SHAPE)
  if (parallelism === 1) expectSameRows(weir, inFileOrder.rows, SHAPE)
}

describe.each(PARALLELISMS)('deduplication against PostgreSQL, parallelism %i', (parallelism) => {
  it('keeps each user’s first event in event time', async () => {
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT user_id, event_type, event_id, site, price, event_time FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY event_time ASC) AS rn FROM clicks)
          WHERE rn = 1`,
        columns: COLUMNS,
      },
      ['user_id'],
    )
    expect(weir.length).toBeGreaterThan(3_000)
    await expectDeduplicated(weir, 'user_id', 'first', parallelism)
  })

  it('keeps the last event per user and event type in event time', async () => {
    const weir = await queryIntoUpsertTopic(
      {
        clicks: oracle.clicks,
        parallelism,
        select: `SELECT user_id, event_type, event_id, site, price, event_time FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id, event_type ORDER BY event_time DESC) AS rn
            FROM clicks)
          WHERE rn = 1`,
        columns: COLUMNS,
      },
      ['user_id', 'event_type'],
    )
    expect(weir.length).toBeGreaterThan(5_000)
    await expectDeduplicated(weir, 'user_id, event_type', 'last', parallelism)
  })
})
