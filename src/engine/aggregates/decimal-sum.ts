/**
 * Exact SUM and AVG over DECIMAL(p, s), whose run-time values are doubles rounded to s fraction digits
 * (sql/types/logical-type.ts). Each value is taken as the integer count of 10^-s units it stands for, the
 * units are added exactly (numbers while safe, bigints beyond), and only the total is turned back into the
 * double nearest to it. Adding the doubles themselves would compound a rounding error per row: ten times
 * 0.10 is 0.9999999999999999 in doubles, 1.00 here.
 */

/** A double rounded to `scale` digits → its integer count of 10^-scale units (exact while it has ≤ 15 digits). */
export function decimalUnits(scale: number): (value: unknown) => number | bigint {
  const factor = 10 ** scale
  return (value) => {
    if (typeof value === 'bigint') return value * 10n ** BigInt(scale)
    if (typeof value !== 'number') throw new TypeError(`SUM/AVG of a non-numeric value (${typeof value})`)
    // value * factor lies within a few ulps of the integer the decimal value stands for.
    const units = Math.round(value * factor)
    return Number.isSafeInteger(units) ? units : BigInt(units)
  }
}

/** The double nearest to `units` × 10^-scale (a decimal string parses correctly rounded). */
export function unitsToDouble(units: number | bigint, scale: number): number {
  if (typeof units === 'number' && scale <= 22) return units / 10 ** scale
  return Number(`${units}e-${scale}`)
}

/**
 * The mean of `count` values summing to `units` × 10^-scale, rounded half up (away from zero) to `scale`
 * digits, as the nearest double.
 */
export function decimalMean(units: number | bigint, count: number, scale: number): number {
  if (typeof units === 'number' && Math.abs(units) * 2 <= Number.MAX_SAFE_INTEGER) {
    // Safe integers: the truncated quotient and the remainder are exact in doubles.
    const magnitude = Math.abs(units)
    let quotient = Math.trunc(magnitude / count)
    if ((magnitude - quotient * count) * 2 >= count) quotient += 1
    return unitsToDouble(units < 0 ? -quotient : quotient, scale)
  }
  const exact = BigInt(units)
  const magnitude = exact < 0n ? -exact : exact
  const divisor = BigInt(count)
  let quotient = magnitude / divisor
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n
  return unitsToDouble(exact < 0n ? -quotient : quotient, scale)
}
