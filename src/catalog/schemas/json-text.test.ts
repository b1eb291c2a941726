import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findJsonSyntaxProblem, parseJsonText, positionAt, stableStringify } from './json-text.ts'
import { invalidSchemaErrorOf } from './test-helpers.ts'

function acceptedByJsonParse(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('JSON text', () => {
  it.each([
    ['{"a":1,}', 1, 8, 'double-quoted property name'],
    ['{"a" 1}', 1, 6, "expected ':'"],
    ['{"a":tru}', 1, 6, 'expected a JSON value'],
    ['{\n  "a": 1\n', 3, 1, 'the text ends too early'],
    ['[1, 2]]', 1, 7, 'after the end of the JSON value'],
    ['{"a": "\\x"}', 1, 8, 'invalid escape'],
    ['', 1, 1, 'the text ends too early'],
  ])('locates the syntax error in %j at line %i, column %i', (text, line, column, problem) => {
    const error = invalidSchemaErrorOf(() => parseJsonText(text, 'AVRO'))
    expect(error.location.position).toEqual({ line, column })
    expect(error.message).toContain(problem)
    expect(error.errorCode).toBe(42201)
  })

  it('finds a problem exactly when JSON.parse rejects the text', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.string({
        unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', '.', 'e', 'n', 'ull', ' ', '\\'),
      }),
      fc
        .json()
        .chain((json) =>
          fc
            .record({ at: fc.nat(json.length), cut: fc.nat(3) })
            .map(({ at, cut }) => json.slice(0, at) + json.slice(at + cut)),
        ),
    )
    fc.assert(
      fc.property(jsonish, (text) => {
        expect(findJsonSyntaxProblem(text) === undefined).toBe(acceptedByJsonParse(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('counts lines and columns from 1', () => {
    expect(positionAt('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })

  it('sorts keys at every level without reordering arrays', () => {
    expect(stableStringify({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}')
  })
})
