import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DecodeError } from './errors.ts'
import { formatErrorOf } from './testing.ts'
import { readZigZagVarint, writeZigZagVarint, zigZagVarintSize } from './varint.ts'

function encode(value: number): Buffer {
  const bytes = Buffer.alloc(zigZagVarintSize(value))
  expect(writeZigZagVarint(bytes, 0, value)).toBe(bytes.length)
  return bytes
}

function decode(bytes: Uint8Array): number {
  return readZigZagVarint(bytes, { offset: 0 })
}

describe('zig-zag varint', () => {
  it('encodes the values the Avro/Protobuf specifications list', () => {
    expect(encode(0)).toEqual(Buffer.from([0x00]))
    expect(encode(-1)).toEqual(Buffer.from([0x01]))
    expect(encode(1)).toEqual(Buffer.from([0x02]))
    expect(encode(-64)).toEqual(Buffer.from([0x7f]))
    expect(encode(64)).toEqual(Buffer.from([0x80, 0x01]))
    expect(encode(2 ** 31 - 1)).toEqual(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]))
    expect(encode(-(2 ** 31))).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))
  })

  it('round-trips every int32 and advances the cursor past exactly the bytes written', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.uint8Array({ maxLength: 3 }),
        (value, tail) => {
          const bytes = Buffer.concat([encode(value), tail])
          const cursor = { offset: 0 }
          expect(readZigZagVarint(bytes, cursor)).toBe(value)
          expect(cursor.offset).toBe(bytes.length - tail.length)
        },
      ),
    )
  })

  it('reads at an offset inside a larger buffer', () => {
    const bytes = Buffer.from([0xaa, 0xbb, 0x80, 0x01, 0xcc])
    const cursor = { offset: 2 }
    expect(readZigZagVarint(bytes, cursor)).toBe(64)
    expect(cursor.offset).toBe(4)
  })

  it('rejects truncated, overlong and out-of-range encodings with typed errors', () => {
    expect(formatErrorOf(() => decode(Buffer.from([]))).reason).toBe('TRUNCATED')
    expect(formatErrorOf(() => decode(Buffer.from([0x80, 0x80]))).reason).toBe('TRUNCATED')
    expect(formatErrorOf(() => decode(Buffer.from([0x80, 0x00]))).reason).toBe('MALFORMED_VARINT')
    expect(formatErrorOf(() => decode(Buffer.from([0x82, 0x80, 0x00]))).reason).toBe('MALFORMED_VARINT')
    expect(formatErrorOf(() => decode(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x10]))).reason).toBe(
      'MALFORMED_VARINT',
    )
    expect(formatErrorOf(() => decode(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x8f, 0x01]))).reason).toBe(
      'MALFORMED_VARINT',
    )
  })

  it('reports the byte offset where a bad varint starts', () => {
    const error = formatErrorOf(() => readZigZagVarint(Buffer.from([0x00, 0x80, 0x00]), { offset: 1 }))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error.context.offset).toBe(1)
  })

  it('never throws anything but DecodeError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        try {
          const value = decode(bytes)
          expect((value | 0) === value).toBe(true)
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError)
        }
      }),
    )
  })

  it('refuses to write values outside int32 or past the end of the target', () => {
    expect(() => encode(2 ** 31)).toThrow(RangeError)
    expect(() => encode(1.5)).toThrow(RangeError)
    expect(() => writeZigZagVarint(Buffer.alloc(1), 0, 64)).toThrow(RangeError)
  })
})
