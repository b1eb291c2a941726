import { describe, expect, it } from 'vitest'
import { rawCodec } from './raw.ts'

describe('rawCodec', () => {
  it('passes bytes through untouched and uncopied', () => {
    const bytes = Buffer.from([0, 1, 255])
    expect(rawCodec.encode(bytes)).toBe(bytes)
    expect(rawCodec.decode(bytes)).toBe(bytes)
  })
})
