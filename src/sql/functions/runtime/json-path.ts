/**
 * SQL/JSON path expressions for JSON_VALUE, JSON_QUERY and JSON_EXISTS: `$.a.b[0]`, `$['key with space']`,
 * an optional `lax`/`strict` mode word (both evaluate leniently: a missing member is an empty result).
 * Paths are compiled once per distinct text; documents are parsed once per distinct text in a row (the last
 * document is cached, as several JSON_VALUE calls usually read the same column).
 */
import { parseJson, stringifyJson } from '../../../formats/json-exact.ts'

export type JsonPathStep = { readonly member: string } | { readonly index: number }

export interface JsonPath {
  readonly text: string
  readonly steps: readonly JsonPathStep[]
}

const PATH_CACHE_LIMIT = 256
const paths = new Map<string, JsonPath>()

/** The compiled path; throws RangeError for a malformed path. */
export function jsonPath(text: string): JsonPath {
  let path = paths.get(text)
  if (path === undefined) {
    if (paths.size >= PATH_CACHE_LIMIT) paths.clear()
    path = { text, steps: parsePath(text) }
    paths.set(text, path)
  }
  return path
}

function parsePath(text: string): JsonPathStep[] {
  const body = text.trim().replace(/^(lax|strict)\s+/i, '')
  if (!body.startsWith('$')) throw new RangeError(`JSON path '${text}' must start with '$'`)
  const steps: JsonPathStep[] = []
  let i = 1
  while (i < body.length) {
    const char = body[i]
    if (char === '.') {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(body.slice(i + 1))
      if (quoted !== null) {
        steps.push({ member: String(JSON.parse(`"${quoted[1]}"`)) })
        i += 1 + quoted[0].length
        continue
      }
      const name = /^[A-Za-z_$][\w$]*/.exec(body.slice(i + 1))
      if (name === null) throw new RangeError(`JSON path '${text}' has an invalid member name at ${i + 1}`)
      steps.push({ member: name[0] })
      i += 1 + name[0].length
    } else if (char === '[') {
      const close = body.indexOf(']', i)
      if (close < 0) throw new RangeError(`JSON path '${text}' has an unclosed '['`)
      steps.push(subscript(body.slice(i + 1, close).trim(), text))
      i = close + 1
    } else {
      throw new RangeError(`JSON path '${text}' has an unexpected '${char}' at ${i}`)
    }
  }
  return steps
}

function subscript(inner: string, text: string): JsonPathStep {
  if (/^\d+$/.test(inner)) return { index: Number(inner) }
  const quoted = /^(['"])(.*)\1$/.exec(inner)
  if (quoted !== null) return { member: quoted[2]! }
  throw new RangeError(`JSON path '${text}' has an unsupported subscript [${inner}]`)
}

/** The value at `path` in a parsed document, or undefined when the path leads nowhere. */
export function evaluateJsonPath(document: unknown, path: JsonPath): unknown {
  let current = document
  for (const step of path.steps) {
    if ('member' in step) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined
      if (!Object.hasOwn(current, step.member)) return undefined
      current = (current as Record<string, unknown>)[step.member]
    } else {
      if (!Array.isArray(current) || step.index >= current.length) return undefined
      current = current[step.index]
    }
  }
  return current
}

/** Parses JSON text, returning undefined for malformed text; remembers the last document parsed. */
export class JsonDocumentCache {
  private lastText: string | undefined
  private lastDocument: unknown

  parse(text: string): unknown {
    if (text === this.lastText) return this.lastDocument
    let document: unknown
    try {
      // Exact: an id beyond 2^53 keeps its digits (JSON.parse would round it).
      document = parseJson(text)
    } catch {
      document = undefined
    }
    this.lastText = text
    this.lastDocument = document
    return document
  }
}

/** JSON_VALUE's result: scalars as strings (numbers in JSON form), NULL for objects, arrays and absences. */
export function jsonScalarText(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  return null
}

/** JSON_QUERY's result: objects and arrays as JSON text, NULL otherwise. */
export function jsonStructureText(value: unknown): string | null {
  return value !== null && typeof value === 'object' ? (stringifyJson(value) ?? null) : null
}
