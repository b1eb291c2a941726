import { InvalidSchemaError, type SchemaTextPosition, type SchemaType } from './types.ts'

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Parses schema JSON. On a syntax error the message carries line and column: V8 reports a position for only
 * some errors, and its wording changes between Node versions, so a small scanner finds and names the problem.
 */
export function parseJsonText(text: string, schemaType: SchemaType): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const found = findJsonSyntaxProblem(text)
    const problem = found?.problem ?? (error instanceof Error ? error.message : String(error))
    throw new InvalidSchemaError(
      schemaType,
      `the schema is not valid JSON (${problem})`,
      { position: positionAt(text, found?.offset ?? 0) },
      'Fix the JSON syntax at that position; the schema must be one JSON document.',
    )
  }
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): SchemaTextPosition {
  let line = 1
  let lineStart = 0
  for (let at = 0; at < offset && at < text.length; at++) {
    if (text[at] === '\n') {
      line++
      lineStart = at + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

/** JSON with object keys sorted at every level, so that key order never changes a schema's identity. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(withSortedKeys(value))
}

/** A copy of a JSON value with object keys inserted in sorted order at every level. */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys)
  if (!isJsonObject(value)) return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) sorted[key] = withSortedKeys(value[key])
  return sorted
}

export interface JsonSyntaxProblem {
  readonly offset: number
  readonly problem: string
}

class JsonScanFailure implements JsonSyntaxProblem {
  readonly offset: number
  readonly problem: string
  constructor(offset: number, problem: string) {
    this.offset = offset
    this.problem = problem
  }
}

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])

/** The first syntax error of a JSON text, or undefined when `JSON.parse` would accept it. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let at = 0
  const fail = (problem: string): never => {
    throw new JsonScanFailure(at, problem)
  }
  const unexpected = (): string =>
    at >= text.length ? 'the text ends too early' : `unexpected character ${JSON.stringify(text[at])}`
  const skipWhitespace = (): void => {
    while (at < text.length && WHITESPACE.has(text.charAt(at))) at++
  }
  const expect = (char: string, problem: string): void => {
    skipWhitespace()
    if (text[at] !== char) fail(problem)
    at++
  }

  const scanString = (): void => {
    at++
    while (at < text.length) {
      const char = text.charAt(at)
      if (char === '"') {
        at++
        return
      }
      if (char === '\\') {
        const escaped = text.charAt(at + 1)
        if (SIMPLE_ESCAPES.has(escaped)) at += 2
        else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6
        else fail('invalid escape sequence in a string')
      } else if (char < ' ') {
        fail('unescaped control character in a string')
      } else {
        at++
      }
    }
    fail('unterminated string')
  }

  const scanMembers = (close: string, scanMember: () => void, separatorProblem: string): void => {
    at++
    skipWhitespace()
    if (text[at] === close) {
      at++
      return
    }
    for (;;) {
      scanMember()
      skipWhitespace()
      if (text[at] === close) {
        at++
        return
      }
      if (text[at] !== ',') fail(`${unexpected()}; ${separatorProblem}`)
      at++
    }
  }

  const scanValue = (): void => {
    skipWhitespace()
    const char = text.charAt(at)
    if (char === '{') {
      scanMembers(
        '}',
        () => {
          skipWhitespace()
          if (text[at] !== '"') fail(`${unexpected()}; expected a double-quoted property name`)
          scanString()
          expect(':', "expected ':' after the property name")
          scanValue()
        },
        "expected ',' or '}' after a property value",
      )
      return
    }
    if (char === '[') {
      scanMembers(']', scanValue, "expected ',' or ']' after an array element")
      return
    }
    if (char === '"') {
      scanString()
      return
    }
    NUMBER_PATTERN.lastIndex = at
    if (NUMBER_PATTERN.test(text)) {
      at = NUMBER_PATTERN.lastIndex
      return
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) {
        at += literal.length
        return
      }
    }
    fail(`${unexpected()}; expected a JSON value`)
  }

  try {
    scanValue()
    skipWhitespace()
    if (at < text.length) fail(`${unexpected()} after the end of the JSON value`)
    return undefined
  } catch (failure) {
    if (failure instanceof JsonScanFailure) return failure
    throw failure
  }
}
