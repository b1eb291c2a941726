import { describe, expect, it } from 'vitest'
import { DecodeError } from './errors.ts'
import { JsonCodec, MAX_NESTING_DEPTH } from './json.ts'

const nested = (levels: number, open = '[', close = ']') =>
  Buffer.from(open.repeat(levels) + close.repeat(levels))

describe('JSON nesting depth', () => {
  const json = JsonCodec.schemaless

  it(`decodes values nested ${MAX_NESTING_DEPTH} levels deep`, () => {
    expect(() => json.decode(nested(MAX_NESTING_DEPTH))).not.toThrow()
  })

  it('rejects deeper values as NESTING_TOO_DEEP, with the byte where the limit is crossed', () => {
    for (const levels of [MAX_NESTING_DEPTH + 1, 100_000]) {
      const error = (() => {
        try {
          json.decode(nested(levels))
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(DecodeError)
      expect((error as DecodeError).reason).toBe('NESTING_TOO_DEEP')
      expect((error as DecodeError).context.offset).toBe(MAX_NESTING_DEPTH)
    }
  })

  it('counts objects as levels too, and brackets inside strings (escaped quotes included) not at all', () => {
    const objects = Buffer.from(
      `${'{"a":'.repeat(MAX_NESTING_DEPTH + 1)}1${'}'.repeat(MAX_NESTING_DEPTH + 1)}`,
    )
    expect(() => json.decode(objects)).toThrow(/more than 1000 levels deep/)
    const text = { note: `\\"${'['.repeat(5_000)}` }
    expect(json.decode(Buffer.from(JSON.stringify(text)))).toEqual(text)
  })
})
