import type { StateKey } from '../state/keyed-state.ts'
import { fmix32, murmur3Bytes, murmur3Int64, murmur3String, murmur3StringPair } from './murmur3.ts'

/**
 * 64-bit keys and hashes of SQL values, written as [high, low] 32-bit words into a caller-owned Int32Array
 * so that per-row hashing allocates nothing.
 */

const SEED_HIGH = 0x2f0b8f3d
const SEED_LOW = 0x6a09e667
const TWO_POW_32 = 4294967296

const doubleView = new Float64Array(1)
const doubleWords = new Int32Array(doubleView.buffer)
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const LOW_WORD = LITTLE_ENDIAN ? 0 : 1
const HIGH_WORD = 1 - LOW_WORD

/**
 * Exact 64-bit identity for integers (safe-integer numbers, int64 bigints, booleans): two different integers
 * never share a key, and the same integer as number or bigint gets the same key. Every other value (strings,
 * fractional doubles, bytes) gets a 64-bit hash. Used by exact COUNT DISTINCT.
 */
export function distinctKey64(value: unknown, out: Int32Array): void {
  if (typeof value === 'number' && Number.isSafeInteger(value)) splitSafeInteger(value, out)
  else if (typeof value === 'bigint') splitBigInt(value, out)
  else if (typeof value === 'boolean') setWords(out, 0, value ? 1 : 0)
  else hashValue64(value, out)
}

/** A well-mixed 64-bit hash of any supported value (for HyperLogLog, which needs uniform bits). */
export function hashValue64(value: unknown, out: Int32Array): void {
  if (typeof value === 'string') {
    murmur3StringPair(value, SEED_HIGH, SEED_LOW, out)
    return
  }
  if (value instanceof Uint8Array) {
    setWords(out, murmur3Bytes(value, SEED_HIGH), murmur3Bytes(value, SEED_LOW))
    return
  }
  // Numbers, bigints and booleans: take their exact 64 bits, then mix them.
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) splitSafeInteger(value, out)
    else doubleBits(value, out)
  } else if (typeof value === 'bigint') splitBigInt(value, out)
  else if (typeof value === 'boolean') setWords(out, 0, value ? 1 : 0)
  else throw new TypeError(`cannot hash a value of type ${describe(value)}`)
  const high = out[0]!
  const low = out[1]!
  setWords(out, murmur3Int64(high, low, SEED_HIGH), murmur3Int64(high, low, SEED_LOW))
}

/** A 32-bit hash of a canonical state key, the input to key-group assignment. */
export function hashStateKey(key: StateKey): number {
  if (typeof key === 'string') return murmur3String(key)
  if (key === null) return 0
  if (Number.isSafeInteger(key)) {
    const high = Math.floor(key / TWO_POW_32)
    return murmur3Int64(high, key - high * TWO_POW_32)
  }
  doubleView[0] = key
  return fmix32(doubleWords[LOW_WORD]! ^ Math.imul(doubleWords[HIGH_WORD]!, 0x9e3779b1))
}

function splitSafeInteger(value: number, out: Int32Array): void {
  const high = Math.floor(value / TWO_POW_32)
  setWords(out, high, value - high * TWO_POW_32)
}

function splitBigInt(value: bigint, out: Int32Array): void {
  setWords(out, Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asIntN(32, value)))
}

function doubleBits(value: number, out: Int32Array): void {
  // One NaN and one zero: SQL treats all NaNs as equal and -0 = 0.
  doubleView[0] = Number.isNaN(value) ? Number.NaN : value === 0 ? 0 : value
  setWords(out, doubleWords[HIGH_WORD]!, doubleWords[LOW_WORD]!)
}

function setWords(out: Int32Array, high: number, low: number): void {
  out[0] = high
  out[1] = low
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? value.constructor.name : typeof value
}
