/**
 * MurmurHash3 (x86, 32-bit) with 32-bit integer arithmetic via Math.imul. Strings are hashed over their
 * UTF-16 code units (two units per 32-bit block), i.e. murmur3_32 of the UTF-16LE bytes, which avoids
 * encoding to UTF-8 first. The function is deterministic across processes and threads, which is what key
 * partitioning needs.
 */

const C1 = 0xcc9e2d51
const C2 = 0x1b873593

function mixBlock(block: number): number {
  let k = Math.imul(block, C1)
  k = (k << 15) | (k >>> 17)
  return Math.imul(k, C2)
}

function mixState(h: number, block: number): number {
  let state = h ^ mixBlock(block)
  state = (state << 13) | (state >>> 19)
  return (Math.imul(state, 5) + 0xe6546b64) | 0
}

/** The murmur3 finaliser: a bijective avalanche of 32 bits. */
export function fmix32(value: number): number {
  let h = value
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

export function murmur3String(text: string, seed = 0): number {
  const length = text.length
  const pairs = length & ~1
  let h = seed | 0
  for (let i = 0; i < pairs; i += 2) h = mixState(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16))
  if (pairs !== length) h ^= mixBlock(text.charCodeAt(pairs))
  return fmix32(h ^ (length * 2))
}

export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length
  const blocks = length & ~3
  let h = seed | 0
  for (let i = 0; i < blocks; i += 4) {
    h = mixState(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))
  }
  let tail = 0
  for (let i = length - 1; i >= blocks; i--) tail = (tail << 8) | bytes[i]!
  if (blocks !== length) h ^= mixBlock(tail)
  return fmix32(h ^ length)
}

/** murmur3_32 of a 64-bit value given as two 32-bit words (low word first, as in little-endian bytes). */
export function murmur3Int64(high: number, low: number, seed = 0): number {
  return fmix32(mixState(mixState(seed | 0, low), high) ^ 8)
}

/**
 * Two murmur3_32 hashes of one string with different seeds, in a single pass over the string: together a
 * 64-bit hash. Results go to `hash64Out` ([high, low]) so the hot path allocates nothing.
 */
export function murmur3StringPair(
  text: string,
  seedHigh: number,
  seedLow: number,
  hash64Out: Int32Array,
): void {
  const length = text.length
  const pairs = length & ~1
  let high = seedHigh | 0
  let low = seedLow | 0
  for (let i = 0; i < pairs; i += 2) {
    const block = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)
    high = mixState(high, block)
    low = mixState(low, block)
  }
  if (pairs !== length) {
    const tail = mixBlock(text.charCodeAt(pairs))
    high ^= tail
    low ^= tail
  }
  hash64Out[0] = fmix32(high ^ (length * 2))
  hash64Out[1] = fmix32(low ^ (length * 2))
}
