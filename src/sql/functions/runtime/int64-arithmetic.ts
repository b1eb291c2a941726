/**
 * BIGINT arithmetic with Java's `long` semantics (Flink's BIGINT) over the engine's int64 representation
 * (a number while safe, a bigint beyond; see `engine/int64.ts`): results wrap at 64 bits, division truncates,
 * a zero divisor is an error. The fast path stays on numbers; only a result that leaves the safe range goes
 * through bigint.
 */
import { INT64_MAX, INT64_MIN, type Int64, normaliseInt64, wrapInt64 } from '../../../engine/int64.ts'
import { SqlRuntimeError } from '../../errors.ts'

const SAFE_MAX = Number.MAX_SAFE_INTEGER
const SAFE_MIN = Number.MIN_SAFE_INTEGER

// The fast paths below rely on IEEE arithmetic being correctly rounded: for safe-integer operands an exact
// result within ±(2^53 - 1) is computed exactly, and an exact result beyond it rounds to a double beyond it
// (rounding is monotonic), so the range test never accepts a rounded value.

export function addInt64(left: Int64, right: Int64): Int64 {
  if (typeof left === 'number' && typeof right === 'number') {
    const result = left + right
    if (result <= SAFE_MAX && result >= SAFE_MIN) return result
  }
  return wrapInt64(BigInt(left) + BigInt(right))
}

export function subtractInt64(left: Int64, right: Int64): Int64 {
  if (typeof left === 'number' && typeof right === 'number') {
    const result = left - right
    if (result <= SAFE_MAX && result >= SAFE_MIN) return result
  }
  return wrapInt64(BigInt(left) - BigInt(right))
}

export function multiplyInt64(left: Int64, right: Int64): Int64 {
  if (typeof left === 'number' && typeof right === 'number') {
    const result = left * right
    // `+ 0` turns -0 (from 0 * -5) into 0: BIGINT has no negative zero.
    if (result <= SAFE_MAX && result >= SAFE_MIN) return result + 0
  }
  return wrapInt64(BigInt(left) * BigInt(right))
}

/** Java's long division: truncates toward zero, MIN / -1 wraps to MIN, a zero divisor is an error. */
export function divideInt64(left: Int64, right: Int64): Int64 {
  if (right === 0)
    throw new SqlRuntimeError(
      'division by zero: check the divisor, e.g. NULLIF(divisor, 0) makes the result NULL',
    )
  // For safe integers the double quotient truncates to the exact integer quotient: a non-integer quotient
  // is at least 1/|right| away from the next integer, more than half an ulp of it.
  if (typeof left === 'number' && typeof right === 'number') return Math.trunc(left / right) + 0
  return wrapInt64(BigInt(left) / BigInt(right))
}

/** Java's long remainder: the sign follows the dividend; a zero divisor is an error. */
export function remainderInt64(left: Int64, right: Int64): Int64 {
  if (right === 0)
    throw new SqlRuntimeError(
      'division by zero: check the divisor, e.g. NULLIF(divisor, 0) makes the result NULL',
    )
  if (typeof left === 'number' && typeof right === 'number') return (left % right) + 0
  return normaliseInt64(BigInt(left) % BigInt(right))
}

export function negateInt64(value: Int64): Int64 {
  return typeof value === 'number' ? 0 - value : wrapInt64(-value)
}

export function absInt64(value: Int64): Int64 {
  return typeof value === 'number' ? Math.abs(value) : wrapInt64(value < 0n ? -value : value)
}

/** A BIGINT as a double, as Java's `(double) long` rounds it. */
export function int64ToDouble(value: Int64): number {
  return typeof value === 'number' ? value : Number(value)
}

/**
 * A double to BIGINT like Java's `(long) double`: truncated toward zero, NaN is 0, beyond the range saturates
 * at Long.MIN_VALUE / Long.MAX_VALUE.
 */
export function doubleToInt64(value: number): Int64 {
  if (Number.isNaN(value)) return 0
  const truncated = Math.trunc(value) + 0
  if (truncated <= SAFE_MAX && truncated >= SAFE_MIN) return truncated
  if (truncated >= 2 ** 63) return INT64_MAX
  if (truncated <= -(2 ** 63)) return INT64_MIN
  return normaliseInt64(BigInt(truncated))
}
