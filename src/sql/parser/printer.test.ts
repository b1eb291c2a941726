import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type {
  BinaryOperator,
  Expression,
  IntervalQualifier,
  OrderItem,
  Query,
  SourceSpan,
  WindowDefinition,
  WindowFrame,
} from './ast.ts'
import { parseExpression, parseStatement, parseType, quoteIdentifier, toSql } from './index.ts'
import { withoutSpans } from './test-support.ts'

/** Generated trees carry a placeholder span; the comparison ignores spans anyway. */
const span: SourceSpan = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } }

const identifier = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/),
  // Reserved in Flink or in the parser, mixed case, and names that need backquotes.
  fc.constantFrom(
    'value',
    'user',
    'Year',
    'select',
    'rows',
    'from',
    'Mixed Case',
    'back`quote',
    'dot.ted',
    'ünï',
  ),
)

const binaryOperators: BinaryOperator[] = [
  'OR',
  'AND',
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'IS DISTINCT FROM',
  'IS NOT DISTINCT FROM',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
]

const qualifiers: IntervalQualifier[] = [
  { start: 'MINUTE' },
  { start: 'SECOND', startPrecision: 3 },
  { start: 'SECOND', startPrecision: 2, fractionalPrecision: 6 },
  { start: 'HOUR', end: 'MINUTE' },
  { start: 'DAY', startPrecision: 2, end: 'SECOND', fractionalPrecision: 3 },
  { start: 'YEAR', end: 'MONTH' },
]

const types = [
  'INT',
  'BIGINT NOT NULL',
  'DECIMAL(10, 2)',
  'TIMESTAMP_LTZ(3)',
  'ARRAY<STRING>',
  'ROW<a INT, `b c` MAP<STRING, INT>>',
]

const subqueries = ['SELECT 1', 'SELECT a FROM t WHERE b > 0 UNION ALL SELECT a FROM u'].map(
  (sql) => parseStatement(sql) as Query,
)

const leaf: fc.Arbitrary<Expression> = fc.oneof(
  fc
    .array(identifier, { minLength: 1, maxLength: 3 })
    .map((path): Expression => ({ kind: 'columnRef', path, span })),
  fc.nat().map((n): Expression => ({ kind: 'numericLiteral', text: String(n), form: 'integer', span })),
  fc.tuple(fc.nat(999), fc.stringMatching(/^\d{1,3}$/)).map(
    ([whole, fraction]): Expression => ({
      kind: 'numericLiteral',
      text: `${whole}.${fraction}`,
      form: 'decimal',
      span,
    }),
  ),
  fc
    .tuple(fc.nat(99), fc.integer({ min: -20, max: 20 }))
    .map(([m, e]): Expression => ({ kind: 'numericLiteral', text: `${m}.5e${e}`, form: 'double', span })),
  fc.string({ maxLength: 8 }).map((value): Expression => ({ kind: 'stringLiteral', value, span })),
  fc.boolean().map((value): Expression => ({ kind: 'booleanLiteral', value, span })),
  fc.constant<Expression>({ kind: 'nullLiteral', span }),
  fc.stringMatching(/^([0-9A-F]{2}){0,3}$/).map((hex): Expression => ({ kind: 'binaryLiteral', hex, span })),
  fc
    .tuple(fc.constantFrom('DATE', 'TIME', 'TIMESTAMP' as const), fc.string({ maxLength: 5 }))
    .map(([type, value]): Expression => ({ kind: 'temporalLiteral', type, value, span })),
  fc.tuple(fc.stringMatching(/^\d{1,2}(:\d{2})?$/), fc.boolean(), fc.constantFrom(...qualifiers)).map(
    ([value, negative, qualifier]): Expression => ({
      kind: 'intervalLiteral',
      value,
      negative,
      qualifier,
      span,
    }),
  ),
)

const { expression } = fc.letrec<{ expression: Expression }>((tie) => {
  const expr = tie('expression')
  const exprs = (min: number, max: number) => fc.array(expr, { minLength: min, maxLength: max })
  const orderItem = fc
    .tuple(
      expr,
      fc.constantFrom(undefined, 'ASC', 'DESC' as const),
      fc.constantFrom(undefined, 'FIRST', 'LAST' as const),
    )
    .map(([e, direction, nulls]): OrderItem => ({ kind: 'orderItem', expr: e, direction, nulls, span }))
  const frame: fc.Arbitrary<WindowFrame> = fc
    .tuple(fc.constantFrom('ROWS', 'RANGE' as const), expr)
    .map(([unit, offset]) => ({ unit, start: { type: 'PRECEDING', offset }, end: { type: 'CURRENT ROW' } }))
  const windowSpec: fc.Arbitrary<WindowDefinition> = fc
    .record({
      baseWindow: fc.option(identifier, { nil: undefined }),
      partitionBy: exprs(0, 2),
      orderBy: fc.array(orderItem, { maxLength: 2 }),
      frame: fc.option(frame, { nil: undefined }),
    })
    .map((parts) => ({ kind: 'windowDefinition', ...parts, span }))
  const call = fc
    .record({
      name: fc.constantFrom(
        'f',
        'my_udf',
        'SUM',
        'LEFT',
        'IF',
        'Position',
        'substring',
        'FLOOR',
        'weird name',
        'cast',
      ),
      args: exprs(0, 3),
      distinct: fc.boolean(),
      star: fc.boolean(),
      filter: fc.option(expr, { nil: undefined }),
      over: fc.option(windowSpec, { nil: undefined }),
    })
    .map(({ name, args, distinct, star, filter, over }): Expression => {
      const useStar = star && args.length === 0
      return {
        kind: 'functionCall',
        name,
        args,
        star: useStar,
        distinct: distinct && args.length > 0,
        filter,
        over,
        span,
      }
    })
  return {
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(fc.constantFrom('-', '+', 'NOT' as const), expr)
        .map(([operator, operand]): Expression => ({ kind: 'unary', operator, operand, span })),
      fc
        .tuple(fc.constantFrom(...binaryOperators), expr, expr)
        .map(([operator, left, right]): Expression => ({ kind: 'binary', operator, left, right, span })),
      fc
        .tuple(expr, fc.constantFrom('NULL', 'TRUE', 'FALSE', 'UNKNOWN' as const), fc.boolean())
        .map(([operand, test, negated]): Expression => ({ kind: 'is', operand, test, negated, span })),
      fc.tuple(expr, expr, expr, fc.boolean(), fc.boolean()).map(
        ([operand, low, high, negated, symmetric]): Expression => ({
          kind: 'between',
          operand,
          low,
          high,
          negated,
          symmetric,
          span,
        }),
      ),
      fc
        .tuple(
          expr,
          expr,
          fc.option(expr, { nil: undefined }),
          fc.boolean(),
          fc.constantFrom('LIKE', 'SIMILAR TO' as const),
        )
        .map(
          ([operand, pattern, escapeChar, negated, operator]): Expression => ({
            kind: 'like',
            operator,
            operand,
            pattern,
            escape: escapeChar,
            negated,
            span,
          }),
        ),
      fc
        .tuple(expr, exprs(1, 3), fc.boolean())
        .map(([operand, list, negated]): Expression => ({ kind: 'inList', operand, list, negated, span })),
      fc
        .tuple(expr, fc.constantFrom(...subqueries), fc.boolean())
        .map(
          ([operand, query, negated]): Expression => ({ kind: 'inSubquery', operand, query, negated, span }),
        ),
      fc.constantFrom(...subqueries).map((query): Expression => ({ kind: 'exists', query, span })),
      fc.constantFrom(...subqueries).map((query): Expression => ({ kind: 'scalarSubquery', query, span })),
      fc
        .tuple(
          fc.option(expr, { nil: undefined }),
          fc.array(fc.record({ condition: expr, result: expr }), { minLength: 1, maxLength: 2 }),
          fc.option(expr, { nil: undefined }),
        )
        .map(
          ([operand, whens, otherwise]): Expression => ({ kind: 'case', operand, whens, otherwise, span }),
        ),
      fc.tuple(expr, fc.constantFrom(...types), fc.boolean()).map(
        ([operand, type, safe]): Expression => ({
          kind: 'cast',
          operand,
          type: parseType(type),
          safe,
          span,
        }),
      ),
      fc
        .tuple(fc.constantFrom('YEAR', 'DOW', 'EPOCH', 'SECOND' as const), expr)
        .map(([unit, operand]): Expression => ({ kind: 'extract', unit, operand, span })),
      fc
        .tuple(
          fc.constantFrom('BOTH', 'LEADING', 'TRAILING' as const),
          fc.option(expr, { nil: undefined }),
          expr,
        )
        .map(
          ([side, characters, operand]): Expression => ({ kind: 'trim', side, characters, operand, span }),
        ),
      call,
      fc
        .tuple(expr, identifier)
        .map(([operand, field]): Expression => ({ kind: 'fieldAccess', operand, field, span })),
      fc
        .tuple(expr, expr)
        .map(([operand, index]): Expression => ({ kind: 'subscript', operand, index, span })),
      exprs(0, 3).map((fields): Expression => ({ kind: 'rowConstructor', fields, span })),
      exprs(1, 3).map((elements): Expression => ({ kind: 'arrayConstructor', elements, span })),
      fc
        .array(fc.record({ key: expr, value: expr }), { minLength: 1, maxLength: 2 })
        .map((entries): Expression => ({ kind: 'mapConstructor', entries, span })),
    ),
  }
})

describe('toSql', () => {
  it('prints any expression tree so that it parses back to the same tree', () => {
    fc.assert(
      fc.property(expression, (tree) => {
        const printed = toSql(tree)
        expect(withoutSpans(parseExpression(printed)), printed).toEqual(withoutSpans(tree))
      }),
      { numRuns: 2000 },
    )
  })

  it('adds only the parentheses precedence needs', () => {
    const cases: [string, string][] = [
      ['(a + b) * c', '(a + b) * c'],
      ['a + (b * c)', 'a + b * c'],
      ['(a - b) - c', 'a - b - c'],
      ['a - (b - c)', 'a - (b - c)'],
      ['NOT (a AND b)', 'NOT (a AND b)'],
      ['(NOT a) = b', '(NOT a) = b'],
      ['-(-a)', '- -a'],
      ['(a = b) IS NULL', 'a = b IS NULL'],
      ['(a OR b) BETWEEN c AND (d AND e)', '(a OR b) BETWEEN c AND (d AND e)'],
      ["(a || 'x') LIKE ('%' || b)", "a || 'x' LIKE '%' || b"],
    ]
    for (const [sql, printed] of cases) expect(toSql(parseExpression(sql))).toBe(printed)
  })

  it('quotes identifiers only when Flink needs it', () => {
    expect(quoteIdentifier('event_time')).toBe('event_time')
    expect(quoteIdentifier('value')).toBe('`value`')
    expect(quoteIdentifier('Timestamp')).toBe('`Timestamp`')
    expect(quoteIdentifier('desc')).toBe('`desc`')
    expect(quoteIdentifier('my col')).toBe('`my col`')
    expect(quoteIdentifier('a`b')).toBe('`a``b`')
  })

  it('prints keyword-argument functions in their standard form', () => {
    expect(toSql(parseExpression('substring(s, 1, 2)'))).toBe('substring(s FROM 1 FOR 2)')
    expect(toSql(parseExpression('POSITION(a, b)'))).toBe('POSITION(a IN b)')
    expect(toSql(parseExpression('CEIL(ts TO DAY)'))).toBe('CEIL(ts TO DAY)')
    expect(toSql(parseExpression('TRIM(s)'))).toBe('TRIM(BOTH FROM s)')
    expect(toSql(parseExpression("TIMESTAMPADD(HOUR, 2, TIMESTAMP '2024-01-01 00:00:00')"))).toBe(
      "TIMESTAMPADD(HOUR, 2, TIMESTAMP '2024-01-01 00:00:00')",
    )
    expect(toSql(parseExpression('CURRENT_TIMESTAMP'))).toBe('CURRENT_TIMESTAMP')
  })
})
