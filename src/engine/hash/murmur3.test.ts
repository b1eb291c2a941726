import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { murmur3Bytes, murmur3Int64, murmur3String, murmur3StringPair } from './murmur3.ts'

const hex = (hash: number): string => (hash >>> 0).toString(16)

describe('murmur3', () => {
  it('matches the reference murmur3_32 test vectors', () => {
    const utf8 = new TextEncoder()
    expect(hex(murmur3Bytes(utf8.encode(''), 0))).toBe('0')
    expect(hex(murmur3Bytes(utf8.encode(''), 1))).toBe('514e28b7')
    expect(hex(murmur3Bytes(utf8.encode('hello'), 0))).toBe('248bfa47')
    expect(hex(murmur3Bytes(utf8.encode('Hello, world!'), 1234))).toBe('faf6cdb3')
    expect(hex(murmur3Bytes(utf8.encode('The quick brown fox jumps over the lazy dog'), 0))).toBe('2e4ff723')
  })

  it('hashes a string as the UTF-16LE bytes of it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer(), (text, seed) => {
        expect(murmur3String(text, seed)).toBe(murmur3Bytes(Buffer.from(text, 'utf16le'), seed))
      }),
    )
  })

  it('computes the two seeded hashes of a pair in one pass', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), fc.integer(), (text, high, low) => {
        const out = new Int32Array(2)
        murmur3StringPair(text, high, low, out)
        expect([out[0], out[1]]).toEqual([murmur3String(text, high), murmur3String(text, low)])
      }),
    )
  })

  it('hashes a 64-bit value as its 8 little-endian bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (high, low) => {
          const bytes = Buffer.alloc(8)
          bytes.writeInt32LE(low, 0)
          bytes.writeInt32LE(high, 4)
          expect(murmur3Int64(high, low)).toBe(murmur3Bytes(bytes))
        },
      ),
    )
  })
})
