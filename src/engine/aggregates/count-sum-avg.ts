import { type Int64, wrapInt64 } from '../int64.ts'
import type { AggregateFunction, PartialCodec } from './aggregate-function.ts'
import { decimalMean, decimalUnits, unitsToDouble } from './decimal-sum.ts'

interface Counter {
  count: number
}

/** COUNT(x) and, called without an argument column, COUNT(*). */
export function count(): AggregateFunction<Counter> {
  return {
    name: 'COUNT',
    retractable: true,
    create: () => ({ count: 0 }),
    add: (acc) => {
      acc.count++
    },
    retract: (acc) => {
      acc.count--
    },
    merge: (target, source) => {
      target.count += source.count
    },
    getValue: (acc) => acc.count,
    partial: { encode: (acc) => acc.count, decode: (value) => ({ count: value as number }) },
  }
}

/**
 * SUM keeps a double for numbers and switches to exact bigint addition for bigint inputs (BIGINT values beyond
 * 2^53 arrive as bigints). Over integers (`integerBits`), a number sum that would leave the safe range moves
 * into the bigint part instead of rounding, so the total is exact; it wraps to the result type's bits only
 * when read, which equals Java's wrapping addition at every step (also across retractions: addition modulo
 * 2^n is a group). The count of values makes SUM of no values null, also after retractions.
 */
interface Summation {
  sum: number
  exact: bigint | null
  count: number
}

const SAFE_MAX = Number.MAX_SAFE_INTEGER

function addTo(acc: Summation, value: unknown, sign: 1 | -1): void {
  if (typeof value === 'number') acc.sum += sign * value
  else if (typeof value === 'bigint') acc.exact = (acc.exact ?? 0n) + (sign === 1 ? value : -value)
  else throw new TypeError(`SUM/AVG of a non-numeric value (${typeof value})`)
  acc.count += sign
}

function addIntegerTo(acc: Summation, value: unknown, sign: 1 | -1): void {
  if (typeof value === 'number') {
    const next = acc.sum + sign * value
    // Both operands are safe integers: a result within the safe range is exact (see int64-arithmetic.ts).
    if (next <= SAFE_MAX && next >= -SAFE_MAX) acc.sum = next
    else {
      acc.exact = (acc.exact ?? 0n) + BigInt(acc.sum) + BigInt(sign * value)
      acc.sum = 0
    }
  } else if (typeof value === 'bigint') acc.exact = (acc.exact ?? 0n) + (sign === 1 ? value : -value)
  else throw new TypeError(`SUM/AVG of a non-numeric value (${typeof value})`)
  acc.count += sign
}

function mergeSums(target: Summation, source: Summation): void {
  target.sum += source.sum
  if (source.exact !== null) target.exact = (target.exact ?? 0n) + source.exact
  target.count += source.count
}

function mergeIntegerSums(target: Summation, source: Summation): void {
  // addIntegerTo counts the partial sum as one value; the source's count replaces that one.
  addIntegerTo(target, source.sum, 1)
  if (source.exact !== null) target.exact = (target.exact ?? 0n) + source.exact
  target.count += source.count - 1
}

function total(acc: Summation): number | bigint {
  return acc.exact === null ? acc.sum : acc.exact + BigInt(acc.sum)
}

/** The exact integer total wrapped to `bits` like Java's int/long, in the engine's int64 normal form. */
function wrappedTotal(acc: Summation, bits: IntegerBits): Int64 {
  if (acc.exact === null) {
    if (bits === 64) return acc.sum
    return acc.sum | 0
  }
  const exact = acc.exact + BigInt(acc.sum)
  return bits === 64 ? wrapInt64(exact) : Number(BigInt.asIntN(32, exact))
}

const createSummation = (): Summation => ({ sum: 0, exact: null, count: 0 })

/** `[sum, count, exact]`, exact null unless bigints were added. */
const summationPartial: PartialCodec<Summation> = {
  encode: (acc) => [acc.sum, acc.count, acc.exact],
  decode: (value) => {
    const [sum, count, exact] = value as [number, number, bigint | null]
    return { sum, count, exact }
  },
}

/** Integer SUMs wrap like Java: 32 bits for an INT result, 64 for BIGINT. */
export type IntegerBits = 32 | 64

export interface SumOptions {
  /** Sum integers exactly and wrap the result to these bits (Flink's SUM over TINYINT…BIGINT). */
  readonly integerBits?: IntegerBits
  /**
   * Sum DECIMAL values of this scale exactly, as integers of 10^-scale units (each value is a double rounded
   * to `scale` digits; see decimal-sum.ts), so a million cents add up to the exact total rather than to a
   * float's rounding of it.
   */
  readonly decimalScale?: number
}

export function sum(options: SumOptions = {}): AggregateFunction<Summation> {
  const bits = options.integerBits
  const scale = options.decimalScale
  if (scale !== undefined) {
    const units = decimalUnits(scale)
    return {
      name: 'SUM',
      retractable: true,
      create: createSummation,
      add: (acc, value) => addIntegerTo(acc, units(value), 1),
      retract: (acc, value) => addIntegerTo(acc, units(value), -1),
      merge: mergeIntegerSums,
      getValue: (acc) => (acc.count === 0 ? null : unitsToDouble(total(acc), scale)),
      partial: summationPartial,
    }
  }
  if (bits !== undefined) {
    return {
      name: 'SUM',
      retractable: true,
      create: createSummation,
      add: (acc, value) => addIntegerTo(acc, value, 1),
      retract: (acc, value) => addIntegerTo(acc, value, -1),
      merge: mergeIntegerSums,
      getValue: (acc) => (acc.count === 0 ? null : wrappedTotal(acc, bits)),
      partial: summationPartial,
    }
  }
  return {
    name: 'SUM',
    retractable: true,
    create: createSummation,
    add: (acc, value) => addTo(acc, value, 1),
    retract: (acc, value) => addTo(acc, value, -1),
    merge: mergeSums,
    getValue: (acc) => (acc.count === 0 ? null : total(acc)),
    partial: summationPartial,
  }
}

export interface AverageOptions {
  /**
   * Average DECIMAL values exactly in units of 10^-decimalScale (see `SumOptions.decimalScale`), the mean
   * rounded half up to that scale, as Flink's AVG over DECIMAL does (its result scale is max(6, s)).
   */
  readonly decimalScale?: number
  /**
   * AVG over an integer column is an integer in Flink (the sum divided by the count, truncated toward zero);
   * over DOUBLE it is a double. Integer averages are computed exactly.
   */
  readonly integerResult?: boolean
}

export function avg(options: AverageOptions = {}): AggregateFunction<Summation> {
  const integerResult = options.integerResult ?? false
  const scale = options.decimalScale
  if (scale !== undefined) {
    const units = decimalUnits(scale)
    return {
      name: 'AVG',
      retractable: true,
      create: createSummation,
      add: (acc, value) => addIntegerTo(acc, units(value), 1),
      retract: (acc, value) => addIntegerTo(acc, units(value), -1),
      merge: mergeIntegerSums,
      getValue: (acc) => (acc.count === 0 ? null : decimalMean(total(acc), acc.count, scale)),
      partial: summationPartial,
    }
  }
  return {
    name: 'AVG',
    retractable: true,
    create: createSummation,
    add: integerResult ? (acc, value) => addIntegerTo(acc, value, 1) : (acc, value) => addTo(acc, value, 1),
    retract: integerResult
      ? (acc, value) => addIntegerTo(acc, value, -1)
      : (acc, value) => addTo(acc, value, -1),
    merge: integerResult ? mergeIntegerSums : mergeSums,
    getValue: (acc) => {
      if (acc.count === 0) return null
      if (integerResult) {
        // Safe integers divide exactly in doubles once truncated (int64-arithmetic.ts); beyond, in bigint.
        if (acc.exact === null) return Math.trunc(acc.sum / acc.count) + 0
        return wrapInt64((acc.exact + BigInt(acc.sum)) / BigInt(acc.count))
      }
      return Number(total(acc)) / acc.count
    },
    partial: summationPartial,
  }
}
