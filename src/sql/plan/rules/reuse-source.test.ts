import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CollectSink } from '../../../engine/index.ts'
import { StaticTableResolver } from '../../catalog/table-resolver.ts'
import { createRuntimeEnv } from '../../compile/compile-expression.ts'
import { planJob } from '../../job/plan-job.ts'
import { planPipeline } from '../../physical/plan-pipeline.ts'
import { type PlannedStatement, SqlSession } from '../../session.ts'
import { testCatalog } from '../../testing/fixtures.ts'
import { explain } from '../explain.ts'
import type { LogicalNode, LogicalPlan, ScanNode } from '../nodes.ts'
import { inputsOfNode } from '../nodes.ts'

const SINKS = `
  CREATE TEMPORARY TABLE a (id BIGINT) WITH ('connector' = 'blackhole');
  CREATE TEMPORARY TABLE b (name STRING, v BIGINT) WITH ('connector' = 'blackhole');`

async function planOf(sql: string, options: Record<string, string> = {}): Promise<LogicalPlan> {
  const results: PlannedStatement[] = await new SqlSession({ resolver: testCatalog(), options }).planScript(
    sql,
  )
  const last = results[results.length - 1]!
  if (last.kind !== 'query' && last.kind !== 'insert') throw new Error(`no plan from ${last.kind}`)
  return last.plan
}

async function shape(sql: string, options: Record<string, string> = {}): Promise<string> {
  return `\n${explain(await planOf(sql, options), { schema: false })}\n`
}

/** The distinct scan nodes of plans (a reused scan counts once). */
function scans(plans: readonly LogicalPlan[]): ScanNode[] {
  const found = new Set<ScanNode>()
  const seen = new Set<LogicalNode>()
  const visit = (node: LogicalNode): void => {
    if (seen.has(node)) return
    seen.add(node)
    if (node.kind === 'scan') found.add(node)
    inputsOfNode(node).forEach(visit)
  }
  for (const plan of plans) (plan.kind === 'insert' ? plan.sinks : [plan.root]).forEach(visit)
  return [...found]
}

describe('source reuse', () => {
  it('reads a table once for a STATEMENT SET, with the filters above the shared scan', async () => {
    expect(
      await shape(`${SINKS}
        EXECUTE STATEMENT SET BEGIN
          INSERT INTO a SELECT user_id FROM traffic.pageview WHERE user_id > 0;
          INSERT INTO b SELECT url, user_id FROM traffic.pageview;
        END;`),
    ).toMatchInlineSnapshot(`
      "
      Sink(table=[a], fields=[id], changelogMode=[I])
      +- Project(select=[user_id], changelogMode=[I])
         +- Filter(condition=[(user_id > 0)], changelogMode=[I])
            +- TableSourceScan(table=[traffic.pageview], fields=[user_id, url, ts], watermark=[ts - 5 s], changelogMode=[I])(reuse_id=[1])
      Sink(table=[b], fields=[name, v], changelogMode=[I])
      +- Project(select=[url, user_id], changelogMode=[I])
         +- Reused(reference_id=[1])
      "
    `)
  })

  it('keeps a filter every reader has in the shared scan', async () => {
    expect(
      await shape(`${SINKS}
        EXECUTE STATEMENT SET BEGIN
          INSERT INTO a SELECT user_id FROM traffic.pageview WHERE user_id > 0;
          INSERT INTO b SELECT url, user_id FROM traffic.pageview WHERE user_id > 0;
        END;`),
    ).toMatchInlineSnapshot(`
      "
      Sink(table=[a], fields=[id], changelogMode=[I])
      +- Project(select=[user_id], changelogMode=[I])
         +- TableSourceScan(table=[traffic.pageview], fields=[user_id, url, ts], filter=[(user_id > 0)], watermark=[ts - 5 s], changelogMode=[I])(reuse_id=[1])
      Sink(table=[b], fields=[name, v], changelogMode=[I])
      +- Project(select=[url, user_id], changelogMode=[I])
         +- Reused(reference_id=[1])
      "
    `)
  })

  it('shares the scan between the two sides of a self-join and of a UNION ALL', async () => {
    expect(
      await shape(
        'SELECT l.user_id, r.url FROM traffic.pageview AS l JOIN traffic.pageview AS r ON l.user_id = r.user_id',
      ),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[user_id, url], changelogMode=[I])
      +- Join(joinType=[INNER], keys=[user_id = user_id0], changelogMode=[I])
         :- Project(select=[user_id, ts], changelogMode=[I])
         :  +- TableSourceScan(table=[traffic.pageview], fields=[user_id, url, ts], watermark=[ts - 5 s], changelogMode=[I])(reuse_id=[1])
         +- Reused(reference_id=[1])
      "
    `)
    expect(
      await shape(`
        SELECT user_id FROM traffic.pageview WHERE url = 'a'
        UNION ALL
        SELECT user_id FROM traffic.pageview WHERE referrer = 'b'`),
    ).toMatchInlineSnapshot(`
      "
      Union(all=[true], fields=[user_id], changelogMode=[I])
      :- Project(select=[user_id], changelogMode=[I])
      :  +- Filter(condition=[(url = 'a')], changelogMode=[I])
      :     +- TableSourceScan(table=[traffic.pageview], fields=[user_id, url, referrer, ts], watermark=[ts - 5 s], changelogMode=[I])(reuse_id=[1])
      +- Project(select=[user_id], changelogMode=[I])
         +- Filter(condition=[(referrer = 'b')], changelogMode=[I])
            +- Reused(reference_id=[1])
      "
    `)
  })

  it("keeps separate scans with SET 'table.optimizer.reuse-source-enabled' = 'false', as Flink", async () => {
    const sql = `${SINKS}
      EXECUTE STATEMENT SET BEGIN
        INSERT INTO a SELECT user_id FROM traffic.pageview WHERE user_id > 0;
        INSERT INTO b SELECT url, user_id FROM traffic.pageview;
      END;`
    expect(scans([await planOf(sql, { 'table.optimizer.reuse-source-enabled': 'false' })])).toHaveLength(2)
    expect(scans([await planOf(`SET 'table.optimizer.reuse-source-enabled' = 'false';${sql}`)])).toHaveLength(
      2,
    )
    expect(scans([await planOf(sql)])).toHaveLength(1)
  })

  it('does not share scans whose OPTIONS hints differ', async () => {
    const plan = await planOf(`${SINKS}
      EXECUTE STATEMENT SET BEGIN
        INSERT INTO a SELECT user_id FROM traffic.pageview /*+ OPTIONS('scan.startup.mode' = 'latest-offset') */;
        INSERT INTO b SELECT url, user_id FROM traffic.pageview;
      END;`)
    expect(scans([plan])).toHaveLength(2)
  })

  it('shares a computed rowtime with its WatermarkAssigner, and an upsert scan with its key', async () => {
    expect(
      await shape(`${SINKS}
        CREATE TEMPORARY TABLE s (id BIGINT, name STRING, v BIGINT, t AS TO_TIMESTAMP_LTZ(id, 3),
          WATERMARK FOR t AS t - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
        EXECUTE STATEMENT SET BEGIN
          INSERT INTO a SELECT id FROM s WHERE v > 0;
          INSERT INTO b SELECT name, v FROM s;
        END;`),
    ).toMatchInlineSnapshot(`
      "
      Sink(table=[a], fields=[id], changelogMode=[I])
      +- Project(select=[id], changelogMode=[I])
         +- Filter(condition=[(v > 0)], changelogMode=[I])
            +- Project(select=[id, v, t], changelogMode=[I])
               +- WatermarkAssigner(rowtime=[t], watermark=[t - 1 s], changelogMode=[I])(reuse_id=[1])
                  +- Project(select=[id, v, TO_TIMESTAMP_LTZ(id, 3) AS t, name], changelogMode=[I])
                     +- TableSourceScan(table=[s], fields=[id, name, v], changelogMode=[I])
      Sink(table=[b], fields=[name, v], changelogMode=[I])
      +- Project(select=[name, v], changelogMode=[I])
         +- Reused(reference_id=[1])
      "
    `)
    expect(
      await shape(`${SINKS}
        CREATE TEMPORARY TABLE u (id BIGINT, name STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'u', 'key.format' = 'json', 'value.format' = 'json');
        EXECUTE STATEMENT SET BEGIN
          INSERT INTO b SELECT name, v FROM u WHERE v > 0;
          INSERT INTO b SELECT name, v FROM u WHERE v < 0;
        END;`),
    ).toMatchInlineSnapshot(`
      "
      Sink(table=[b], fields=[name, v], changelogMode=[I,UB,UA,D])
      +- Filter(condition=[(v > 0)], changelogMode=[I,UB,UA,D])
         +- TableSourceScan(table=[u], fields=[name, v], changelogNormalize=[key=[id]], changelogMode=[I,UB,UA,D])(reuse_id=[1])
      Sink(table=[b], fields=[name, v], changelogMode=[I,UB,UA,D])
      +- Filter(condition=[(v < 0)], changelogMode=[I,UB,UA,D])
         +- Reused(reference_id=[1])
      "
    `)
  })

  it('shares a scan across the separate INSERTs of one job', async () => {
    const job = await planJob({
      script: `${SINKS}
        INSERT INTO a SELECT user_id FROM traffic.pageview WHERE user_id > 0;
        INSERT INTO b SELECT url, user_id FROM traffic.pageview;`,
      resolver: testCatalog(),
    })
    expect(job.inserts).toHaveLength(2)
    expect(scans(job.inserts)).toHaveLength(1)
  })
})

describe('a reused scan at run time', () => {
  let directory: string
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'weir-reuse-'))
    await writeFile(join(directory, 'src.csv'), '1,x,5\n2,y,0\n3,z,-1\n')
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('opens one source and gives each INSERT of a STATEMENT SET its own rows', async () => {
    const statements = await new SqlSession({ resolver: new StaticTableResolver({}) }).planScript(`${SINKS}
      CREATE TEMPORARY TABLE src (id BIGINT, name STRING, v BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${join(directory, 'src.csv')}', 'format' = 'csv');
      EXECUTE STATEMENT SET BEGIN
        INSERT INTO a SELECT id FROM src WHERE v > 0;
        INSERT INTO b SELECT name, v FROM src;
      END;`)
    const plans = statements.flatMap((s): LogicalPlan[] => (s.kind === 'insert' ? [s.plan] : []))
    const sinks = { a: new CollectSink(), b: new CollectSink() }
    const { pipeline, sourceNodes } = await planPipeline(plans, {
      env: createRuntimeEnv(),
      sinkFor: (node) => sinks[node.table.name as 'a' | 'b'],
    })
    await pipeline.run()
    expect(sourceNodes).toHaveLength(1)
    expect(sinks.a.rows).toEqual([[1]])
    expect(sinks.b.rows).toEqual([
      ['x', 5],
      ['y', 0],
      ['z', -1],
    ])
  })

  it('feeds both sides of a self-join from one source', async () => {
    const statements = await new SqlSession({ resolver: new StaticTableResolver({}) }).planScript(`
      CREATE TEMPORARY TABLE src (id BIGINT, name STRING, v BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${join(directory, 'src.csv')}', 'format' = 'csv');
      CREATE TEMPORARY TABLE pairs (l STRING, r STRING) WITH ('connector' = 'blackhole');
      INSERT INTO pairs SELECT l.name, r.name FROM src AS l JOIN src AS r ON l.id = r.id;`)
    const plans = statements.flatMap((s): LogicalPlan[] => (s.kind === 'insert' ? [s.plan] : []))
    const sink = new CollectSink()
    const { pipeline, sourceNodes } = await planPipeline(plans, {
      env: createRuntimeEnv(),
      sinkFor: () => sink,
    })
    await pipeline.run()
    expect(sourceNodes).toHaveLength(1)
    expect(sink.rows.map((row) => row.join('/')).sort()).toEqual(['x/x', 'y/y', 'z/z'])
  })

  it('shares a computed rowtime and its watermarks between a window and a plain INSERT', async () => {
    const statements = await new SqlSession({ resolver: new StaticTableResolver({}) }).planScript(`${SINKS}
      CREATE TEMPORARY TABLE src (id BIGINT, name STRING, v BIGINT, t AS TO_TIMESTAMP_LTZ(id * 60000, 3),
        WATERMARK FOR t AS t)
      WITH ('connector' = 'filesystem', 'path' = '${join(directory, 'src.csv')}', 'format' = 'csv');
      EXECUTE STATEMENT SET BEGIN
        INSERT INTO a SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(t), INTERVAL '2' MINUTE))
          GROUP BY window_start, window_end;
        INSERT INTO b SELECT name, v FROM src WHERE v >= 0;
      END;`)
    const plans = statements.flatMap((s): LogicalPlan[] => (s.kind === 'insert' ? [s.plan] : []))
    const sinks = { a: new CollectSink(), b: new CollectSink() }
    const { pipeline, sourceNodes } = await planPipeline(plans, {
      env: createRuntimeEnv(),
      sinkFor: (node) => sinks[node.table.name as 'a' | 'b'],
    })
    await pipeline.run()
    expect(sourceNodes).toHaveLength(1)
    // Minutes 1, 2, 3: windows [0, 2) and [2, 4).
    expect(sinks.a.rows).toEqual([[1], [2]])
    expect(sinks.b.rows).toEqual([
      ['x', 5],
      ['y', 0],
    ])
  })
})
