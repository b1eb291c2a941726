import { normaliseInt64 } from '../../engine/int64.ts'
import { invalid } from '../errors.ts'
import { type Literal, literal } from '../expr/bound-expr.ts'
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../functions/runtime/calendar.ts'
import { parseDate, parseTime, parseTimestamp } from '../functions/runtime/temporal-text.ts'
import type {
  IntervalLiteral,
  IntervalUnit,
  Literal as LiteralAst,
  NumericLiteral,
  TemporalLiteral,
} from '../parser/index.ts'
import { MAX_DECIMAL_PRECISION, types } from '../types/logical-type.ts'

const INT_MAX = 2147483647
const BIGINT_LIMIT = 9223372036854775807n

/** A literal of the AST as a typed runtime value; every literal but NULL is NOT NULL. */
export function bindLiteral(ast: LiteralAst): Literal {
  switch (ast.kind) {
    case 'numericLiteral':
      return numericLiteral(ast)
    case 'stringLiteral':
      return literal(ast.value, types.char(Math.max(1, ast.value.length), false))
    case 'binaryLiteral': {
      const bytes = Uint8Array.from(Buffer.from(ast.hex, 'hex'))
      return literal(bytes, types.binary(Math.max(1, bytes.length), false))
    }
    case 'booleanLiteral':
      return literal(ast.value, types.boolean(false))
    case 'nullLiteral':
      return literal(null, types.null())
    case 'temporalLiteral':
      return temporalLiteral(ast)
    case 'intervalLiteral':
      return intervalLiteral(ast)
  }
}

/** `1` is INT (BIGINT beyond INT, DECIMAL beyond BIGINT), `1.50` DECIMAL(3, 2), `1e3` DOUBLE, as in Flink. */
function numericLiteral(ast: NumericLiteral): Literal {
  const value = Number(ast.text)
  if (ast.form === 'double') return literal(value, types.double(false))
  if (ast.form === 'integer') {
    const magnitude = BigInt(ast.text)
    if (magnitude <= BigInt(INT_MAX)) return literal(value, types.int(false))
    // Beyond 2^53 a BIGINT is a bigint at run time (engine/int64.ts), so the literal keeps every digit.
    if (magnitude <= BIGINT_LIMIT) return literal(normaliseInt64(magnitude), types.bigint(false))
  }
  const [whole = '', fraction = ''] = ast.text.replace(/^0+(?=\d)/, '').split('.')
  const precision = Math.max(1, whole.replace(/^0+/, '').length + fraction.length)
  if (precision > MAX_DECIMAL_PRECISION)
    invalid(ast.span, `numeric literal ${ast.text} has more than 38 digits`)
  return literal(value, types.decimal(precision, fraction.length, false))
}

function temporalLiteral(ast: TemporalLiteral): Literal {
  switch (ast.type) {
    case 'DATE': {
      const days = parseDate(ast.value)
      if (days === null) invalid(ast.span, `invalid DATE literal '${ast.value}'`, "write it as 'yyyy-MM-dd'")
      return literal(days, types.date(false))
    }
    case 'TIME': {
      const ms = parseTime(ast.value)
      if (ms === null)
        invalid(ast.span, `invalid TIME literal '${ast.value}'`, "write it as 'HH:mm:ss[.SSS]'")
      return literal(ms, types.time(fractionDigits(ast.value), false))
    }
    case 'TIMESTAMP': {
      const ms = parseTimestamp(ast.value)
      if (ms === null)
        invalid(
          ast.span,
          `invalid TIMESTAMP literal '${ast.value}'`,
          "write it as 'yyyy-MM-dd HH:mm:ss[.SSS]'",
        )
      return literal(ms, types.timestamp(fractionDigits(ast.value), false))
    }
  }
}

function fractionDigits(text: string): number {
  const match = /\.(\d+)\s*$/.exec(text)
  return match === null ? 0 : Math.min(9, match[1]!.length)
}

const UNIT_MILLIS: Readonly<Record<Exclude<IntervalUnit, 'YEAR' | 'MONTH'>, number>> = {
  DAY: MS_PER_DAY,
  HOUR: MS_PER_HOUR,
  MINUTE: MS_PER_MINUTE,
  SECOND: MS_PER_SECOND,
}

/**
 * INTERVAL literals: year-month intervals as months, day-time intervals as milliseconds. The text follows the
 * qualifier: `'1-6' YEAR TO MONTH`, `'2 12:30:00.5' DAY TO SECOND`, `'90' MINUTE`, `'1.5' SECOND`.
 */
function intervalLiteral(ast: IntervalLiteral): Literal {
  const { start, end } = ast.qualifier
  const text = ast.value.trim()
  const sign = (ast.negative ? -1 : 1) * (text.startsWith('-') ? -1 : 1)
  const body = text.replace(/^[+-]/, '')
  const fail = (): never =>
    invalid(ast.span, `invalid interval '${ast.value}' for ${start}${end === undefined ? '' : ` TO ${end}`}`)
  if (start === 'YEAR' || start === 'MONTH') {
    const match = end === 'MONTH' && start === 'YEAR' ? /^(\d+)-(\d+)$/.exec(body) : /^(\d+)$/.exec(body)
    if (match === null) return fail()
    const months = start === 'YEAR' ? Number(match[1]) * 12 + Number(match[2] ?? 0) : Number(match[1])
    return literal(sign * months, types.intervalYearMonth(false))
  }
  const units: Exclude<IntervalUnit, 'YEAR' | 'MONTH'>[] = ['DAY', 'HOUR', 'MINUTE', 'SECOND']
  const first = units.indexOf(start)
  const last = end === undefined ? first : units.indexOf(end as (typeof units)[number])
  if (last < first) return fail()
  const parts = body.split(/[ :]/)
  if (parts.length !== last - first + 1) return fail()
  let millis = 0
  for (const [i, part] of parts.entries()) {
    const unit = units[first + i]!
    const pattern = unit === 'SECOND' ? /^\d+(\.\d+)?$/ : /^\d+$/
    if (!pattern.test(part)) return fail()
    millis += Math.round(Number(part) * UNIT_MILLIS[unit])
  }
  return literal(sign * millis, types.intervalDayTime(false))
}
