import { describe, expect, it } from 'vitest'
import type { Expression, FunctionCall, Query, Select } from './ast.ts'
import { parseExpression, toSql } from './index.ts'
import { shape, syntaxError, withoutSpans } from './test-support.ts'

/** Parses an expression and checks that printing it parses back to the same tree. */
function expr(sql: string): Expression {
  const parsed = parseExpression(sql)
  expect(withoutSpans(parseExpression(toSql(parsed))), toSql(parsed)).toEqual(withoutSpans(parsed))
  return parsed
}

function call(sql: string): FunctionCall {
  const parsed = expr(sql)
  if (parsed.kind !== 'functionCall') throw new Error(`not a call: ${sql}`)
  return parsed
}

describe('operator precedence (Calcite/Flink)', () => {
  it.each([
    ['a OR b AND NOT c = d + e * f', '(OR a (AND b (NOT (= c (+ d (* e f))))))'],
    ['a AND b OR c AND d', '(OR (AND a b) (AND c d))'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b * c % d', '(% (* (/ a b) c) d)'],
    ['a || b || c', '(|| (|| a b) c)'],
    // || binds like * in Calcite, tighter than +.
    ['a || b + c', '(+ (|| a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['- -a', '(- (- a))'],
    ['-a.b', '(- a.b)'],
    ['NOT a = b', '(NOT (= a b))'],
    ['NOT a IS NULL', '(NOT (IS NULL a))'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = b IS NULL', '(IS NULL (= a b))'],
    ['a IS NOT NULL AND b IS TRUE', '(AND (IS NOT NULL a) (IS TRUE b))'],
    ['a IS NOT FALSE OR b IS UNKNOWN', '(OR (IS NOT FALSE a) (IS UNKNOWN b))'],
    ['a = 1 + 2 BETWEEN 3 AND 4 + 5', '(= a (BETWEEN (+ 1 2) 3 (+ 4 5)))'],
    ['a BETWEEN 1 AND 2 AND b', '(AND (BETWEEN a 1 2) b)'],
    ['a NOT BETWEEN 1 AND 2 OR b', '(OR (NOT BETWEEN a 1 2) b)'],
    ["a LIKE b || '%' AND c", "(AND (LIKE a (|| b '%')) c)"],
    ['a NOT IN (1, 2 + 3) OR b', '(OR (NOT IN a 1 (+ 2 3)) b)'],
    ['a < b = c > d', '(> (= (< a b) c) d)'],
    ['a IS DISTINCT FROM b AND c', '(AND (IS DISTINCT FROM a b) c)'],
    ['a IS NOT DISTINCT FROM b + 1', '(IS NOT DISTINCT FROM a (+ b 1))'],
    ['a <> b AND c != d', '(AND (<> a b) (<> c d))'],
    ['(a OR b) AND c', '(AND (OR a b) c)'],
    ['m[1 + 1].f', '(. ([] m (+ 1 1)) f)'],
    ["f(x)['k'][2]", "([] ([] f(x) 'k') 2)"],
  ])('%s', (sql, expected) => {
    expect(shape(expr(sql))).toBe(expected)
  })
})

describe('literals', () => {
  it('numbers keep their text and say which form they take', () => {
    expect(withoutSpans(expr('42'))).toEqual({ kind: 'numericLiteral', text: '42', form: 'integer' })
    expect(withoutSpans(expr('123.450'))).toEqual({
      kind: 'numericLiteral',
      text: '123.450',
      form: 'decimal',
    })
    expect(withoutSpans(expr('6.02e23'))).toEqual({ kind: 'numericLiteral', text: '6.02e23', form: 'double' })
  })

  it("strings unescape ''", () => {
    expect(withoutSpans(expr("'it''s'"))).toEqual({ kind: 'stringLiteral', value: "it's" })
    expect(toSql(expr("'it''s'"))).toBe("'it''s'")
  })

  it('booleans, NULL and binary strings', () => {
    expect(withoutSpans(expr('TRUE'))).toEqual({ kind: 'booleanLiteral', value: true })
    expect(withoutSpans(expr('false'))).toEqual({ kind: 'booleanLiteral', value: false })
    expect(withoutSpans(expr('NULL'))).toEqual({ kind: 'nullLiteral' })
    expect(withoutSpans(expr("x'CAFE'"))).toEqual({ kind: 'binaryLiteral', hex: 'CAFE' })
  })

  it('DATE, TIME and TIMESTAMP literals', () => {
    expect(withoutSpans(expr("DATE '2024-01-31'"))).toEqual({
      kind: 'temporalLiteral',
      type: 'DATE',
      value: '2024-01-31',
    })
    expect(withoutSpans(expr("TIME '12:30:00'"))).toMatchObject({ type: 'TIME' })
    expect(withoutSpans(expr("timestamp '2024-01-31 12:30:00.123'"))).toMatchObject({ type: 'TIMESTAMP' })
  })

  it('date and time keywords not followed by a string are names', () => {
    expect(withoutSpans(expr('date'))).toEqual({ kind: 'columnRef', path: ['date'] })
  })

  it.each([
    ["INTERVAL '1' MINUTE", { value: '1', negative: false, qualifier: { start: 'MINUTE' } }],
    ["INTERVAL '10' MINUTES", { value: '10', negative: false, qualifier: { start: 'MINUTE' } }],
    ["INTERVAL '1:30' HOUR TO MINUTE", { value: '1:30', qualifier: { start: 'HOUR', end: 'MINUTE' } }],
    ["INTERVAL '10' SECOND(3)", { value: '10', qualifier: { start: 'SECOND', startPrecision: 3 } }],
    [
      "INTERVAL '1.5' SECOND(2, 3)",
      { qualifier: { start: 'SECOND', startPrecision: 2, fractionalPrecision: 3 } },
    ],
    [
      "INTERVAL '1 02:03:04.5' DAY(2) TO SECOND(3)",
      { qualifier: { start: 'DAY', startPrecision: 2, end: 'SECOND', fractionalPrecision: 3 } },
    ],
    ["INTERVAL -'5' DAY", { value: '5', negative: true, qualifier: { start: 'DAY' } }],
    ["INTERVAL '1-6' YEAR TO MONTH", { qualifier: { start: 'YEAR', end: 'MONTH' } }],
  ])('%s', (sql, expected) => {
    expect(withoutSpans(expr(sql))).toMatchObject({ kind: 'intervalLiteral', ...expected })
  })

  it('rejects malformed intervals with a reason', () => {
    expect(syntaxError('INTERVAL 5 MINUTE', parseExpression)).toMatchObject({
      problem: 'an INTERVAL value must be a quoted string',
      hint: "write INTERVAL '5' MINUTE",
    })
    expect(syntaxError("INTERVAL '1' MONTH TO DAY", parseExpression).problem).toBe(
      'INTERVAL MONTH TO DAY is not a valid interval qualifier',
    )
    expect(syntaxError("INTERVAL '1' FORTNIGHT", parseExpression).problem).toMatch(
      /^expected an interval unit/,
    )
    expect(syntaxError("INTERVAL '1' WEEK", parseExpression).problem).toBe(
      'INTERVAL … WEEK is not supported yet',
    )
  })
})

describe('names', () => {
  it('keeps qualified and backquoted names as a path', () => {
    expect(withoutSpans(expr('t.`my col`.f'))).toEqual({ kind: 'columnRef', path: ['t', 'my col', 'f'] })
  })

  it('accepts common column names that Flink reserves, and prints them quoted', () => {
    const parsed = expr('value + `user`.year')
    expect(shape(parsed)).toBe('(+ value user.year)')
    expect(toSql(parsed)).toBe('`value` + `user`.`year`')
  })

  it('reads .field after a non-name as field access', () => {
    expect(shape(expr('(a).f'))).toBe('(. a f)')
    expect(shape(expr('CAST(r AS ROW<f INT>).f'))).toBe('(. cast f)')
  })

  it('refuses reserved words as names', () => {
    expect(syntaxError('select + 1', parseExpression).problem).toBe(
      "expected an expression but found 'select'",
    )
  })
})

describe('predicates', () => {
  it('LIKE and SIMILAR TO with ESCAPE', () => {
    expect(withoutSpans(expr("name NOT LIKE 'a\\_%' ESCAPE '\\'"))).toMatchObject({
      kind: 'like',
      operator: 'LIKE',
      negated: true,
      escape: { kind: 'stringLiteral', value: '\\' },
    })
    expect(withoutSpans(expr("code SIMILAR TO '[0-9]+'"))).toMatchObject({
      kind: 'like',
      operator: 'SIMILAR TO',
    })
    expect(withoutSpans(expr("code NOT SIMILAR TO 'x' ESCAPE '!'"))).toMatchObject({ negated: true })
  })

  it('BETWEEN [SYMMETRIC]', () => {
    expect(withoutSpans(expr('x BETWEEN SYMMETRIC 10 AND 1'))).toMatchObject({
      kind: 'between',
      symmetric: true,
    })
    expect(withoutSpans(expr('x BETWEEN ASYMMETRIC 1 AND 10'))).toMatchObject({ symmetric: false })
  })

  it('IN with a list or a subquery, and EXISTS', () => {
    expect(withoutSpans(expr("site IN ('a', 'b')"))).toMatchObject({ kind: 'inList', negated: false })
    const inSubquery = expr('user_id NOT IN (SELECT user_id FROM blocked)')
    expect(inSubquery).toMatchObject({ kind: 'inSubquery', negated: true })
    const exists = expr('EXISTS (SELECT 1 FROM t WHERE t.a = b)')
    expect(exists.kind).toBe('exists')
  })

  it('scalar subqueries and implicit rows in parentheses', () => {
    const subquery = expr('(SELECT MAX(x) FROM t) + 1')
    expect(subquery).toMatchObject({ kind: 'binary', left: { kind: 'scalarSubquery' } })
    expect(withoutSpans(expr('(a, b)'))).toMatchObject({ kind: 'rowConstructor', fields: [{}, {}] })
  })

  it('refuses quantified comparisons by name', () => {
    expect(syntaxError('a = ANY (SELECT b FROM t)', parseExpression).problem).toBe(
      'quantified comparison (= ANY …) is not supported yet',
    )
  })
})

describe('CASE', () => {
  it('searched CASE', () => {
    const parsed = expr("CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END")
    expect(parsed).toMatchObject({
      kind: 'case',
      operand: undefined,
      whens: [{}, {}],
      otherwise: { value: 'zero' },
    })
  })

  it('simple CASE without ELSE', () => {
    const parsed = expr("CASE platform WHEN 'ios' THEN 'app' END")
    expect(withoutSpans(parsed)).toEqual({
      kind: 'case',
      operand: { kind: 'columnRef', path: ['platform'] },
      whens: [
        {
          condition: { kind: 'stringLiteral', value: 'ios' },
          result: { kind: 'stringLiteral', value: 'app' },
        },
      ],
    })
  })

  it('reports what a CASE may continue with', () => {
    expect(syntaxError('CASE WHEN a THEN b', parseExpression).problem).toBe(
      "expected 'WHEN', 'ELSE' or 'END' but found end of input",
    )
    expect(syntaxError('CASE x WHEN 1, 2 THEN a END', parseExpression).hint).toBe('write one WHEN per value')
  })
})

describe('CAST and types', () => {
  it('CAST and TRY_CAST', () => {
    expect(withoutSpans(expr('CAST(amount AS DECIMAL(10, 2))'))).toEqual({
      kind: 'cast',
      operand: { kind: 'columnRef', path: ['amount'] },
      type: { kind: 'scalarType', name: 'DECIMAL', precision: 10, scale: 2, nullable: true },
      safe: false,
    })
    expect(expr("TRY_CAST('x' AS INT)")).toMatchObject({ kind: 'cast', safe: true })
  })

  it('casts to nested types', () => {
    const parsed = expr('CAST(x AS MAP<STRING, ARRAY<ROW<a INT NOT NULL, b TIMESTAMP_LTZ(3)>>>)')
    expect(toSql(parsed)).toBe('CAST(x AS MAP<STRING, ARRAY<ROW<a INT NOT NULL, b TIMESTAMP_LTZ(3)>>>)')
  })
})

describe('function calls', () => {
  it('COUNT(*), COUNT(DISTINCT x) and FILTER (WHERE …)', () => {
    expect(call('COUNT(*)')).toMatchObject({ name: 'COUNT', star: true, args: [] })
    expect(call('count(DISTINCT user_id)')).toMatchObject({ name: 'count', distinct: true, args: [{}] })
    const filtered = call("SUM(amount) FILTER (WHERE event = 'order')")
    expect(shape(filtered.filter as Expression)).toBe("(= event 'order')")
    expect(call("COUNT(DISTINCT user_id) FILTER (WHERE event = 'order')")).toMatchObject({ distinct: true })
  })

  it('window functions with OVER', () => {
    const rowNumber = call('ROW_NUMBER() OVER (PARTITION BY category ORDER BY sales DESC NULLS LAST)')
    expect(withoutSpans(rowNumber.over)).toEqual({
      kind: 'windowDefinition',
      partitionBy: [{ kind: 'columnRef', path: ['category'] }],
      orderBy: [
        { kind: 'orderItem', expr: { kind: 'columnRef', path: ['sales'] }, direction: 'DESC', nulls: 'LAST' },
      ],
    })
  })

  it('window frames, including RANGE with an INTERVAL', () => {
    const rows = call('SUM(x) OVER (ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)')
    expect(withoutSpans(rows.over?.frame)).toEqual({
      unit: 'ROWS',
      start: { type: 'PRECEDING', offset: { kind: 'numericLiteral', text: '10', form: 'integer' } },
      end: { type: 'CURRENT ROW' },
    })
    const range = call(
      "AVG(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)",
    )
    expect(range.over?.frame).toMatchObject({
      unit: 'RANGE',
      start: { type: 'PRECEDING', offset: { kind: 'intervalLiteral' } },
    })
    const unbounded = call(
      'MAX(x) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)',
    )
    expect(unbounded.over?.frame).toEqual({
      unit: 'ROWS',
      start: { type: 'UNBOUNDED PRECEDING' },
      end: { type: 'UNBOUNDED FOLLOWING' },
    })
  })

  it('normalises the short frame form to BETWEEN … AND CURRENT ROW', () => {
    const short = call('SUM(x) OVER (ORDER BY ts ROWS 5 PRECEDING)')
    const long = call('SUM(x) OVER (ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)')
    expect(withoutSpans(short)).toEqual(withoutSpans(long))
  })

  it('OVER a named window', () => {
    expect(withoutSpans(call('LAG(x) OVER w').over)).toEqual({
      kind: 'windowDefinition',
      baseWindow: 'w',
      partitionBy: [],
      orderBy: [],
    })
    expect(call('LAG(x) OVER (w ORDER BY ts)').over).toMatchObject({ baseWindow: 'w', orderBy: [{}] })
  })

  it('EXTRACT, TRIM, POSITION and both SUBSTRING forms', () => {
    expect(withoutSpans(expr('EXTRACT(HOUR FROM ts)'))).toEqual({
      kind: 'extract',
      unit: 'HOUR',
      operand: { kind: 'columnRef', path: ['ts'] },
    })
    expect(withoutSpans(expr("TRIM(LEADING '0' FROM code)"))).toMatchObject({
      kind: 'trim',
      side: 'LEADING',
      characters: { value: '0' },
    })
    expect(withoutSpans(expr('TRIM(name)'))).toEqual(withoutSpans(expr('TRIM(BOTH FROM name)')))
    expect(withoutSpans(expr("TRIM(' ' FROM name)"))).toMatchObject({
      side: 'BOTH',
      characters: { value: ' ' },
    })
    expect(withoutSpans(expr('SUBSTRING(s FROM 2 FOR 3)'))).toEqual(withoutSpans(expr('SUBSTRING(s, 2, 3)')))
    expect(call('SUBSTRING(s FROM 2)').args).toHaveLength(2)
    expect(shape(expr("POSITION('@' IN email)"))).toBe("POSITION('@', email)")
    expect(shape(expr('POSITION(a || b IN c)'))).toBe('POSITION((|| a b), c)')
  })

  it('FLOOR/CEIL to a unit and TIMESTAMPADD/TIMESTAMPDIFF take bare time units', () => {
    expect(withoutSpans(call('FLOOR(ts TO HOUR)').args[1])).toEqual({ kind: 'timeUnit', unit: 'HOUR' })
    expect(call('CEIL(x)').args).toHaveLength(1)
    expect(withoutSpans(call('TIMESTAMPDIFF(MINUTE, a, b)').args[0])).toEqual({
      kind: 'timeUnit',
      unit: 'MINUTE',
    })
  })

  it('GROUPING, niladic time functions and reserved-word functions', () => {
    expect(call('GROUPING(site, platform)').args).toHaveLength(2)
    expect(call('CURRENT_TIMESTAMP')).toMatchObject({ name: 'CURRENT_TIMESTAMP', args: [] })
    expect(toSql(expr('current_date'))).toBe('current_date')
    expect(call('LOCALTIMESTAMP').args).toEqual([])
    expect(call('LEFT(s, 3)')).toMatchObject({ name: 'LEFT' })
    expect(call("IF(a > 0, 'y', 'n')").args).toHaveLength(3)
  })

  it('row, array and map constructors', () => {
    expect(expr('ROW(a, 1)')).toMatchObject({ kind: 'rowConstructor', fields: [{}, {}] })
    expect(expr('ARRAY[1, 2, 3]')).toMatchObject({ kind: 'arrayConstructor', elements: [{}, {}, {}] })
    expect(expr("MAP['a', 1, 'b', 2]")).toMatchObject({ kind: 'mapConstructor', entries: [{}, {}] })
  })

  it('refuses special argument syntaxes by name instead of misreading them', () => {
    expect(syntaxError("JSON_VALUE(doc, '$.a' RETURNING INT)", parseExpression).problem).toBe(
      'the keyword syntax of JSON_VALUE(…) is not supported yet',
    )
    expect(syntaxError("OVERLAY(s PLACING 'x' FROM 2)", parseExpression).problem).toBe(
      'the keyword syntax of OVERLAY(…) is not supported yet',
    )
    expect(syntaxError("LISTAGG(x, ',') WITHIN GROUP (ORDER BY y)", parseExpression).problem).toBe(
      'WITHIN GROUP (ORDER BY …) is not supported yet',
    )
    expect(syntaxError('ARRAY_AGG(x ORDER BY y)', parseExpression).problem).toBe(
      'ORDER BY inside ARRAY_AGG(…) is not supported yet',
    )
    expect(syntaxError('f(a => 1)', parseExpression).problem).toBe(
      'a named argument in a function call is not supported yet',
    )
    expect(syntaxError('db.f(1)', parseExpression).problem).toBe(
      "qualified function name 'db.f' is not supported yet",
    )
    expect(syntaxError('SUM(x) OVER (ORDER BY ts GROUPS 1 PRECEDING)', parseExpression).problem).toBe(
      'window frame unit GROUPS is not supported yet',
    )
  })
})

describe('spans', () => {
  it('cover exactly the source text of each node', () => {
    const sql = 'a +\n  f(b, 2)'
    const parsed = parseExpression(sql)
    expect(parsed.span).toEqual({
      start: { line: 1, column: 1, offset: 0 },
      end: { line: 2, column: 10, offset: 13 },
    })
    if (parsed.kind !== 'binary') throw new Error('expected a binary expression')
    expect(sql.slice(parsed.right.span.start.offset, parsed.right.span.end.offset)).toBe('f(b, 2)')
  })

  it('locate subqueries inside expressions', () => {
    const sql = 'x IN (SELECT y FROM t)'
    const parsed = parseExpression(sql)
    if (parsed.kind !== 'inSubquery') throw new Error('expected IN (subquery)')
    const query: Query = parsed.query
    const select = query.body as Select
    expect(sql.slice(select.span.start.offset, select.span.end.offset)).toBe('SELECT y FROM t')
  })
})
