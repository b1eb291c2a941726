/**
 * Regular streaming joins planned from SQL and run on the embedded engine, checked against PostgreSQL running
 * the same join over the same rows: INNER, LEFT and FULL OUTER joins with a non-equi condition over two
 * files, and a FULL OUTER join of two updating GROUP BY results, whose retractions must move rows between
 * joined and null-padded. Insert-only results come back from JSON-lines files; updating ones from an
 * upsert-kafka topic (the final table).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/connectors/datagen/random.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { freshPostgresDatabase, useService } from '../harness/services.ts'
import { PARALLELISMS } from './oracle/job.ts'
import { expectSameRows, type ResultShape } from './oracle/rows.ts'
import {
  fileSinkDdl,
  type ResultRecord,
  readFileSink,
  readUpsertTopic,
  upsertKafkaSinkDdl,
} from './oracle/sinks.ts'

const ORDERS = 20_000
const CUSTOMER_ROWS = 3_000

/**
 * Customers have several rows per id (so an order can match more than one), some ids have none, and a few
 * keys on both sides are NULL, which must never match.
 */
interface Tables {
  readonly orders: { order_id: number; customer: number | null; amount: number }[]
  readonly customers: { row_id: number; id: number | null; region: string; credit: number }[]
}

function generateTables(seed: number): Tables {
  const rng = new Rng(seed)
  const orders = Array.from({ length: ORDERS }, (_, i) => ({
    order_id: i,
    customer: rng.chance(0.02) ? null : rng.nextInt(3_000),
    amount: rng.nextInt(1_000),
  }))
  const customers = Array.from({ length: CUSTOMER_ROWS }, (_, i) => ({
    row_id: i,
    id: rng.chance(0.02) ? null : rng.nextInt(2_500),
    region: rng.pick(['eu', 'us', 'apac']),
    credit: rng.nextInt(1_000),
  }))
  return { orders, customers }
}

let directory: string
let db: pg.Client
let tablesDdl: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-join-oracle-'))
  const tables = generateTables(11)
  const ordersPath = join(directory, 'orders.json')
  const customersPath = join(directory, 'customers.json')
  await writeFile(ordersPath, jsonLines(tables.orders))
  await writeFile(customersPath, jsonLines(tables.customers))
  tablesDdl = `
    CREATE TEMPORARY TABLE orders (order_id BIGINT, customer INT, amount INT)
      WITH ('connector' = 'filesystem', 'path' = '${ordersPath}', 'format' = 'json');
    CREATE TEMPORARY TABLE customers (row_id BIGINT, id INT, region STRING, credit INT)
      WITH ('connector' = 'filesystem', 'path' = '${customersPath}', 'format' = 'json');`
  db = new pg.Client({ connectionString: await freshPostgresDatabase('join_oracle') })
  await db.connect()
  await db.query(`
    CREATE TABLE orders (order_id bigint, customer int, amount int);
    CREATE TABLE customers (row_id bigint, id int, region text, credit int);`)
  await db.query('INSERT INTO orders SELECT * FROM json_populate_recordset(NULL::orders, $1)', [
    JSON.stringify(tables.orders),
  ])
  await db.query('INSERT INTO customers SELECT * FROM json_populate_recordset(NULL::customers, $1)', [
    JSON.stringify(tables.customers),
  ])
})

afterAll(async () => {
  await db?.end()
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
})

const JOINED_COLUMNS =
  'order_id BIGINT, customer INT, amount INT, row_id BIGINT, id INT, region STRING, credit INT'
const JOINED_SHAPE: ResultShape = {
  order_id: 'integer',
  customer: 'integer',
  amount: 'integer',
  row_id: 'integer',
  id: 'integer',
  region: 'text',
  credit: 'integer',
}
const JOIN_SELECT = (joinType: string): string => `
  SELECT o.order_id, o.customer, o.amount, c.row_id, c.id, c.region, c.credit
  FROM orders o ${joinType} JOIN customers c ON o.customer = c.id AND o.amount <= c.credit`

describe.each(PARALLELISMS)('regular joins against PostgreSQL, parallelism %i', (parallelism) => {
  it('INNER JOIN with a residual condition (insert-only, into files)', async () => {
    const output = await mkdtemp(join(directory, 'inner-'))
    await runWeir(
      `${fileSinkDdl('result', JOINED_COLUMNS, output)}
      INSERT INTO result ${JOIN_SELECT('INNER')};`,
      parallelism,
    )
    const postgres = await db.query(JOIN_SELECT('INNER'))
    expect(postgres.rows.length).toBeGreaterThan(5_000)
    expectSameRows(await readFileSink(output), postgres.rows, JOINED_SHAPE)
  })

  for (const joinType of ['LEFT', 'FULL OUTER']) {
    it(`${joinType} JOIN with a residual condition (retracting padded rows, into upsert-kafka)`, async () => {
      // One output row per (order, customer row): padded rows leave the other side's id NULL.
      const weir = await upsertResult(
        JOINED_COLUMNS,
        ['order_id', 'row_id'],
        JOIN_SELECT(joinType),
        parallelism,
      )
      const postgres = await db.query(JOIN_SELECT(joinType))
      const padded = postgres.rows.filter((row) => row.row_id === null || row.order_id === null)
      expect(padded.length).toBeGreaterThan(1_000)
      expectSameRows(weir, postgres.rows, JOINED_SHAPE)
    })
  }

  it('FULL OUTER JOIN of two updating GROUP BY results (changelog inputs)', async () => {
    // Totals grow while orders arrive, so pairs keep crossing the condition both ways.
    const select = `
      SELECT a.customer, a.orders, a.total, c.id, c.versions, c.max_credit
      FROM (SELECT customer, COUNT(*) AS orders, SUM(amount) AS total FROM orders GROUP BY customer) a
      FULL OUTER JOIN (
        SELECT id, COUNT(*) AS versions, MAX(credit) AS max_credit FROM customers WHERE id IS NOT NULL GROUP BY id
      ) c ON a.customer = c.id AND a.total > c.max_credit * 5`
    const weir = await upsertResult(
      'customer INT, orders BIGINT, total INT, id INT, versions BIGINT, max_credit INT',
      ['customer', 'id'],
      select,
      parallelism,
    )
    const postgres = await db.query(select)
    const joined = postgres.rows.filter((row) => row.customer !== null && row.id !== null)
    expect(joined.length).toBeGreaterThan(500)
    expect(postgres.rows.length - joined.length).toBeGreaterThan(500)
    expectSameRows(weir, postgres.rows, {
      customer: 'integer',
      orders: 'integer',
      total: 'integer',
      id: 'integer',
      versions: 'integer',
      max_credit: 'integer',
    })
  })
})

async function upsertResult(
  columns: string,
  primaryKey: readonly string[],
  select: string,
  parallelism: number,
): Promise<ResultRecord[]> {
  const { bootstrapServers } = await useService('kafka')
  const kafka = await testKafka()
  const topic = await freshTopic(kafka, 'join-oracle')
  await runWeir(
    `${upsertKafkaSinkDdl('result', columns, primaryKey, topic, bootstrapServers)}
    INSERT INTO result ${select};`,
    parallelism,
  )
  return readUpsertTopic(kafka, topic)
}

async function runWeir(statements: string, parallelism: number): Promise<void> {
  const result = await runJob({
    script: `${tablesDdl}\n${statements}`,
    sets: { 'parallelism.default': String(parallelism) },
  })
  const join = result.metrics.find((node) => node.name.endsWith('-join'))
  expect(join?.recordsOut).toBeGreaterThan(0)
  expect(result.metrics.reduce((letters, node) => letters + node.deadLetters, 0)).toBe(0)
}

function jsonLines(rows: readonly object[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('')
}
