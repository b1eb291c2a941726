import type { AggregateFunction, PartialCodec } from './aggregate-function.ts'

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
 * 2^53 arrive as bigints). The count of values makes SUM of no values null, also after retractions.
 */
interface Summation {
  sum: number
  exact: bigint | null
  count: number
}

function addTo(acc: Summation, value: unknown, sign: 1 | -1): void {
  if (typeof value === 'number') acc.sum += sign * value
  else if (typeof value === 'bigint') acc.exact = (acc.exact ?? 0n) + (sign === 1 ? value : -value)
  else throw new TypeError(`SUM/AVG of a non-numeric value (${typeof value})`)
  acc.count += sign
}

function mergeSums(target: Summation, source: Summation): void {
  target.sum += source.sum
  if (source.exact !== null) target.exact = (target.exact ?? 0n) + source.exact
  target.count += source.count
}

function total(acc: Summation): number | bigint {
  return acc.exact === null ? acc.sum : acc.exact + BigInt(acc.sum)
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

export function sum(): AggregateFunction<Summation> {
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
  /** AVG over an integer column is an integer in Flink (truncated toward zero); over DOUBLE it is a double. */
  readonly integerResult?: boolean
}

export function avg(options: AverageOptions = {}): AggregateFunction<Summation> {
  const integerResult = options.integerResult ?? false
  return {
    name: 'AVG',
    retractable: true,
    create: createSummation,
    add: (acc, value) => addTo(acc, value, 1),
    retract: (acc, value) => addTo(acc, value, -1),
    merge: mergeSums,
    getValue: (acc) => {
      if (acc.count === 0) return null
      const mean = Number(total(acc)) / acc.count
      return integerResult ? Math.trunc(mean) : mean
    },
    partial: summationPartial,
  }
}
