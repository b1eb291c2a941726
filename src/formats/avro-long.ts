/**
 * An Avro `long` that stays exact: a number while it is a safe integer, a bigint beyond 2^53. avsc's own
 * long type refuses such values; this one is slower (it goes through bigint), so codecs use it only for the
 * records that need it (see avro.ts).
 */
import avro from 'avsc'

export type AvroLong = number | bigint

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER)
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER)

function isAvroLong(value: unknown): value is AvroLong {
  if (typeof value === 'number') return Number.isSafeInteger(value)
  return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX
}

function narrow(value: bigint): AvroLong {
  return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value
}

/** avsc hands a long type created with `noUnpack` the raw zig-zag varint bytes. */
function fromVarint(bytes: Buffer): AvroLong {
  let zigZag = 0n
  let shift = 0n
  for (const byte of bytes) {
    zigZag |= BigInt(byte & 0x7f) << shift
    shift += 7n
  }
  zigZag = BigInt.asUintN(64, zigZag)
  return narrow(BigInt.asIntN(64, (zigZag >> 1n) ^ -(zigZag & 1n)))
}

function toVarint(value: AvroLong): Buffer {
  const signed = BigInt(value)
  let rest = BigInt.asUintN(64, (signed << 1n) ^ (signed >> 63n))
  const bytes: number[] = []
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80)
    rest >>= 7n
  }
  bytes.push(Number(rest))
  return Buffer.from(bytes)
}

/** Schema defaults and avsc's JSON encoding: numbers, or decimal strings for values past 2^53. */
function fromJson(json: unknown): AvroLong {
  if (typeof json === 'number' || typeof json === 'string') {
    const value = narrow(BigInt(json))
    if (isAvroLong(value)) return value
  }
  throw new Error(`${String(json)} is not a 64-bit integer`)
}

function toJson(value: AvroLong): number | string {
  return typeof value === 'bigint' ? value.toString() : value
}

function compare(a: AvroLong, b: AvroLong): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export const exactLongType = avro.types.LongType.__with(
  {
    fromBuffer: fromVarint,
    toBuffer: toVarint,
    fromJSON: fromJson,
    toJSON: toJson,
    isValid: isAvroLong,
    compare,
  },
  true,
)

/**
 * 2^52: avsc's own long type zig-zags with doubles, so a negative value below -2^52 (zig-zag 2|n| - 1, an odd
 * number past 2^53) is rounded to an even one: it writes and reads the wrong value, with the wrong sign,
 * without an error. Values that large are left to `exactLongType`.
 */
const FAST_LIMIT = 2 ** 52

interface TapLike {
  pos: number
}
interface LongInternals {
  _read(tap: TapLike): number
  _write(tap: TapLike, value: unknown): void
}

/**
 * avsc's long for the fast path, refusing (with avsc's own precision-loss error, which sends the record to
 * the exact path) every value of magnitude 2^52 or more, on read and on write.
 */
export function fastLongType(): avro.Type {
  // avsc freezes its types: an object inheriting from one takes the two overrides.
  const base = avro.Type.forSchema('long')
  const type = Object.create(base) as avro.Type
  const internals = type as unknown as LongInternals
  const read = (base as unknown as LongInternals)._read.bind(base)
  const write = (base as unknown as LongInternals)._write.bind(base)
  internals._read = (tap) => {
    const value = read(tap)
    if (value >= FAST_LIMIT || value <= -FAST_LIMIT) throw new Error('potential precision loss')
    return value
  }
  internals._write = (tap, value) => {
    if (typeof value === 'number' && (value >= FAST_LIMIT || value <= -FAST_LIMIT))
      throw new Error('potential precision loss')
    write(tap, value)
  }
  return type
}
