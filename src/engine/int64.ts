/**
 * BIGINT values at run time: a `number` while the value is a safe integer (|v| <= 2^53 - 1), a `bigint`
 * beyond. Every producer normalises, so one value has exactly one representation: `===`, Map keys, hashing
 * and grouping then need no special case, and `<` between a number and a bigint is exact in JavaScript.
 * SQL arithmetic on them lives in `sql/functions/runtime/int64-arithmetic.ts`.
 */
export type Int64 = number | bigint

const SAFE_MAX = Number.MAX_SAFE_INTEGER
const SAFE_MIN = Number.MIN_SAFE_INTEGER
const BIG_SAFE_MAX = BigInt(SAFE_MAX)
const BIG_SAFE_MIN = BigInt(SAFE_MIN)
export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

/** The one representation of an int64: a number when safe, a bigint otherwise. */
export function normaliseInt64(value: bigint): Int64 {
  return value >= BIG_SAFE_MIN && value <= BIG_SAFE_MAX ? Number(value) : value
}

/** A mathematical integer wrapped into the signed 64-bit range, as Java's long arithmetic does. */
export function wrapInt64(value: bigint): Int64 {
  return normaliseInt64(BigInt.asIntN(64, value))
}

/** Any integer (number or bigint, normalised or not) in its normal form; does not wrap. */
export function toInt64(value: number | bigint): Int64 {
  return typeof value === 'bigint' ? normaliseInt64(value) : value
}

const INTEGER_TEXT = /^[+-]?\d+$/

/** Decimal digits (with an optional sign) to an int64, or undefined when they are out of the 64-bit range. */
export function parseInt64(digits: string): Int64 | undefined {
  if (!INTEGER_TEXT.test(digits)) return undefined
  // Up to 15 digits are always safe: parse as a number, no bigint allocation.
  if (digits.length <= 15) return Number(digits) + 0
  const value = BigInt(digits)
  return value < INT64_MIN || value > INT64_MAX ? undefined : normaliseInt64(value)
}

/** Whether a value is a BIGINT in its normal form (for validating values a connector hands over). */
export function isInt64(value: unknown): value is Int64 {
  if (typeof value === 'number') return Number.isSafeInteger(value)
  return (
    typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX && normaliseInt64(value) === value
  )
}
