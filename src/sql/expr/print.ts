import { formatDate, formatTime, formatTimestamp } from '../functions/runtime/temporal-text.ts'
import { quoteIdentifier } from '../parser/index.ts'
import type { LogicalType } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import type { BoundExpr, Literal } from './bound-expr.ts'

const INFIX = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'AND',
  'OR',
  'IS DISTINCT FROM',
  'IS NOT DISTINCT FROM',
  'LIKE',
  'SIMILAR TO',
])
const POSTFIX = new Set(['IS NULL', 'IS NOT NULL', 'IS TRUE', 'IS NOT TRUE', 'IS FALSE', 'IS NOT FALSE'])

/**
 * SQL-like text of a bound expression for EXPLAIN: fields by name (`fieldNames[index]`, or `$index`),
 * operators infix and parenthesised, literals as SQL literals.
 */
export function printExpr(expr: BoundExpr, fieldNames: readonly string[]): string {
  const print = (e: BoundExpr): string => printExpr(e, fieldNames)
  switch (expr.kind) {
    case 'input': {
      const name = fieldNames[expr.index]
      return name === undefined ? `$${expr.index}` : quoteIdentifier(name)
    }
    case 'literal':
      return printLiteral(expr)
    case 'call': {
      const args = expr.args
      if (INFIX.has(expr.op) && args.length === 2) return `(${print(args[0]!)} ${expr.op} ${print(args[1]!)})`
      if (POSTFIX.has(expr.op)) return `(${print(args[0]!)} ${expr.op})`
      switch (expr.op) {
        case 'NOT':
          return `NOT(${print(args[0]!)})`
        case 'NEG':
          return `-(${print(args[0]!)})`
        case 'CAST':
        case 'TRY_CAST':
          return `${expr.op}(${print(args[0]!)} AS ${formatType(expr.type)})`
        case 'IN':
          return `(${print(args[0]!)} IN (${args.slice(1).map(print).join(', ')}))`
        case 'BETWEEN':
        case 'BETWEEN SYMMETRIC':
          return `(${print(args[0]!)} ${expr.op} ${print(args[1]!)} AND ${print(args[2]!)})`
        case 'CASE': {
          let text = 'CASE'
          for (let i = 0; i + 1 < args.length; i += 2)
            text += ` WHEN ${print(args[i]!)} THEN ${print(args[i + 1]!)}`
          return `${text} ELSE ${print(args[args.length - 1]!)} END`
        }
        case 'FIELD':
          return `${print(args[0]!)}.${String((args[1] as Literal).value)}`
        case 'ITEM':
          return `${print(args[0]!)}[${print(args[1]!)}]`
        default:
          return `${expr.op}(${args.map(print).join(', ')})`
      }
    }
  }
}

function printLiteral(expr: Literal): string {
  const { value, type } = expr
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number') return printNumber(value, type)
  switch (type.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return `'${String(value).replaceAll("'", "''")}'`
    case 'BOOLEAN':
      return value ? 'TRUE' : 'FALSE'
    case 'SYMBOL':
      return String(value)
    case 'BINARY':
    case 'VARBINARY':
      return `X'${Buffer.from(value as Uint8Array)
        .toString('hex')
        .toUpperCase()}'`
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
}

/** Numbers print as SQL literals of their type: dates, times and intervals in their literal syntax. */
function printNumber(value: number, type: LogicalType): string {
  switch (type.kind) {
    case 'DATE':
      return `DATE '${formatDate(value)}'`
    case 'TIME':
      return `TIME '${formatTime(value, type.precision)}'`
    case 'TIMESTAMP':
      return `TIMESTAMP '${formatTimestamp(value, type.precision)}'`
    case 'INTERVAL_DAY_TIME':
      return `INTERVAL '${value / 1000}' SECOND`
    case 'INTERVAL_YEAR_MONTH':
      return `INTERVAL '${value}' MONTH`
    default:
      return String(value)
  }
}
