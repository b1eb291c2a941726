import { describe, expect, it } from 'vitest'
import { type PlannedStatement, SqlSession } from '../session.ts'
import { testCatalog } from '../testing/fixtures.ts'
import { explain } from './explain.ts'
import type { LogicalPlan } from './nodes.ts'

async function planOf(sql: string, options: Record<string, string> = {}): Promise<LogicalPlan> {
  const results: PlannedStatement[] = await new SqlSession({ resolver: testCatalog(), options }).planScript(
    sql,
  )
  const last = results[results.length - 1]!
  if (last.kind !== 'query' && last.kind !== 'insert' && last.kind !== 'explain')
    throw new Error(`no plan from ${last.kind}`)
  return last.plan
}

/** The plan tree without schemas, which the shape tests do not need. */
async function shape(sql: string, options: Record<string, string> = {}): Promise<string> {
  return `\n${explain(await planOf(sql, options), { schema: false })}\n`
}

const DATAEYE = `
CREATE TEMPORARY VIEW enriched_events AS
SELECT
  e.event_time,
  e.user_id,
  e.event,
  COALESCE(e.site, 'unknown') AS site,
  CASE WHEN e.platform IN ('ios', 'android') THEN 'app' ELSE e.platform END AS platform,
  p.category,
  u.channel,
  CAST(e.amount AS DECIMAL(18, 2)) AS amount
FROM traffic.clickstream AS e
LEFT JOIN dim.product FOR SYSTEM_TIME AS OF e.proc_time AS p
  ON e.product_id = p.product_id
LEFT JOIN dim.\`user\` FOR SYSTEM_TIME AS OF e.proc_time AS u
  ON e.user_id = u.user_id
WHERE e.user_id IS NOT NULL
  AND e.event IN ('pageview', 'click', 'order');

INSERT INTO dataeye.daily_metrics
SELECT
  window_start,
  window_end,
  COALESCE(site, 'ALL') AS site,
  COALESCE(platform, 'ALL') AS platform,
  COALESCE(category, 'ALL') AS category,
  GROUPING(site, platform, category) AS grouping_id,
  COUNT(*) FILTER (WHERE event = 'pageview') AS pv,
  COUNT(DISTINCT user_id) AS uv,
  COUNT(DISTINCT user_id) FILTER (WHERE event = 'order') AS buyers,
  SUM(amount) FILTER (WHERE event = 'order') AS gmv,
  MAX(event_time) AS last_event_time
FROM TABLE(CUMULATE(TABLE enriched_events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '1' DAY))
GROUP BY
  window_start,
  window_end,
  GROUPING SETS ((site, platform, category), (site, platform), (site, category), (site), (platform), (category), ())
HAVING COUNT(*) > 0`

describe('EXPLAIN plan shapes', () => {
  it('Dataeye: lookup joins, CUMULATE window aggregate over grouping sets with COUNT(DISTINCT) and FILTER', async () => {
    expect(await shape(DATAEYE)).toMatchInlineSnapshot(`
      "
      Sink(table=[dataeye.daily_metrics], fields=[window_start, window_end, site, platform, category, grouping_id, pv, uv, buyers, gmv, last_event_time], changelogMode=[I])
      +- Project(select=[window_start, window_end, COALESCE(site, 'ALL') AS site, COALESCE(platform, 'ALL') AS platform, COALESCE(category, 'ALL') AS category, GROUPING(\`$g\`, 2, 1, 0) AS grouping_id, pv, uv, buyers, CAST(gmv AS DECIMAL(18, 2)) AS gmv, last_event_time], changelogMode=[I])
         +- Filter(condition=[(\`$f11\` > 0)], changelogMode=[I])
            +- WindowAggregate(groupBy=[site, platform, category], window=[CUMULATE(time_col=[event_time], max_size=[1 d], step=[1 min])], groupingSets=[(site, platform, category), (site, platform), (site, category), (site), (platform), (category), ()], select=[site, platform, category, $g, COUNT(*) FILTER (WHERE $f5) AS pv, COUNT(DISTINCT user_id) AS uv, COUNT(DISTINCT user_id) FILTER (WHERE $f7) AS buyers, SUM(amount) FILTER (WHERE $f7) AS gmv, MAX(event_time) AS last_event_time, COUNT(*) AS \`$f11\`, window_start, window_end, window_time], changelogMode=[I])
               +- Project(select=[COALESCE(site, 'unknown') AS site, CASE WHEN (platform IN ('ios', 'android')) THEN 'app' ELSE platform END AS platform, category, (event = 'pageview') AS \`$f5\`, user_id, (event = 'order') AS \`$f7\`, CAST(amount AS DECIMAL(18, 2)) AS amount, event_time], changelogMode=[I])
                  +- LookupJoin(table=[dim.product], joinType=[LEFT], lookup=[product_id = product_id], tableFields=[category], changelogMode=[I])
                     +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, event, site, platform, product_id, amount], filter=[(user_id IS NOT NULL) AND (event IN ('pageview', 'click', 'order'))], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('Dataeye with schemas and changelog modes', async () => {
    expect(`\n${explain(await planOf(DATAEYE))}\n`).toMatchInlineSnapshot(`
      "
      Sink(table=[dataeye.daily_metrics], fields=[window_start, window_end, site, platform, category, grouping_id, pv, uv, buyers, gmv, last_event_time], schema=[window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, site STRING NOT NULL, platform STRING NOT NULL, category STRING NOT NULL, grouping_id BIGINT NOT NULL, pv BIGINT NOT NULL, uv BIGINT NOT NULL, buyers BIGINT NOT NULL, gmv DECIMAL(18, 2), last_event_time TIMESTAMP(3)], changelogMode=[I])
      +- Project(select=[window_start, window_end, COALESCE(site, 'ALL') AS site, COALESCE(platform, 'ALL') AS platform, COALESCE(category, 'ALL') AS category, GROUPING(\`$g\`, 2, 1, 0) AS grouping_id, pv, uv, buyers, CAST(gmv AS DECIMAL(18, 2)) AS gmv, last_event_time], schema=[window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, site STRING NOT NULL, platform STRING NOT NULL, category STRING NOT NULL, grouping_id BIGINT NOT NULL, pv BIGINT NOT NULL, uv BIGINT NOT NULL, buyers BIGINT NOT NULL, gmv DECIMAL(18, 2), last_event_time TIMESTAMP(3)], changelogMode=[I])
         +- Filter(condition=[(\`$f11\` > 0)], schema=[site STRING, platform STRING, category STRING, \`$g\` BIGINT NOT NULL, pv BIGINT NOT NULL, uv BIGINT NOT NULL, buyers BIGINT NOT NULL, gmv DECIMAL(38, 2), last_event_time TIMESTAMP(3), \`$f11\` BIGINT NOT NULL, window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, window_time TIMESTAMP(3) NOT NULL *ROWTIME*], changelogMode=[I])
            +- WindowAggregate(groupBy=[site, platform, category], window=[CUMULATE(time_col=[event_time], max_size=[1 d], step=[1 min])], groupingSets=[(site, platform, category), (site, platform), (site, category), (site), (platform), (category), ()], select=[site, platform, category, $g, COUNT(*) FILTER (WHERE $f5) AS pv, COUNT(DISTINCT user_id) AS uv, COUNT(DISTINCT user_id) FILTER (WHERE $f7) AS buyers, SUM(amount) FILTER (WHERE $f7) AS gmv, MAX(event_time) AS last_event_time, COUNT(*) AS \`$f11\`, window_start, window_end, window_time], schema=[site STRING, platform STRING, category STRING, \`$g\` BIGINT NOT NULL, pv BIGINT NOT NULL, uv BIGINT NOT NULL, buyers BIGINT NOT NULL, gmv DECIMAL(38, 2), last_event_time TIMESTAMP(3), \`$f11\` BIGINT NOT NULL, window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, window_time TIMESTAMP(3) NOT NULL *ROWTIME*], changelogMode=[I])
               +- Project(select=[COALESCE(site, 'unknown') AS site, CASE WHEN (platform IN ('ios', 'android')) THEN 'app' ELSE platform END AS platform, category, (event = 'pageview') AS \`$f5\`, user_id, (event = 'order') AS \`$f7\`, CAST(amount AS DECIMAL(18, 2)) AS amount, event_time], schema=[site STRING NOT NULL, platform STRING, category STRING, \`$f5\` BOOLEAN, user_id BIGINT, \`$f7\` BOOLEAN, amount DECIMAL(18, 2), event_time TIMESTAMP(3) *ROWTIME*], changelogMode=[I])
                  +- LookupJoin(table=[dim.product], joinType=[LEFT], lookup=[product_id = product_id], tableFields=[category], schema=[event_time TIMESTAMP(3) *ROWTIME*, user_id BIGINT, event STRING, site STRING, platform STRING, product_id BIGINT, amount DOUBLE, category STRING], changelogMode=[I])
                     +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, event, site, platform, product_id, amount], filter=[(user_id IS NOT NULL) AND (event IN ('pageview', 'click', 'order'))], watermark=[event_time - 3 s], schema=[event_time TIMESTAMP(3) *ROWTIME*, user_id BIGINT, event STRING, site STRING, platform STRING, product_id BIGINT, amount DOUBLE], changelogMode=[I])
      "
    `)
  })

  it('TUMBLE window aggregate (Nexmark q7 inner query)', async () => {
    expect(
      await shape(`
        SELECT MAX(price) AS maxprice, window_end AS dateTime
        FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
        GROUP BY window_start, window_end`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[maxprice, window_end AS \`dateTime\`], changelogMode=[I])
      +- WindowAggregate(groupBy=[], window=[TUMBLE(time_col=[dateTime], size=[10 s])], select=[MAX(price) AS maxprice, window_start, window_end, window_time], changelogMode=[I])
         +- TableSourceScan(table=[bid], fields=[price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('window aggregate grouped by window_time too, in any key order', async () => {
    expect(
      await shape(`
        SELECT window_time, auction, COUNT(*) AS n
        FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '1' MINUTE))
        GROUP BY window_start, auction, window_end, window_time`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[window_time, auction, n], changelogMode=[I])
      +- WindowAggregate(groupBy=[auction], window=[TUMBLE(time_col=[dateTime], size=[1 min])], select=[auction, COUNT(*) AS n, window_start, window_end, window_time], changelogMode=[I])
         +- TableSourceScan(table=[bid], fields=[auction, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('HOP window aggregate with a filter pushed into the scan', async () => {
    expect(
      await shape(`
        SELECT auction, COUNT(*) AS num, window_start
        FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
        WHERE price > 100
        GROUP BY auction, window_start, window_end`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[auction, num, window_start], changelogMode=[I])
      +- WindowAggregate(groupBy=[auction], window=[HOP(time_col=[dateTime], size=[10 s], slide=[2 s])], select=[auction, COUNT(*) AS num, window_start, window_end, window_time], changelogMode=[I])
         +- Project(select=[auction, \`dateTime\`], changelogMode=[I])
            +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], filter=[(price > 100)], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('unbounded GROUP BY emits updates; into an upsert sink', async () => {
    expect(
      await shape(`
        INSERT INTO dataeye.user_totals
        SELECT user_id, COUNT(*), SUM(amount) FROM traffic.clickstream WHERE event = 'order' GROUP BY user_id`),
    ).toMatchInlineSnapshot(`
      "
      Sink(table=[dataeye.user_totals], fields=[user_id, events, amount], changelogMode=[I,UB,UA])
      +- GroupAggregate(groupBy=[user_id], select=[user_id, COUNT(*) AS EXPR$1, SUM(amount) AS EXPR$2], changelogMode=[I,UB,UA])
         +- Project(select=[user_id, amount], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, event, amount], filter=[(event = 'order')], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('an upsert-kafka scan names the key its changelog is normalized by', async () => {
    expect(
      await shape(`
        CREATE TEMPORARY TABLE stock (sku STRING, warehouse STRING, qty BIGINT, PRIMARY KEY (sku) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = 'stock', 'properties.bootstrap.servers' = 'k:9092',
              'key.format' = 'json', 'value.format' = 'json');
        SELECT warehouse, SUM(qty) AS qty FROM stock GROUP BY warehouse`),
    ).toMatchInlineSnapshot(`
      "
      GroupAggregate(groupBy=[warehouse], select=[warehouse, SUM(qty) AS qty], changelogMode=[I,UB,UA,D])
      +- TableSourceScan(table=[stock], fields=[warehouse, qty], changelogNormalize=[key=[sku]], changelogMode=[I,UB,UA,D])
      "
    `)
  })

  it('Top-N per partition', async () => {
    expect(
      await shape(`
        SELECT auction, price, rn FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid)
        WHERE rn <= 3 AND price > 10`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[auction, price, rn], changelogMode=[I,UB,UA,D])
      +- Filter(condition=[(price > 10)], changelogMode=[I,UB,UA,D])
         +- Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[auction], orderBy=[price DESC], outputRank=[true], changelogMode=[I,UB,UA,D])
            +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('global Top-N from ORDER BY … LIMIT', async () => {
    expect(await shape('SELECT auction, price FROM bid ORDER BY price DESC LIMIT 5')).toMatchInlineSnapshot(`
      "
      Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=5], partitionBy=[], orderBy=[price DESC], outputRank=[false], changelogMode=[I,UB,UA,D])
      +- Project(select=[auction, price], changelogMode=[I])
         +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('window Top-N over a TUMBLE aggregate is an insert-only WindowRank', async () => {
    expect(
      await shape(`
        SELECT * FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum
          FROM (SELECT window_start, window_end, auction, SUM(price) AS price, COUNT(*) AS cnt
                FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' MINUTES))
                GROUP BY window_start, window_end, auction))
        WHERE rownum <= 3`),
    ).toMatchInlineSnapshot(`
      "
      WindowRank(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[10 min])], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[], orderBy=[price DESC], outputRank=[true], changelogMode=[I])
      +- Project(select=[window_start, window_end, auction, price, cnt], changelogMode=[I])
         +- WindowAggregate(groupBy=[auction], window=[TUMBLE(time_col=[dateTime], size=[10 min])], select=[auction, SUM(price) AS price, COUNT(*) AS cnt, window_start, window_end, window_time], changelogMode=[I])
            +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('window Top-N with a rank offset straight after a window TVF', async () => {
    expect(
      await shape(`
        SELECT auction, price, window_start FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY auction, window_end, window_start ORDER BY price DESC) AS rn
          FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '5' SECOND, INTERVAL '10' SECOND)))
        WHERE rn BETWEEN 2 AND 3`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[auction, price, window_start], changelogMode=[I])
      +- WindowRank(window=[HOP(win_start=[window_start], win_end=[window_end], size=[10 s], slide=[5 s])], rankType=[ROW_NUMBER], rankRange=[rankStart=2, rankEnd=3], partitionBy=[auction], orderBy=[price DESC], outputRank=[false], changelogMode=[I])
         +- WindowTableFunction(window=[HOP(time_col=[dateTime], size=[10 s], slide=[5 s])], changelogMode=[I])
            +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('a Top-N partitioned by window_end alone stays an updating Rank', async () => {
    expect(
      await shape(`
        SELECT auction, price FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY window_end ORDER BY price DESC) AS rn
          FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)))
        WHERE rn > 1 AND rn <= 3`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[auction, price], changelogMode=[I,UB,UA,D])
      +- Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=2, rankEnd=3], partitionBy=[window_end], orderBy=[price DESC], outputRank=[false], changelogMode=[I,UB,UA,D])
         +- WindowTableFunction(window=[TUMBLE(time_col=[dateTime], size=[10 s])], changelogMode=[I])
            +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('deduplication keeping the first row per key on processing time is insert-only', async () => {
    expect(
      await shape(`
        SELECT user_id, event FROM (
          SELECT user_id, event, proc_time,
                 ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY proc_time ASC) AS row_num
          FROM traffic.clickstream)
        WHERE row_num = 1`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[user_id, event], changelogMode=[I])
      +- Deduplicate(keep=[FirstRow], key=[user_id], order=[PROCTIME(proc_time)], changelogMode=[I])
         +- Project(select=[user_id, event, PROCTIME() AS proc_time], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, event], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('deduplication keeping the last row on event time', async () => {
    expect(
      await shape(`
        SELECT auction, price FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY dateTime DESC) AS rn FROM bid)
        WHERE rn = 1`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[auction, price], changelogMode=[I,UB,UA])
      +- Deduplicate(keep=[LastRow], key=[auction], order=[ROWTIME(dateTime)], changelogMode=[I,UB,UA])
         +- TableSourceScan(table=[bid], fields=[auction, price, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      "
    `)
  })

  it('lookup join with a computed probe key and a residual condition', async () => {
    expect(
      await shape(`
        SELECT e.user_id, p.category, p.price
        FROM traffic.clickstream AS e
        JOIN dim.product FOR SYSTEM_TIME AS OF e.proc_time AS p
          ON p.product_id = e.product_id + 1000 AND p.price > e.amount
        WHERE e.site = 'shop'`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[user_id, category, price], changelogMode=[I])
      +- LookupJoin(table=[dim.product], joinType=[INNER], lookup=[product_id = $lookup0], tableFields=[category, price], where=[(price > amount)], changelogMode=[I])
         +- Project(select=[user_id, amount, (product_id + 1000) AS \`$lookup0\`], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, site, product_id, amount], filter=[(site = 'shop')], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('UNION ALL with a type widened by CAST and filters pushed into each input', async () => {
    expect(
      await shape(`
        SELECT user_id, url AS what FROM traffic.pageview WHERE user_id > 10
        UNION ALL
        SELECT CAST(auction AS INT), channel FROM bid
        UNION ALL
        SELECT user_id, event FROM traffic.clickstream WHERE event = 'click'`),
    ).toMatchInlineSnapshot(`
      "
      Union(all=[true], fields=[user_id, what], changelogMode=[I])
      :- Project(select=[user_id, url AS what], changelogMode=[I])
      :  +- TableSourceScan(table=[traffic.pageview], fields=[user_id, url, ts], filter=[(user_id > 10)], watermark=[ts - 5 s], changelogMode=[I])
      :- Project(select=[CAST(CAST(auction AS INT) AS BIGINT) AS EXPR$0, channel], changelogMode=[I])
      :  +- TableSourceScan(table=[bid], fields=[auction, channel, dateTime], watermark=[dateTime - 4 s], changelogMode=[I])
      +- Project(select=[user_id, event], changelogMode=[I])
         +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, event], filter=[(event = 'click')], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('regular join with equi keys; a condition on one side is pushed below it', async () => {
    expect(
      await shape(`
        SELECT p.url, c.event
        FROM traffic.pageview AS p JOIN traffic.clickstream AS c ON p.user_id = c.user_id AND p.ts < c.event_time
        WHERE c.site = 'shop'`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[url, event], changelogMode=[I])
      +- Join(joinType=[INNER], keys=[user_id = user_id0], where=[(ts < event_time)], changelogMode=[I])
         :- TableSourceScan(table=[traffic.pageview], fields=[user_id, url, ts], watermark=[ts - 5 s], changelogMode=[I])
         +- Project(select=[event_time, user_id, event], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, event, site], filter=[(site = 'shop')], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('split-distinct with mini-batch at parallelism 2 runs in one phase: COUNT(DISTINCT) and updates', async () => {
    expect(
      await shape(
        'SELECT site, COUNT(DISTINCT user_id) AS uv, COUNT(*) AS pv FROM traffic.clickstream GROUP BY site',
        {
          'parallelism.default': '2',
          'table.optimizer.distinct-agg.split.enabled': 'true',
          'table.exec.mini-batch.enabled': 'true',
          'table.exec.mini-batch.allow-latency': '2 s',
          'table.exec.mini-batch.size': '5000',
        },
      ),
    ).toMatchInlineSnapshot(`
      "
      GroupAggregate(groupBy=[site], select=[site, SUM0($partial0) AS uv, SUM0($partial1) AS pv], splitDistinct=[final], miniBatch=[true], changelogMode=[I,UB,UA,D])
      +- GroupAggregate(groupBy=[site, $bucket], select=[site, $bucket, COUNT(DISTINCT user_id) AS \`$partial0\`, COUNT(*) AS \`$partial1\`], splitDistinct=[partial], miniBatch=[true], changelogMode=[I,UB,UA])
         +- Project(select=[site, user_id, (HASH_CODE(user_id) % 1024) AS \`$bucket\`], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id, site], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('a cascading window aggregate over renamed window bounds reads the upstream window', async () => {
    expect(
      await shape(
        `SELECT site, starttime, SUM(n) AS n FROM (
          SELECT site, platform, window_start AS starttime, window_end AS endtime, COUNT(*) AS n
          FROM TABLE(TUMBLE(TABLE traffic.clickstream, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
          GROUP BY window_start, window_end, site, platform)
        GROUP BY site, starttime, endtime`,
        { 'parallelism.default': '2' },
      ),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[site, window_start AS starttime, n], changelogMode=[I])
      +- WindowAggregate(groupBy=[site], window=[TUMBLE(win_start=[starttime], win_end=[endtime], size=[1 min])], select=[site, SUM(n) AS n, window_start, window_end, window_time], changelogMode=[I])
         +- Project(select=[site, window_start AS starttime, window_end AS endtime, n], changelogMode=[I])
            +- WindowAggregate(groupBy=[site, platform], window=[TUMBLE(time_col=[event_time], size=[1 min])], select=[site, platform, COUNT(*) AS n, window_start, window_end, window_time], phase=[local-global], changelogMode=[I])
               +- Project(select=[site, platform, event_time], changelogMode=[I])
                  +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, site, platform], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('ROLLUP with GROUPING() on an unbounded aggregate', async () => {
    expect(
      await shape(
        'SELECT site, platform, GROUPING(site, platform) AS g, COUNT(*) AS n FROM traffic.clickstream GROUP BY ROLLUP(site, platform)',
      ),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[site, platform, GROUPING(\`$g\`, 1, 0) AS g, n], changelogMode=[I,UB,UA])
      +- GroupAggregate(groupBy=[site, platform], groupingSets=[(site, platform), (site), ()], select=[site, platform, $g, COUNT(*) AS n], changelogMode=[I,UB,UA])
         +- Project(select=[site, platform], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, site, platform], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })

  it('SESSION window with PARTITION BY', async () => {
    expect(
      await shape(`
        SELECT user_id, COUNT(*) AS clicks, window_start, window_end
        FROM TABLE(SESSION(TABLE traffic.clickstream PARTITION BY user_id, DESCRIPTOR(event_time), INTERVAL '30' MINUTE))
        GROUP BY user_id, window_start, window_end`),
    ).toMatchInlineSnapshot(`
      "
      Project(select=[user_id, clicks, window_start, window_end], changelogMode=[I])
      +- WindowAggregate(groupBy=[user_id], window=[SESSION(time_col=[event_time], gap=[30 min], partition_keys=[user_id])], select=[user_id, COUNT(*) AS clicks, window_start, window_end, window_time], changelogMode=[I])
         +- Project(select=[user_id, event_time], changelogMode=[I])
            +- TableSourceScan(table=[traffic.clickstream], fields=[event_time, user_id], watermark=[event_time - 3 s], changelogMode=[I])
      "
    `)
  })
})
