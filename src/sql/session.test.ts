import { describe, expect, it } from 'vitest'
import { FunctionRegistry } from './functions/registry.ts'
import { explain } from './plan/explain.ts'
import type { LogicalNode, LogicalPlan, ScanNode } from './plan/nodes.ts'
import { inputsOfNode } from './plan/nodes.ts'
import { type PlannedStatement, SqlSession } from './session.ts'
import { testCatalog } from './testing/fixtures.ts'
import { types } from './types/logical-type.ts'
import { formatType } from './types/type-format.ts'

function session(options: Record<string, string> = {}, functions?: FunctionRegistry): SqlSession {
  return new SqlSession({
    resolver: testCatalog(),
    options,
    ...(functions === undefined ? {} : { functions }),
  })
}

async function lastPlan(sql: string, s = session()): Promise<LogicalPlan> {
  const results = await s.planScript(sql)
  const last = results[results.length - 1]!
  if (last.kind !== 'query' && last.kind !== 'insert' && last.kind !== 'explain')
    throw new Error(`no plan from ${last.kind}`)
  return last.plan
}

/** The output columns of a query as `name TYPE`. */
async function schemaOf(sql: string, s = session()): Promise<string[]> {
  const plan = await lastPlan(sql, s)
  const root = plan.kind === 'query' ? plan.root : plan.sinks[0]!
  return root.schema.map((field) => `${field.name} ${formatType(field.type)}`)
}

function nodes(node: LogicalNode): LogicalNode[] {
  return [node, ...inputsOfNode(node).flatMap(nodes)]
}

function scans(plan: LogicalPlan): ScanNode[] {
  const roots = plan.kind === 'query' ? [plan.root] : plan.sinks
  return roots.flatMap(nodes).filter((node): node is ScanNode => node.kind === 'scan')
}

describe('binding queries', () => {
  it('types aggregates like Flink', async () => {
    expect(
      await schemaOf(`
        SELECT user_id, COUNT(*) AS n, COUNT(DISTINCT event) AS events, SUM(amount) AS total, AVG(amount) AS mean,
               MIN(event) AS first_event, MAX(event_time) AS latest, SUM(CAST(amount AS DECIMAL(10, 2))) AS exact
        FROM traffic.clickstream GROUP BY user_id`),
    ).toEqual([
      'user_id BIGINT',
      'n BIGINT NOT NULL',
      'events BIGINT NOT NULL',
      'total DOUBLE',
      'mean DOUBLE',
      'first_event STRING',
      'latest TIMESTAMP(3)',
      'exact DECIMAL(38, 2)',
    ])
  })

  it('expands * and t.*, and merges JOIN … USING columns', async () => {
    expect(await schemaOf('SELECT * FROM traffic.pageview')).toEqual([
      'user_id BIGINT',
      'url STRING',
      'referrer STRING',
      'ts TIMESTAMP(3) *ROWTIME*',
    ])
    expect(
      await schemaOf(
        'SELECT p.*, c.event FROM traffic.pageview p JOIN traffic.clickstream c USING (user_id)',
      ),
    ).toEqual(['user_id BIGINT', 'url STRING', 'referrer STRING', 'ts TIMESTAMP(3)', 'event STRING'])
    expect(
      await schemaOf(
        'SELECT user_id, url, event FROM traffic.pageview JOIN traffic.clickstream USING (user_id)',
      ),
    ).toEqual(['user_id BIGINT', 'url STRING', 'event STRING'])
  })

  it('keeps time attributes through projections and lookup joins, not through regular joins', async () => {
    const lookup = await schemaOf(`
      SELECT e.event_time, p.category FROM traffic.clickstream e
      LEFT JOIN dim.product FOR SYSTEM_TIME AS OF e.proc_time AS p ON p.product_id = e.product_id`)
    expect(lookup).toEqual(['event_time TIMESTAMP(3) *ROWTIME*', 'category STRING'])
    const regular = await schemaOf(
      'SELECT c.event_time FROM traffic.clickstream c JOIN traffic.pageview p ON p.user_id = c.user_id',
    )
    expect(regular).toEqual(['event_time TIMESTAMP(3)'])
  })

  it('adds window_start, window_end and window_time to window TVFs', async () => {
    expect(
      await schemaOf(
        "SELECT * FROM TABLE(TUMBLE(TABLE traffic.pageview, DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
      ),
    ).toEqual([
      'user_id BIGINT',
      'url STRING',
      'referrer STRING',
      'ts TIMESTAMP(3)',
      'window_start TIMESTAMP(3) NOT NULL',
      'window_end TIMESTAMP(3) NOT NULL',
      'window_time TIMESTAMP(3) NOT NULL *ROWTIME*',
    ])
  })

  it('binds CTEs, derived tables with column aliases, VALUES, DISTINCT and UNION', async () => {
    expect(
      await schemaOf(`
        WITH clicks AS (SELECT user_id, event FROM traffic.clickstream WHERE event = 'click'),
             heavy AS (SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id)
        SELECT x.uid, x.cnt FROM heavy AS x(uid, cnt) WHERE x.cnt > 10`),
    ).toEqual(['uid BIGINT', 'cnt BIGINT NOT NULL'])
    expect(await schemaOf("SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS t(id, name)")).toEqual([
      'id INT NOT NULL',
      'name CHAR(1)',
    ])
    expect(await schemaOf('SELECT DISTINCT event FROM traffic.clickstream')).toEqual(['event STRING'])
    const union = await lastPlan(
      'SELECT url FROM traffic.pageview UNION SELECT event FROM traffic.clickstream',
    )
    expect(union.kind === 'query' && union.root.kind).toBe('aggregate')
    expect(await schemaOf("SELECT 1 + 1 AS two, 'x' AS x")).toEqual([
      'two INT NOT NULL',
      'x CHAR(1) NOT NULL',
    ])
  })

  it('aggregates without GROUP BY into one global group, with HAVING', async () => {
    const plan = await lastPlan('SELECT COUNT(*) AS n FROM traffic.pageview HAVING COUNT(*) > 1')
    expect(explain(plan, { schema: false })).toContain('GroupAggregate(groupBy=[], select=[COUNT(*) AS n]')
  })

  it('expands ROLLUP and CUBE into explicit grouping sets, shared keys first', async () => {
    const plan = await lastPlan(
      'SELECT site, platform, event, COUNT(*) FROM traffic.clickstream GROUP BY event, CUBE(site, platform)',
    )
    expect(explain(plan, { schema: false })).toContain(
      'groupBy=[event, site, platform], groupingSets=[(event, site, platform), (event, site), (event, platform), (event)]',
    )
  })

  it('computes one aggregate call for repeated identical calls', async () => {
    const plan = await lastPlan(
      'SELECT user_id, COUNT(*) AS a, COUNT(*) + 1 AS b FROM traffic.pageview GROUP BY user_id HAVING COUNT(*) > 2',
    )
    expect(explain(plan, { schema: false })).toContain('select=[user_id, COUNT(*) AS a]')
  })

  it('matches GROUP BY expressions in the SELECT list', async () => {
    expect(
      await schemaOf('SELECT UPPER(url) AS u, COUNT(*) AS n FROM traffic.pageview GROUP BY UPPER(url)'),
    ).toEqual(['u STRING', 'n BIGINT NOT NULL'])
  })

  it('applies OPTIONS hints to the scan', async () => {
    const plan = await lastPlan(
      "SELECT url FROM traffic.pageview /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */",
    )
    expect(scans(plan)[0]!.options).toMatchObject({
      topic: 'traffic_pageview',
      'scan.startup.mode': 'earliest-offset',
    })
  })
})

describe('scripts', () => {
  it('plans SET, temporary tables with computed columns and watermarks, views, and a STATEMENT SET', async () => {
    const s = session()
    const results: PlannedStatement[] = await s.planScript(`
      SET 'table.local-time-zone' = 'Asia/Shanghai';
      CREATE TEMPORARY TABLE orders (
        order_id BIGINT NOT NULL,
        user_id BIGINT,
        amount DECIMAL(10, 2),
        ts_millis BIGINT,
        ts AS TO_TIMESTAMP_LTZ(ts_millis, 3),
        pt AS PROCTIME(),
        WATERMARK FOR ts AS ts - INTERVAL '2' SECOND,
        PRIMARY KEY (order_id) NOT ENFORCED
      ) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json');
      CREATE TEMPORARY VIEW big_orders AS SELECT * FROM orders WHERE amount > 100;
      EXECUTE STATEMENT SET BEGIN
        INSERT INTO landing.events SELECT user_id, 'order', DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'HH') FROM big_orders;
        INSERT INTO landing.events (user_id, event) SELECT user_id, 'any' FROM orders;
      END;`)
    expect(results.map((r) => r.kind)).toEqual(['set', 'createTable', 'createView', 'insert'])
    const created = results[1]!
    if (created.kind !== 'createTable') throw new Error('expected the table')
    expect(created.table).toMatchObject({
      name: 'orders',
      kind: 'stream',
      primaryKey: ['order_id'],
      rowtime: { column: 'ts', watermarkDelayMs: 2000 },
    })
    expect(
      created.table.columns.map(
        (c) => `${c.name} ${formatType(c.type)}${c.computed === undefined ? '' : ` AS ${c.computed}`}`,
      ),
    ).toEqual([
      'order_id BIGINT NOT NULL',
      'user_id BIGINT',
      'amount DECIMAL(10, 2)',
      'ts_millis BIGINT',
      'ts TIMESTAMP_LTZ(3) AS TO_TIMESTAMP_LTZ(ts_millis, 3)',
      'pt TIMESTAMP_LTZ(3) NOT NULL *PROCTIME* AS PROCTIME()',
    ])
    const job = results[3]!
    if (job.kind !== 'insert' || job.plan.kind !== 'insert') throw new Error('expected the job')
    expect(job.plan.sinks).toHaveLength(2)
    expect(job.plan.options).toEqual({ 'table.local-time-zone': 'Asia/Shanghai' })
    expect(`\n${explain(job.plan, { schema: false })}\n`).toMatchInlineSnapshot(`
      "
      Sink(table=[landing.events], fields=[user_id, event, dt, hh], changelogMode=[I])
      +- Project(select=[user_id, 'order' AS event, DATE_FORMAT(ts, 'yyyy-MM-dd') AS dt, DATE_FORMAT(ts, 'HH') AS hh], changelogMode=[I])
         +- Filter(condition=[(amount > 100)], changelogMode=[I])
            +- WatermarkAssigner(rowtime=[ts], watermark=[ts - 2 s], changelogMode=[I])(reuse_id=[1])
               +- Project(select=[user_id, amount, TO_TIMESTAMP_LTZ(ts_millis, 3) AS ts], changelogMode=[I])
                  +- TableSourceScan(table=[orders], fields=[user_id, amount, ts_millis], changelogMode=[I])
      Sink(table=[landing.events], fields=[user_id, event, dt, hh], changelogMode=[I])
      +- Project(select=[user_id, 'any' AS event, NULL AS dt, NULL AS hh], changelogMode=[I])
         +- Reused(reference_id=[1])
      "
    `)
  })

  it('recognizes a Top-N whose ROW_NUMBER() is defined in a view', async () => {
    const plan = await lastPlan(`
      CREATE TEMPORARY VIEW ranked AS
        SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid;
      SELECT auction, price FROM ranked WHERE rn <= 2`)
    expect(explain(plan, { schema: false })).toContain(
      'Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=2]',
    )
  })

  it('lets temporary tables override catalog tables, and DROP them', async () => {
    const s = session()
    await s.planScript("CREATE TEMPORARY TABLE bid (auction INT, note STRING) WITH ('connector' = 'datagen')")
    expect(await schemaOf('SELECT * FROM bid', s)).toEqual(['auction INT', 'note STRING'])
    await s.planScript('DROP TEMPORARY TABLE bid')
    expect((await schemaOf('SELECT * FROM bid', s))[0]).toBe('auction BIGINT')
  })

  it('returns EXPLAIN text and keeps SET options per statement', async () => {
    const [, , , explained, , query] = await session().planScript(`
      SET 'parallelism.default' = '2';
      SET 'table.exec.mini-batch.enabled' = 'true';
      SET 'table.exec.mini-batch.allow-latency' = '1 s';
      EXPLAIN SELECT site, COUNT(*) FROM traffic.clickstream GROUP BY site;
      RESET 'table.exec.mini-batch.enabled';
      SELECT site, COUNT(*) FROM traffic.clickstream GROUP BY site`)
    if (explained?.kind !== 'explain' || query?.kind !== 'query')
      throw new Error('expected an explanation and a query')
    expect(explained.text).toContain('phase=[local-global], miniBatch=[true]')
    expect(explain(query.plan)).not.toContain('miniBatch')
  })

  it('calls user-defined functions registered in the session', async () => {
    const functions = new FunctionRegistry().register({
      name: 'domain_of',
      parameters: [types.string()],
      returnType: types.string(),
      implementation: (url: string) => new URL(url).hostname,
    })
    const plan = await lastPlan(
      'SELECT domain_of(url) AS domain FROM traffic.pageview',
      session({}, functions),
    )
    expect(explain(plan, { schema: false })).toContain('select=[domain_of(url) AS domain]')
  })

  it('fills unlisted INSERT columns with NULL and static partitions with their value', async () => {
    const plan = await lastPlan(
      "INSERT INTO landing.events PARTITION (dt = '2024-01-31') (user_id, hh) SELECT user_id, '12' FROM traffic.clickstream",
    )
    expect(explain(plan, { schema: false })).toContain(
      "select=[user_id, NULL AS event, '2024-01-31' AS dt, '12' AS hh]",
    )
  })
})
