import { DecodeError } from './errors.ts'

/** A read position that readers advance, so they can return the value itself without allocating a pair. */
export interface ReadCursor {
  offset: number
}

function zigZag(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0
}

function assertInt32(value: number): void {
  if ((value | 0) !== value) throw new RangeError(`${value} is not a 32-bit signed integer`)
}

/** Bytes `writeZigZagVarint` uses for `value`. */
export function zigZagVarintSize(value: number): number {
  assertInt32(value)
  let rest = zigZag(value)
  let size = 1
  while (rest >= 0x80) {
    rest >>>= 7
    size++
  }
  return size
}

/** Writes `value` (a signed 32-bit integer) zig-zag encoded at `offset`; returns the offset after it. */
export function writeZigZagVarint(target: Uint8Array, offset: number, value: number): number {
  assertInt32(value)
  let rest = zigZag(value)
  let position = offset
  while (rest >= 0x80) {
    target[position++] = (rest & 0x7f) | 0x80
    rest >>>= 7
  }
  if (position >= target.length) throw new RangeError('varint does not fit in the target buffer')
  target[position++] = rest
  return position
}

/**
 * Reads a zig-zag varint at `cursor.offset` and advances the cursor. Only the canonical (shortest) encoding
 * of a 32-bit value is accepted: anything else means the bytes are not what the reader thinks they are.
 */
export function readZigZagVarint(source: Uint8Array, cursor: ReadCursor): number {
  const start = cursor.offset
  let position = start
  let bits = 0
  // Terminates by the fifth byte: it either ends the varint or fails the 32-bit check.
  for (let shift = 0; ; shift += 7) {
    if (position >= source.length) {
      throw new DecodeError(
        'TRUNCATED',
        `Varint starting at byte ${start} runs past the end of the record.`,
        { offset: start },
      )
    }
    const byte = source[position++]!
    if (shift === 28 && byte > 0x0f) {
      throw new DecodeError('MALFORMED_VARINT', `Varint at byte ${start} does not fit in 32 bits.`, {
        offset: start,
      })
    }
    bits |= (byte & 0x7f) << shift
    if (byte < 0x80) {
      if (byte === 0 && shift > 0) {
        throw new DecodeError('MALFORMED_VARINT', `Varint at byte ${start} has an overlong encoding.`, {
          offset: start,
        })
      }
      cursor.offset = position
      return (bits >>> 1) ^ -(bits & 1)
    }
  }
}
