import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CollectSink } from '../../engine/index.ts'
import { materialize } from '../../engine/testing/changelog.ts'
import { StaticTableResolver } from '../catalog/table-resolver.ts'
import { createRuntimeEnv } from '../compile/compile-expression.ts'
import type { LogicalPlan } from '../plan/nodes.ts'
import { SqlSession } from '../session.ts'
import { planPipeline } from './plan-pipeline.ts'

let directory: string
let ordersPath: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-physical-'))
  ordersPath = join(directory, 'orders.csv')
  const orders = [
    [1, 'a', 10, '2024-01-01 00:00:01.000'],
    [2, 'b', 30, '2024-01-01 00:00:02.000'],
    [3, 'a', 20, '2024-01-01 00:00:03.000'],
    [1, 'a', 15, '2024-01-01 00:00:04.000'],
    [4, 'b', 5, '2024-01-01 00:01:05.000'],
  ]
  await writeFile(ordersPath, `${orders.map((row) => row.join(',')).join('\n')}\n`)
})

afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** Plans `CREATE` orders + out tables and `insert`, runs the job and returns what reached the sink. */
async function run(outColumns: string, insert: string): Promise<CollectSink> {
  const session = new SqlSession({ resolver: new StaticTableResolver({}) })
  const statements = await session.planScript(`
    CREATE TEMPORARY TABLE orders (
      id BIGINT, customer STRING, amount INT, ts TIMESTAMP(3),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
    ) WITH ('connector' = 'filesystem', 'path' = '${ordersPath}', 'format' = 'csv');
    CREATE TEMPORARY TABLE out (${outColumns}) WITH ('connector' = 'blackhole');
    ${insert};`)
  const plans = statements.flatMap((s): LogicalPlan[] => (s.kind === 'insert' ? [s.plan] : []))
  const sink = new CollectSink()
  const { pipeline } = await planPipeline(plans, { env: createRuntimeEnv(), sinkFor: () => sink })
  await pipeline.run()
  return sink
}

describe('planPipeline', () => {
  it('runs filters, projections and a tumbling window aggregate', async () => {
    const { rows } = await run(
      'customer STRING, total INT, n BIGINT, window_start TIMESTAMP(3)',
      `INSERT INTO out SELECT customer, SUM(amount), COUNT(*), window_start
       FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
       WHERE amount > 5 GROUP BY window_start, window_end, customer`,
    )
    const minute = Date.UTC(2024, 0, 1)
    expect(rows).toEqual(
      expect.arrayContaining([
        ['a', 45, 3, minute],
        ['b', 30, 1, minute],
      ]),
    )
    expect(rows).toHaveLength(2)
  })

  it('runs deduplication and UNION ALL', async () => {
    // Event-time deduplication may replace a kept row, so it needs an upsert sink.
    const { rows } = await run(
      'id BIGINT, amount INT, PRIMARY KEY (id) NOT ENFORCED',
      `INSERT INTO out
       SELECT id, amount FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts ASC) AS rn FROM orders) WHERE rn = 1
       UNION ALL SELECT id, amount FROM orders WHERE customer = 'b'`,
    )
    expect(rows.map((row) => row.join(':')).sort()).toEqual(['1:10', '2:30', '2:30', '3:20', '4:5', '4:5'])
  })

  it('runs Top-N and an unbounded group aggregate as changelogs', async () => {
    const top = await run(
      'customer STRING, amount INT, PRIMARY KEY (customer) NOT ENFORCED',
      `INSERT INTO out SELECT customer, amount FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC) AS rn FROM orders) WHERE rn <= 1`,
    )
    expect(materialize(top.rows, top.kinds).sort()).toEqual(['["a",20]', '["b",30]'])
    const totals = await run(
      'customer STRING, total INT, PRIMARY KEY (customer) NOT ENFORCED',
      'INSERT INTO out SELECT customer, SUM(amount) FROM orders GROUP BY customer',
    )
    expect(materialize(totals.rows, totals.kinds).sort()).toEqual(['["a",45]', '["b",35]'])
  })

  it('runs a regular join of two inputs', async () => {
    const { rows } = await run(
      'id BIGINT, other BIGINT',
      'INSERT INTO out SELECT a.id, b.id FROM orders a JOIN orders b ON a.customer = b.customer AND a.id <= b.id',
    )
    expect(rows.map((row) => JSON.stringify(row)).sort()).toEqual(
      ['[1,1]', '[1,1]', '[1,1]', '[1,1]', '[1,3]', '[1,3]', '[3,3]', '[2,2]', '[2,4]', '[4,4]'].sort(),
    )
  })

  it('names the logical node the engine cannot run', async () => {
    await expect(
      run(
        'customer STRING, amount INT',
        `INSERT INTO out SELECT customer, amount
         FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '1' MINUTE))`,
      ),
    ).rejects.toThrow(
      'SESSION window table function without an aggregate is not supported by the embedded engine yet',
    )
  })
})
