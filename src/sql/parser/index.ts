/**
 * Weir's SQL front end: a hand-written lexer and recursive-descent parser (Pratt for expressions)
 * for the Flink SQL dialect, producing the typed tree in `ast.ts`, and a printer back to Flink SQL.
 * Every failure is a `SqlSyntaxError` with the exact line and column.
 */
import type { DataTypeSpec, Expression, Statement } from './ast.ts'
import { TokenCursor } from './cursor.ts'
import { tokenize } from './lexer.ts'
import { StatementParser } from './parser.ts'
import { QueryParser } from './query.ts'
import { parseDataType } from './types.ts'

export type * from './ast.ts'
export { TIME_UNITS } from './ast.ts'
export { SqlSyntaxError } from './errors.ts'
export { quoteIdentifier, toSql, toSqlScript } from './printer.ts'

/** Parses a script of statements separated by `;`. */
export function parseScript(sql: string): Statement[] {
  return new StatementParser(new TokenCursor(tokenize(sql), sql)).parseScript()
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseStatement(sql: string): Statement {
  return new StatementParser(new TokenCursor(tokenize(sql), sql)).parseSingleStatement()
}

/** Parses one expression, e.g. a filter or a computed column written on its own. */
export function parseExpression(sql: string): Expression {
  const cursor = new TokenCursor(tokenize(sql), sql)
  const expr = new QueryParser(cursor).expressions.parseExpression()
  if (!cursor.atEnd()) cursor.fail('end of input')
  return expr
}

/** Parses a data type such as `ROW<a INT, b ARRAY<STRING>>`, e.g. from a schema mapping. */
export function parseType(sql: string): DataTypeSpec {
  const cursor = new TokenCursor(tokenize(sql), sql)
  const type = parseDataType(cursor)
  if (!cursor.atEnd()) cursor.fail('end of input')
  return type
}
