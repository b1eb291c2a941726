import { expect } from 'vitest'
import type { Expression, Statement } from './ast.ts'
import { SqlSyntaxError } from './errors.ts'
import { parseScript, parseStatement, toSqlScript } from './index.ts'

/** A deep copy without `span` properties or undefined fields, for comparing trees "modulo spans". */
export function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans)
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'span' && field !== undefined) copy[key] = withoutSpans(field)
  }
  return copy
}

/** Parses `sql`, prints it, parses the print and checks both trees are the same. */
export function expectRoundTrip(sql: string): Statement[] {
  const statements = parseScript(sql)
  const printed = toSqlScript(statements)
  expect(withoutSpans(parseScript(printed)), printed).toEqual(withoutSpans(statements))
  return statements
}

/** Parses one statement of the given kind, checking the round trip on the way. */
export function parseOne<K extends Statement['kind']>(sql: string, kind: K): Extract<Statement, { kind: K }> {
  expectRoundTrip(sql)
  const statement = parseStatement(sql)
  expect(statement.kind).toBe(kind)
  return statement as Extract<Statement, { kind: K }>
}

/** The error `parse` throws for `sql`; fails the test if it parses. */
export function syntaxError(sql: string, parse: (sql: string) => unknown = parseScript): SqlSyntaxError {
  try {
    parse(sql)
  } catch (error) {
    if (error instanceof SqlSyntaxError) return error
    throw error
  }
  throw new Error(`expected a syntax error for: ${sql}`)
}

/**
 * A compact, fully parenthesised rendering of an expression's structure, so precedence tests read
 * as `(OR a (AND b c))` rather than as nested objects.
 */
export function shape(expr: Expression): string {
  switch (expr.kind) {
    case 'columnRef':
      return expr.path.join('.')
    case 'numericLiteral':
      return expr.text
    case 'stringLiteral':
      return `'${expr.value}'`
    case 'booleanLiteral':
      return expr.value ? 'TRUE' : 'FALSE'
    case 'nullLiteral':
      return 'NULL'
    case 'unary':
      return `(${expr.operator} ${shape(expr.operand)})`
    case 'binary':
      return `(${expr.operator} ${shape(expr.left)} ${shape(expr.right)})`
    case 'is':
      return `(IS ${expr.negated ? 'NOT ' : ''}${expr.test} ${shape(expr.operand)})`
    case 'between':
      return `(${expr.negated ? 'NOT ' : ''}BETWEEN ${shape(expr.operand)} ${shape(expr.low)} ${shape(expr.high)})`
    case 'like':
      return `(${expr.negated ? 'NOT ' : ''}${expr.operator} ${shape(expr.operand)} ${shape(expr.pattern)})`
    case 'inList':
      return `(${expr.negated ? 'NOT ' : ''}IN ${shape(expr.operand)} ${expr.list.map(shape).join(' ')})`
    case 'functionCall':
      return `${expr.name}(${expr.star ? '*' : expr.args.map(shape).join(', ')})`
    case 'fieldAccess':
      return `(. ${shape(expr.operand)} ${expr.field})`
    case 'subscript':
      return `([] ${shape(expr.operand)} ${shape(expr.index)})`
    default:
      return expr.kind
  }
}
