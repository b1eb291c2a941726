import { type Int64, parseInt64 } from '../../../engine/int64.ts'
import { SqlRuntimeError } from '../../errors.ts'
import type { IntegerKind } from '../../types/logical-type.ts'

/** Numeric helpers with Java/Flink semantics over JS numbers. */

const INTEGER_RANGES: Readonly<Record<IntegerKind, readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}

/** Wraps an integer result into the type's range like Java's two's-complement arithmetic (BIGINT: no-op). */
export function wrapInteger(value: number, kind: IntegerKind): number {
  switch (kind) {
    case 'TINYINT':
      return (value << 24) >> 24
    case 'SMALLINT':
      return (value << 16) >> 16
    case 'INT':
      return value | 0
    case 'BIGINT':
      return value
  }
}

/** A fractional number to an integer type: truncated toward zero, saturating like Java's (int) cast. */
export function truncateToInteger(value: number, kind: IntegerKind): number {
  if (Number.isNaN(value)) return 0
  const [min, max] = INTEGER_RANGES[kind === 'BIGINT' ? 'BIGINT' : 'INT']
  const saturated = Math.min(max, Math.max(min, Math.trunc(value)))
  return kind === 'BIGINT' ? saturated : wrapInteger(saturated, kind)
}

/**
 * Rounds half away from zero to `scale` fraction digits, as Flink rounds DECIMAL (HALF_UP). The product is
 * nudged by one ulp so that decimal ties stored just below the tie (1.005 is 1.00499999…) still round up.
 */
export function roundHalfUp(value: number, scale: number): number {
  const factor = 10 ** scale
  const rounded = Math.round(Math.abs(value) * factor * (1 + Number.EPSILON)) / factor
  return value < 0 ? -rounded : rounded
}

/** A DECIMAL(p, s) value: rounded to s digits, or null when the integer part does not fit (Flink's rule). */
export function toDecimal(value: number, precision: number, scale: number): number | null {
  const rounded = roundHalfUp(value, scale)
  return Math.abs(rounded) >= 10 ** (precision - scale) ? null : rounded
}

/** Integer division truncating toward zero; division by zero is an error, as in Java. */
export function divideIntegers(left: number, right: number): number {
  if (right === 0) throw new SqlRuntimeError('division by zero')
  return Math.trunc(left / right)
}

/** Java's remainder: the sign follows the dividend (JS % already does); zero divisor is an error for integers. */
export function integerRemainder(left: number, right: number): number {
  if (right === 0) throw new SqlRuntimeError('division by zero')
  return left % right
}

/** Java's Double.toString: `1.0`, `1.5E-4`, `1.0E7`. */
export function javaDoubleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value)
    return text.includes('.') ? text : `${text}.0`
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string]
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}

/** Java's Float.toString, approximated: the shortest decimal that rounds back to the same float. */
export function javaFloatText(value: number): string {
  if (!Number.isFinite(value) || value === 0) return javaDoubleText(value)
  const single = Math.fround(value)
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits))
    if (Math.fround(candidate) === single) return javaDoubleText(candidate)
  }
  return javaDoubleText(single)
}

const INTEGER_TEXT = /^[+-]?\d+(\.\d*)?$/

/** A string to an integer type: whitespace trimmed, a fraction truncated; malformed or out of range is an error. */
export function parseInteger(text: string, kind: IntegerKind): number {
  const trimmed = text.trim()
  if (!INTEGER_TEXT.test(trimmed)) throw new SqlRuntimeError(`cannot cast '${text}' to ${kind}`)
  const value = Math.trunc(Number(trimmed))
  const [min, max] = INTEGER_RANGES[kind]
  if (value < min || value > max) throw new SqlRuntimeError(`'${text}' is out of range for ${kind}`)
  return value === 0 ? 0 : value
}

/** A string to BIGINT, exact over the whole 64-bit range: whitespace trimmed, a fraction truncated. */
export function parseBigint(text: string): Int64 {
  const trimmed = text.trim()
  if (!INTEGER_TEXT.test(trimmed)) throw new SqlRuntimeError(`cannot cast '${text}' to BIGINT`)
  const point = trimmed.indexOf('.')
  const value = parseInt64(point === -1 ? trimmed : trimmed.slice(0, point))
  if (value === undefined)
    throw new SqlRuntimeError(
      `'${text}' is out of range for BIGINT (-9223372036854775808 to 9223372036854775807); cast to DECIMAL(38, 0) for larger integers`,
    )
  return value
}

const DOUBLE_TEXT = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[dDfF]?$/

export function parseDouble(text: string): number {
  const trimmed = text.trim()
  if (!DOUBLE_TEXT.test(trimmed)) throw new SqlRuntimeError(`cannot cast '${text}' to DOUBLE`)
  return Number(trimmed.replace(/[dDfF]$/, ''))
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1'])
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0'])

export function parseBoolean(text: string): boolean {
  const word = text.trim().toLowerCase()
  if (TRUE_WORDS.has(word)) return true
  if (FALSE_WORDS.has(word)) return false
  throw new SqlRuntimeError(`cannot cast '${text}' to BOOLEAN`)
}
