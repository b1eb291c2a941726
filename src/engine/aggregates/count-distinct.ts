import { distinctKey64 } from '../hash/value-hash.ts'
import type { AggregateFunction, RetractOptions } from './aggregate-function.ts'
import {
  addToDistinctSet,
  createDistinctSet,
  type DistinctSet,
  mergeDistinctSets,
  removeFromDistinctSet,
} from './distinct-set.ts'

const key = new Int32Array(2)

/**
 * Exact COUNT(DISTINCT x) over a typed 64-bit key set (see distinct-set.ts).
 *
 * Integers (ids: safe-integer numbers, int64 bigints) are stored as their own 64 bits, so they are exact with
 * no collision at all. Strings, fractional doubles and bytes are stored as a 64-bit hash (two murmur3_32 with
 * independent seeds): two different values share a hash with probability 2^-64, so among n distinct values
 * the chance of any collision is about n²/2^65, i.e. 3e-8 for n = 1M and 3e-4 for n = 100M, and a collision
 * undercounts by one. That is below any error a dashboard can show, at 8-16 bytes per value instead of the
 * string itself; it is the documented price of keeping 1M-user windows in memory.
 */
export function countDistinct(options: RetractOptions = {}): AggregateFunction<DistinctSet> {
  const retractable = options.retractable ?? false
  return {
    name: 'COUNT_DISTINCT',
    retractable,
    create: () => createDistinctSet(retractable),
    add: (acc, value) => {
      distinctKey64(value, key)
      addToDistinctSet(acc, key[0]!, key[1]!)
    },
    retract: (acc, value) => {
      distinctKey64(value, key)
      removeFromDistinctSet(acc, key[0]!, key[1]!)
    },
    merge: mergeDistinctSets,
    getValue: (acc) => acc.size,
  }
}
