import { describe, expect, it } from 'vitest'
import type { Query, Select, TableRef, WindowTvfRef } from './ast.ts'
import { parseStatement, toSql } from './index.ts'
import { parseOne, shape, syntaxError, withoutSpans } from './test-support.ts'

function query(sql: string): Query {
  return parseOne(sql, 'query')
}

function select(sql: string): Select {
  const body = query(sql).body
  if (body.kind !== 'select') throw new Error(`not a plain SELECT: ${sql}`)
  return body
}

function from(sql: string): TableRef {
  const table = select(sql).from
  if (table === undefined) throw new Error(`no FROM: ${sql}`)
  return table
}

function windowTvf(sql: string): WindowTvfRef {
  const table = from(sql)
  if (table.kind !== 'windowTvf') throw new Error(`not a window TVF: ${sql}`)
  return table
}

describe('select list', () => {
  it('reads aliases with and without AS, stars and qualified stars', () => {
    const { items } = select('SELECT a, b AS x, c y, *, t.*, db.t.* FROM t')
    expect(withoutSpans(items)).toEqual([
      { kind: 'selectExpression', expr: { kind: 'columnRef', path: ['a'] } },
      { kind: 'selectExpression', expr: { kind: 'columnRef', path: ['b'] }, alias: 'x' },
      { kind: 'selectExpression', expr: { kind: 'columnRef', path: ['c'] }, alias: 'y' },
      { kind: 'selectWildcard' },
      { kind: 'selectWildcard', qualifier: ['t'] },
      { kind: 'selectWildcard', qualifier: ['db', 't'] },
    ])
  })

  it('DISTINCT and ALL', () => {
    expect(select('SELECT DISTINCT a FROM t').distinct).toBe(true)
    expect(select('SELECT ALL a FROM t').distinct).toBe(false)
  })

  it('a SELECT without FROM', () => {
    expect(select("SELECT 1, 'x'").from).toBeUndefined()
  })

  it('WHERE, GROUP BY, HAVING', () => {
    const parsed = select('SELECT k, COUNT(*) FROM t WHERE v > 0 GROUP BY k HAVING COUNT(*) > 1')
    expect(shape(parsed.where!)).toBe('(> v 0)')
    expect(withoutSpans(parsed.groupBy)).toEqual([{ kind: 'columnRef', path: ['k'] }])
    expect(shape(parsed.having!)).toBe('(> COUNT(*) 1)')
  })

  it('a named WINDOW clause', () => {
    const parsed = select('SELECT SUM(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts)')
    expect(parsed.windows).toMatchObject([
      { kind: 'namedWindow', name: 'w', definition: { partitionBy: [{}], orderBy: [{}] } },
    ])
  })
})

describe('GROUP BY', () => {
  it('GROUPING SETS with tuples, single columns and the empty set', () => {
    const { groupBy } = select('SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), (a), c, ())')
    expect(withoutSpans(groupBy)).toEqual([
      {
        kind: 'groupingSets',
        elements: [
          {
            kind: 'groupingTuple',
            exprs: [
              { kind: 'columnRef', path: ['a'] },
              { kind: 'columnRef', path: ['b'] },
            ],
          },
          { kind: 'columnRef', path: ['a'] },
          { kind: 'columnRef', path: ['c'] },
          { kind: 'groupingTuple', exprs: [] },
        ],
      },
    ])
  })

  it('ROLLUP and CUBE, mixed with plain expressions', () => {
    const { groupBy } = select('SELECT 1 FROM t GROUP BY window_start, ROLLUP(a, (b, c)), CUBE(d, e)')
    expect(groupBy.map((g) => g.kind)).toEqual(['columnRef', 'rollup', 'cube'])
    expect(groupBy[1]).toMatchObject({ elements: [{ kind: 'columnRef' }, { kind: 'groupingTuple' }] })
  })

  it('a parenthesised expression is not a tuple', () => {
    const { groupBy } = select('SELECT 1 FROM t GROUP BY (a + b) * 2, (c)')
    expect(groupBy.map((g) => g.kind)).toEqual(['binary', 'columnRef'])
  })
})

describe('FROM', () => {
  it('keeps dotted logical names as a path', () => {
    expect(withoutSpans(from('SELECT * FROM traffic.pageview'))).toEqual({
      kind: 'tableName',
      name: { kind: 'objectName', path: ['traffic', 'pageview'] },
      hints: [],
    })
    expect(from('SELECT * FROM cat.db.`orders v2` AS o')).toMatchObject({
      name: { path: ['cat', 'db', 'orders v2'] },
      alias: { name: 'o' },
    })
  })

  it('reads every join type with ON or USING', () => {
    const table = from(
      'SELECT * FROM a JOIN b ON a.id = b.id INNER JOIN c USING (id) LEFT OUTER JOIN d ON TRUE ' +
        'RIGHT JOIN e ON TRUE FULL OUTER JOIN f ON TRUE CROSS JOIN g, h',
    )
    const types: string[] = []
    for (let t: TableRef = table; t.kind === 'join'; t = t.left) types.unshift(t.joinType)
    expect(types).toEqual(['INNER', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'COMMA'])
  })

  it('subqueries in FROM, with or without an alias, and with column aliases', () => {
    expect(from('SELECT * FROM (SELECT a FROM t) AS s (x)')).toMatchObject({
      kind: 'derivedTable',
      alias: { name: 's', columns: ['x'] },
    })
    expect(from('SELECT * FROM (SELECT a FROM t)')).toMatchObject({ kind: 'derivedTable', alias: undefined })
    expect(from("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (id, name)")).toMatchObject({
      query: {
        body: {
          kind: 'values',
          rows: [
            [{}, {}],
            [{}, {}],
          ],
        },
      },
    })
  })

  it('parenthesised joins', () => {
    expect(from('SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.y = b.y')).toMatchObject({
      kind: 'join',
      right: { kind: 'join' },
    })
  })

  it('temporal joins FOR SYSTEM_TIME AS OF', () => {
    const table = from(
      'SELECT * FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.proc_time AS r ON o.currency = r.currency',
    )
    expect(table).toMatchObject({
      kind: 'join',
      right: {
        kind: 'tableName',
        systemTime: { kind: 'columnRef', path: ['o', 'proc_time'] },
        alias: { name: 'r' },
      },
    })
  })

  it('LATERAL TABLE, TABLE(f(…)) and UNNEST', () => {
    expect(from('SELECT * FROM t, LATERAL TABLE(split(s)) AS w (word, len)')).toMatchObject({
      right: {
        kind: 'tableFunction',
        lateral: true,
        call: { name: 'split' },
        alias: { columns: ['word', 'len'] },
      },
    })
    expect(from('SELECT * FROM t LEFT JOIN LATERAL TABLE(f(x)) ON TRUE')).toMatchObject({
      joinType: 'LEFT',
      right: { kind: 'tableFunction' },
    })
    expect(from('SELECT * FROM TABLE(gen(10))')).toMatchObject({ kind: 'tableFunction', lateral: false })
    expect(from('SELECT * FROM t CROSS JOIN UNNEST(tags) WITH ORDINALITY AS u (tag, pos)')).toMatchObject({
      right: { kind: 'unnest', withOrdinality: true, alias: { columns: ['tag', 'pos'] } },
    })
  })

  it('OPTIONS hints on tables', () => {
    expect(
      from("SELECT * FROM kafka_t /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */ AS k"),
    ).toMatchObject({
      hints: [{ kind: 'optionsHint', options: [{ key: 'scan.startup.mode', value: 'earliest-offset' }] }],
      alias: { name: 'k' },
    })
  })
})

describe('window table-valued functions', () => {
  it('TUMBLE with and without an offset', () => {
    const tvf = windowTvf("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' MINUTES))")
    expect(withoutSpans(tvf)).toEqual({
      kind: 'windowTvf',
      input: { kind: 'tableName', name: { kind: 'objectName', path: ['bid'] }, hints: [] },
      partitionBy: [],
      timeColumn: { kind: 'columnRef', path: ['ts'] },
      window: {
        type: 'TUMBLE',
        size: { kind: 'intervalLiteral', value: '10', negative: false, qualifier: { start: 'MINUTE' } },
      },
    })
    const withOffset = windowTvf(
      "SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '-8' HOUR))",
    )
    expect(withOffset.window).toMatchObject({ type: 'TUMBLE', offset: { value: '-8' } })
  })

  it('HOP (slide, size) and CUMULATE (step, max size)', () => {
    expect(
      windowTvf(
        "SELECT * FROM TABLE(HOP(TABLE bid, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE))",
      ).window,
    ).toMatchObject({ type: 'HOP', slide: { value: '5' }, size: { value: '1' } })
    expect(
      windowTvf(
        "SELECT * FROM TABLE(CUMULATE(TABLE bid, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' DAY))",
      ).window,
    ).toMatchObject({ type: 'CUMULATE', step: { value: '1' }, maxSize: { qualifier: { start: 'DAY' } } })
  })

  it('SESSION with PARTITION BY one key or a list', () => {
    const one = windowTvf(
      "SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY item, DESCRIPTOR(ts), INTERVAL '5' MINUTE))",
    )
    expect(one).toMatchObject({
      partitionBy: [{ path: ['item'] }],
      window: { type: 'SESSION', gap: { value: '5' } },
    })
    const two = windowTvf(
      "SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY (item, seller), DESCRIPTOR(ts), INTERVAL '5' MINUTE))",
    )
    expect(two.partitionBy.map((c) => c.path[0])).toEqual(['item', 'seller'])
  })

  it('named arguments in any order give the same tree as positional ones', () => {
    const positional = windowTvf(
      "SELECT * FROM TABLE(HOP(TABLE bid, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE)) AS w",
    )
    const named = windowTvf(
      "SELECT * FROM TABLE(HOP(SIZE => INTERVAL '1' MINUTE, DATA => TABLE bid, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '5' SECOND)) AS w",
    )
    expect(withoutSpans(named)).toEqual(withoutSpans(positional))
    const session = windowTvf(
      "SELECT * FROM TABLE(SESSION(DATA => TABLE bid PARTITION BY item, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '5' MINUTE))",
    )
    expect(session.window.type).toBe('SESSION')
  })

  it('a subquery as the window input', () => {
    const tvf = windowTvf(
      "SELECT * FROM TABLE(TUMBLE((SELECT * FROM bid WHERE price > 10), DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
    )
    expect(tvf.input.kind).toBe('derivedTable')
  })

  it('validates the arguments with precise messages', () => {
    expect(syntaxError('SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))').problem).toBe(
      'TUMBLE needs its SIZE argument',
    )
    expect(
      syntaxError(
        "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' SECOND, 1))",
      ).problem,
    ).toBe('TUMBLE takes at most 4 arguments')
    expect(
      syntaxError(
        "SELECT * FROM TABLE(HOP(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '1' MINUTE))",
      ).problem,
    ).toBe('HOP has no argument GAP (it takes DATA, TIMECOL, SLIDE, SIZE, OFFSET)')
    expect(
      syntaxError("SELECT * FROM TABLE(TUMBLE(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' MINUTE))")
        .problem,
    ).toBe('PARTITION BY is only valid in SESSION windows, not TUMBLE')
    expect(
      syntaxError("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(a, b), INTERVAL '1' MINUTE))").problem,
    ).toBe('DESCRIPTOR takes exactly one time column')
  })
})

describe('set operations, ORDER BY and LIMIT', () => {
  it('UNION ALL, UNION and INTERSECT precedence', () => {
    const { body } = query(
      'SELECT a FROM x UNION ALL SELECT a FROM y UNION SELECT a FROM z INTERSECT SELECT a FROM w',
    )
    expect(body).toMatchObject({
      kind: 'setOperation',
      operator: 'UNION',
      all: false,
      left: { kind: 'setOperation', operator: 'UNION', all: true },
      right: { kind: 'setOperation', operator: 'INTERSECT' },
    })
  })

  it('ORDER BY and LIMIT apply to the whole set operation', () => {
    const parsed = query('SELECT a FROM x UNION ALL SELECT a FROM y ORDER BY a DESC LIMIT 10')
    expect(parsed).toMatchObject({
      body: { kind: 'setOperation' },
      orderBy: [{ direction: 'DESC' }],
      limit: { text: '10' },
    })
  })

  it('parenthesised members keep their own ORDER BY / LIMIT', () => {
    const parsed = query('(SELECT a FROM x ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM y)')
    expect(parsed.body).toMatchObject({
      left: { kind: 'query', limit: { text: '1' } },
      right: { kind: 'query' },
    })
  })

  it('ORDER BY with NULLS FIRST/LAST', () => {
    expect(withoutSpans(query('SELECT a FROM t ORDER BY a ASC NULLS FIRST, b NULLS LAST').orderBy)).toEqual([
      { kind: 'orderItem', expr: { kind: 'columnRef', path: ['a'] }, direction: 'ASC', nulls: 'FIRST' },
      { kind: 'orderItem', expr: { kind: 'columnRef', path: ['b'] }, nulls: 'LAST' },
    ])
  })

  it('LIMIT/OFFSET and FETCH FIRST … ROWS ONLY', () => {
    expect(query('SELECT a FROM t LIMIT 5 OFFSET 10')).toMatchObject({
      limit: { text: '5' },
      offset: { text: '10' },
    })
    expect(query('SELECT a FROM t OFFSET 2 ROWS FETCH NEXT 3 ROWS ONLY')).toMatchObject({
      limit: { text: '3' },
      offset: { text: '2' },
    })
    expect(query('SELECT a FROM t FETCH FIRST ROW ONLY').limit).toMatchObject({ text: '1' })
    expect(query('SELECT a FROM t LIMIT ALL').limit).toBeUndefined()
    expect(withoutSpans(parseStatement('SELECT a FROM t FETCH FIRST 7 ROWS ONLY'))).toEqual(
      withoutSpans(parseStatement('SELECT a FROM t LIMIT 7')),
    )
  })

  it('WITH common table expressions', () => {
    const parsed = query('WITH a (x) AS (SELECT 1), b AS (SELECT x FROM a) SELECT * FROM b')
    expect(parsed.with).toMatchObject([
      { kind: 'commonTableExpr', name: 'a', columns: ['x'] },
      { kind: 'commonTableExpr', name: 'b' },
    ])
  })

  it('VALUES as a query', () => {
    expect(query("VALUES (1, 'a'), (2, 'b')").body).toMatchObject({
      kind: 'values',
      rows: [
        [{}, {}],
        [{}, {}],
      ],
    })
  })

  it('refuses the unsupported forms by name', () => {
    expect(syntaxError('SELECT a FROM t LIMIT 5, 10')).toMatchObject({
      problem: "MySQL's LIMIT offset, count is not supported yet",
      hint: 'write LIMIT count OFFSET offset',
    })
    expect(syntaxError('SELECT a FROM t LIMIT 5 FETCH FIRST 1 ROW ONLY').problem).toBe(
      'a query cannot have both LIMIT and FETCH',
    )
    expect(syntaxError('WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r').problem).toBe(
      'WITH RECURSIVE is not supported yet',
    )
    expect(syntaxError('SELECT /*+ BROADCAST(d) */ * FROM t').problem).toBe(
      'a query hint (/*+ … */ after SELECT) is not supported yet',
    )
    expect(syntaxError("SELECT * FROM t /*+ LOOKUP('table'='d') */").problem).toBe(
      'the LOOKUP hint is not supported yet',
    )
    expect(syntaxError('SELECT * FROM a NATURAL JOIN b').problem).toBe('NATURAL JOIN is not supported yet')
    expect(syntaxError('SELECT * FROM t TABLESAMPLE BERNOULLI(10)').problem).toBe(
      'TABLESAMPLE is not supported yet',
    )
    expect(syntaxError('SELECT * FROM a, LATERAL (SELECT * FROM b)').problem).toBe(
      'a LATERAL subquery is not supported yet',
    )
    expect(syntaxError('SELECT a, ROW_NUMBER() OVER (ORDER BY b) AS rn FROM t QUALIFY rn = 1').problem).toBe(
      'QUALIFY is not supported yet',
    )
  })
})

describe('printing queries', () => {
  it('prints one clause per line and indents subqueries', () => {
    const printed = toSql(
      parseStatement('select a, b from (select a, b from t where a > 1) s where b < 2 order by a'),
    )
    expect(printed).toBe(
      [
        'SELECT a, b',
        'FROM (SELECT a, b',
        '  FROM t',
        '  WHERE a > 1) AS s',
        'WHERE b < 2',
        'ORDER BY a',
      ].join('\n'),
    )
  })
})
