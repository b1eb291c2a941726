import { fmix32 } from '../hash/murmur3.ts'

/**
 * A set (optionally a multiset) of 64-bit keys in typed arrays with open addressing and linear probing, for
 * exact COUNT DISTINCT. Plain data plus functions, so it snapshots with structuredClone.
 *
 * Memory: 4 bytes per slot for the low words, plus 4 for high words only once a key needs them (ids below
 * 2^32 never do), plus 4 for counts only when retraction is enabled. Capacity is a power of two kept at most
 * 3/4 full, so 1M distinct 32-bit ids take 2^21 slots = 8 MiB, against roughly 40-60 MiB for a JS Set.
 * Small sets start at 8 slots, so many keys with few distinct values each stay cheap.
 *
 * The all-zero key marks empty slots; it is stored out of line in `zeroCount`.
 */
export interface DistinctSet {
  /** Distinct keys held. */
  size: number
  mask: number
  low: Int32Array
  high: Int32Array | null
  /** Multiplicity per slot when the set must support removing one occurrence at a time. */
  counts: Int32Array | null
  /** Occurrences of the all-zero key (0 = absent). */
  zeroCount: number
}

const INITIAL_CAPACITY = 8

export function createDistinctSet(countOccurrences: boolean): DistinctSet {
  return {
    size: 0,
    mask: INITIAL_CAPACITY - 1,
    low: new Int32Array(INITIAL_CAPACITY),
    high: null,
    counts: countOccurrences ? new Int32Array(INITIAL_CAPACITY) : null,
    zeroCount: 0,
  }
}

function slotOf(high: number, low: number, mask: number): number {
  return fmix32(low ^ Math.imul(high, 0x9e3779b1)) & mask
}

/** Adds `occurrences` of the key (high, low); returns true when the key was new. */
export function addToDistinctSet(set: DistinctSet, high: number, low: number, occurrences = 1): boolean {
  if (high === 0 && low === 0) {
    const isNew = set.zeroCount === 0
    if (isNew) set.size++
    set.zeroCount += occurrences
    return isNew
  }
  if (high !== 0 && set.high === null) set.high = new Int32Array(set.low.length)
  const highs = set.high
  const lows = set.low
  const mask = set.mask
  let slot = slotOf(high, low, mask)
  for (;;) {
    const slotLow = lows[slot]!
    const slotHigh = highs === null ? 0 : highs[slot]!
    if (slotLow === low && slotHigh === high) {
      if (set.counts !== null) set.counts[slot]! += occurrences
      return false
    }
    if (slotLow === 0 && slotHigh === 0) break
    slot = (slot + 1) & mask
  }
  lows[slot] = low
  if (highs !== null) highs[slot] = high
  if (set.counts !== null) set.counts[slot] = occurrences
  set.size++
  if (set.size * 4 > lows.length * 3) grow(set)
  return true
}

/** Removes one occurrence of the key; returns true when its last occurrence went. Needs a counting set. */
export function removeFromDistinctSet(set: DistinctSet, high: number, low: number): boolean {
  const counts = set.counts
  if (counts === null) throw new Error('this distinct set does not count occurrences; it cannot remove')
  if (high === 0 && low === 0) {
    if (set.zeroCount === 0) return false
    set.zeroCount--
    if (set.zeroCount > 0) return false
    set.size--
    return true
  }
  const slot = findSlot(set, high, low)
  if (slot < 0) return false
  counts[slot]!--
  if (counts[slot]! > 0) return false
  deleteSlot(set, slot)
  set.size--
  return true
}

export function distinctSetHas(set: DistinctSet, high: number, low: number): boolean {
  return high === 0 && low === 0 ? set.zeroCount > 0 : findSlot(set, high, low) >= 0
}

/** Adds every key of `source` (with its occurrences) to `target`. */
export function mergeDistinctSets(target: DistinctSet, source: DistinctSet): void {
  if (source.zeroCount > 0) addToDistinctSet(target, 0, 0, source.zeroCount)
  const { low, high, counts } = source
  for (let slot = 0; slot < low.length; slot++) {
    const slotHigh = high === null ? 0 : high[slot]!
    if (low[slot] === 0 && slotHigh === 0) continue
    addToDistinctSet(target, slotHigh, low[slot]!, counts === null ? 1 : counts[slot]!)
  }
}

function findSlot(set: DistinctSet, high: number, low: number): number {
  const { low: lows, high: highs, mask } = set
  if (high !== 0 && highs === null) return -1
  let slot = slotOf(high, low, mask)
  for (;;) {
    const slotLow = lows[slot]!
    const slotHigh = highs === null ? 0 : highs[slot]!
    if (slotLow === low && slotHigh === high) return slot
    if (slotLow === 0 && slotHigh === 0) return -1
    slot = (slot + 1) & mask
  }
}

/**
 * Linear-probing deletion without tombstones: later entries of the same probe run move back into the hole
 * when their home slot does not lie cyclically between the hole and their current slot.
 */
function deleteSlot(set: DistinctSet, removed: number): void {
  const { low: lows, high: highs, counts, mask } = set
  let hole = removed
  let slot = removed
  for (;;) {
    slot = (slot + 1) & mask
    const slotLow = lows[slot]!
    const slotHigh = highs === null ? 0 : highs[slot]!
    if (slotLow === 0 && slotHigh === 0) break
    const home = slotOf(slotHigh, slotLow, mask)
    const stays = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot
    if (stays) continue
    lows[hole] = slotLow
    if (highs !== null) highs[hole] = slotHigh
    if (counts !== null) counts[hole] = counts[slot]!
    hole = slot
  }
  lows[hole] = 0
  if (highs !== null) highs[hole] = 0
  if (counts !== null) counts[hole] = 0
}

function grow(set: DistinctSet): void {
  const { low: oldLows, high: oldHighs, counts: oldCounts } = set
  const capacity = oldLows.length * 2
  set.mask = capacity - 1
  set.low = new Int32Array(capacity)
  set.high = oldHighs === null ? null : new Int32Array(capacity)
  set.counts = oldCounts === null ? null : new Int32Array(capacity)
  const { low: lows, high: highs, counts, mask } = set
  for (let old = 0; old < oldLows.length; old++) {
    const low = oldLows[old]!
    const high = oldHighs === null ? 0 : oldHighs[old]!
    if (low === 0 && high === 0) continue
    let slot = slotOf(high, low, mask)
    while (lows[slot] !== 0 || (highs !== null && highs[slot] !== 0)) slot = (slot + 1) & mask
    lows[slot] = low
    if (highs !== null) highs[slot] = high
    if (counts !== null && oldCounts !== null) counts[slot] = oldCounts[old]!
  }
}
