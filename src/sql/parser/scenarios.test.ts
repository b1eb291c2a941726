import { describe, expect, it } from 'vitest'
import type { FunctionCall, InsertStatement, JoinRef, Query, Select, SelectExpression } from './ast.ts'
import { parseScript, toSqlScript } from './index.ts'
import { expectRoundTrip, shape, withoutSpans } from './test-support.ts'

/** The Dataeye live-metrics job (DESIGN.md §2): cumulative daily metrics per minute over many dimensions. */
const DATAEYE_JOB = `
-- Dataeye: live metrics per day, cumulated every minute, over site/platform/category
SET 'table.exec.source.idle-timeout' = '10 s';
SET 'pipeline.name' = 'dataeye-daily';

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
FROM TABLE(
  CUMULATE(
    TABLE enriched_events,
    DESCRIPTOR(event_time),
    INTERVAL '1' MINUTE,
    INTERVAL '1' DAY
  )
)
GROUP BY
  window_start,
  window_end,
  GROUPING SETS (
    (site, platform, category),
    (site, platform),
    (site, category),
    (site),
    (platform),
    (category),
    ()
  )
HAVING COUNT(*) > 0;
/* end of job */
`

function selectOf(query: Query): Select {
  if (query.body.kind !== 'select') throw new Error('expected a plain SELECT')
  return query.body
}

function item(select: Select, alias: string): SelectExpression {
  const found = select.items.find((i) => i.kind === 'selectExpression' && i.alias === alias)
  if (found?.kind !== 'selectExpression') throw new Error(`no select item ${alias}`)
  return found
}

describe('Dataeye live metrics job', () => {
  const statements = expectRoundTrip(DATAEYE_JOB)

  it('parses the settings, the enrichment view and the insert', () => {
    expect(statements.map((s) => s.kind)).toEqual(['set', 'set', 'createView', 'insert'])
  })

  it('enriches with two temporal joins against dimension tables', () => {
    const view = statements[2]
    if (view?.kind !== 'createView') throw new Error('expected the view')
    const from = selectOf(view.query).from as JoinRef
    expect(from).toMatchObject({
      joinType: 'LEFT',
      right: {
        name: { path: ['dim', 'user'] },
        systemTime: { path: ['e', 'proc_time'] },
        alias: { name: 'u' },
      },
      left: {
        joinType: 'LEFT',
        left: { kind: 'tableName', name: { path: ['traffic', 'clickstream'] }, alias: { name: 'e' } },
        right: { name: { path: ['dim', 'product'] } },
      },
    })
  })

  it('cumulates over a day in one-minute steps', () => {
    const insert = statements[3] as InsertStatement
    const select = selectOf(insert.source)
    expect(insert.target.path).toEqual(['dataeye', 'daily_metrics'])
    expect(withoutSpans(select.from)).toEqual({
      kind: 'windowTvf',
      input: { kind: 'tableName', name: { kind: 'objectName', path: ['enriched_events'] }, hints: [] },
      partitionBy: [],
      timeColumn: { kind: 'columnRef', path: ['event_time'] },
      window: {
        type: 'CUMULATE',
        step: { kind: 'intervalLiteral', value: '1', negative: false, qualifier: { start: 'MINUTE' } },
        maxSize: { kind: 'intervalLiteral', value: '1', negative: false, qualifier: { start: 'DAY' } },
      },
    })
  })

  it('groups by the window and seven grouping sets', () => {
    const select = selectOf((statements[3] as InsertStatement).source)
    expect(select.groupBy.map((g) => g.kind)).toEqual(['columnRef', 'columnRef', 'groupingSets'])
    const sets = select.groupBy[2]
    if (sets?.kind !== 'groupingSets') throw new Error('expected GROUPING SETS')
    expect(sets.elements.map((e) => (e.kind === 'groupingTuple' ? e.exprs.length : 1))).toEqual([
      3, 2, 2, 1, 1, 1, 0,
    ])
  })

  it('computes PV, exact UV, buyers and GMV with aggregate filters', () => {
    const select = selectOf((statements[3] as InsertStatement).source)
    expect(item(select, 'pv').expr).toMatchObject({ kind: 'functionCall', name: 'COUNT', star: true })
    const uv = item(select, 'uv').expr as FunctionCall
    expect(uv).toMatchObject({ name: 'COUNT', distinct: true })
    expect(uv.filter).toBeUndefined()
    const buyers = item(select, 'buyers').expr as FunctionCall
    expect(buyers).toMatchObject({ distinct: true })
    expect(shape(buyers.filter!)).toBe("(= event 'order')")
    const gmv = item(select, 'gmv').expr as FunctionCall
    expect(shape(gmv)).toBe('SUM(amount)')
    expect(shape(gmv.filter!)).toBe("(= event 'order')")
  })

  it('prints a script that parses back to the same job', () => {
    const printed = toSqlScript(statements)
    expect(withoutSpans(parseScript(printed))).toEqual(withoutSpans(statements))
    expect(printed).toContain('FROM TABLE(CUMULATE(TABLE enriched_events, DESCRIPTOR(event_time), INTERVAL ')
    expect(printed).toContain('LEFT JOIN dim.`user` FOR SYSTEM_TIME AS OF e.proc_time AS u')
  })
})

describe('Nexmark', () => {
  it('q5: hot items over sliding windows', () => {
    const [q5] = expectRoundTrip(`
      SELECT AuctionBids.auction, AuctionBids.num
      FROM (
        SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
        FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
        GROUP BY auction, window_start, window_end
      ) AS AuctionBids
      JOIN (
        SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
        FROM (
          SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
          FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
          GROUP BY auction, window_start, window_end
        ) AS CountBids
        GROUP BY CountBids.starttime, CountBids.endtime
      ) AS MaxBids
      ON AuctionBids.starttime = MaxBids.starttime AND
         AuctionBids.endtime = MaxBids.endtime AND
         AuctionBids.num >= MaxBids.maxn`)
    const join = selectOf(q5 as Query).from as JoinRef
    expect(join).toMatchObject({
      joinType: 'INNER',
      left: { kind: 'derivedTable', alias: { name: 'AuctionBids' } },
      right: { kind: 'derivedTable', alias: { name: 'MaxBids' } },
    })
    expect(shape(join.on!)).toBe(
      '(AND (AND (= AuctionBids.starttime MaxBids.starttime) (= AuctionBids.endtime MaxBids.endtime)) (>= AuctionBids.num MaxBids.maxn))',
    )
  })

  it('q7: highest bid per tumbling window', () => {
    const [q7] = expectRoundTrip(`
      SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
      from bid B
      JOIN (
        SELECT MAX(price) AS maxprice, window_end as dateTime
        FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
        GROUP BY window_start, window_end
      ) B1
      ON B.price = B1.maxprice
      WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND and B1.dateTime;`)
    const select = selectOf(q7 as Query)
    expect(select.from).toMatchObject({ left: { alias: { name: 'B' } }, right: { alias: { name: 'B1' } } })
    expect(shape(select.where!)).toBe('(BETWEEN B.dateTime (- B1.dateTime intervalLiteral) B1.dateTime)')
  })
})

describe('Top-N and deduplication', () => {
  it('Top-N with ROW_NUMBER over a partition', () => {
    const [topN] = expectRoundTrip(`
      SELECT product_id, category, product_name, sales
      FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY sales DESC) AS row_num
        FROM ShopSales)
      WHERE row_num <= 5`)
    const outer = selectOf(topN as Query)
    expect(outer.from).toMatchObject({ kind: 'derivedTable', alias: undefined })
    const inner = selectOf((outer.from as { query: Query }).query)
    expect(inner.items[0]).toMatchObject({ kind: 'selectWildcard' })
    expect(withoutSpans(item(inner, 'row_num').expr)).toEqual({
      kind: 'functionCall',
      name: 'ROW_NUMBER',
      args: [],
      star: false,
      distinct: false,
      over: {
        kind: 'windowDefinition',
        partitionBy: [{ kind: 'columnRef', path: ['category'] }],
        orderBy: [{ kind: 'orderItem', expr: { kind: 'columnRef', path: ['sales'] }, direction: 'DESC' }],
      },
    })
  })

  it('deduplication keeping the first row per key', () => {
    const [dedup] = expectRoundTrip(`
      SELECT order_id, user, product, num
      FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY proctime ASC) AS row_num
        FROM Orders)
      WHERE row_num = 1`)
    const outer = selectOf(dedup as Query)
    expect(shape(outer.where!)).toBe('(= row_num 1)')
    expect(toSqlScript([dedup as Query])).toContain('SELECT order_id, `user`, product, num')
  })
})
