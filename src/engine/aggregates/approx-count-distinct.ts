import { hashValue64 } from '../hash/value-hash.ts'
import type { AggregateFunction } from './aggregate-function.ts'
import { notRetractable } from './aggregate-function.ts'
import {
  addHashToHyperLogLog,
  checkHyperLogLogPrecision,
  createHyperLogLog,
  DEFAULT_HLL_PRECISION,
  estimateHyperLogLog,
  type HyperLogLog,
  mergeHyperLogLogs,
} from './hyperloglog.ts'

const hash = new Int32Array(2)

/** APPROX_COUNT_DISTINCT(x) with a HyperLogLog sketch; mergeable, not retractable. */
export function approxCountDistinct(precision = DEFAULT_HLL_PRECISION): AggregateFunction<HyperLogLog> {
  checkHyperLogLogPrecision(precision)
  return {
    name: 'APPROX_COUNT_DISTINCT',
    retractable: false,
    create: () => createHyperLogLog(precision),
    add: (acc, value) => {
      hashValue64(value, hash)
      addHashToHyperLogLog(acc, hash[0]!, hash[1]!)
    },
    retract: () => notRetractable('APPROX_COUNT_DISTINCT'),
    merge: mergeHyperLogLogs,
    getValue: estimateHyperLogLog,
    // The registers (16 KiB at the default precision), null while empty.
    partial: {
      encode: (acc) => acc.registers,
      decode: (registers) => ({ precision, registers: registers as Uint8Array | null }),
    },
  }
}
