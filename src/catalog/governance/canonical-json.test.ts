import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.ts'

describe('canonical JSON', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null, é: 'x' })).toBe(
      '{"a":null,"b":[{"c":2,"d":1}],"é":"x"}',
    )
  })

  it('drops undefined members, as a JSON round trip would', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}')
  })

  it('gives the same text after a JSON round trip with shuffled keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reparsed: unknown = JSON.parse(JSON.stringify(value))
        expect(canonicalJson(reparsed)).toBe(canonicalJson(value))
      }),
    )
  })

  it.each([
    ['NaN', { a: Number.NaN }, '$.a'],
    ['Infinity', [1, Number.POSITIVE_INFINITY], '$[1]'],
    ['a bigint', { n: 1n }, 'bigint'],
    ['a Date', { at: new Date(0) }, 'Date'],
    ['a Map', new Map(), 'Map'],
    ['undefined in a list', [undefined], '$[0]'],
  ])('refuses %s', (_, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message)
  })
})
