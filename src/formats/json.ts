/**
 * UTF-8 JSON payloads, validated with ajv when a JSON Schema is given (draft-07 unless `$schema` names
 * 2019-09 or 2020-12; `format` keywords are not checked). Values are what JSON.parse returns, except that
 * integers beyond 2^53 are exact bigints (json-exact.ts); encoding writes bigints as exact JSON numbers.
 */
import { createRequire } from 'node:module'
import type { Ajv, AnySchema, ErrorObject, ValidateFunction } from 'ajv'
import type { Codec } from './codec.ts'
import { DecodeError, EncodeError, errorMessage, fieldPath } from './errors.ts'
import { hasLongInteger, parseJsonExactly, stringifyJson } from './json-exact.ts'

/** Fatal: invalid UTF-8 must fail rather than turn into U+FFFD and pass validation. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

export class JsonCodec implements Codec<unknown> {
  private readonly validate: ValidateFunction | undefined

  private constructor(validate: ValidateFunction | undefined) {
    this.validate = validate
  }

  static readonly schemaless = new JsonCodec(undefined)

  /**
   * @param schema the JSON Schema text
   * @param references JSON Schema texts by the URL `$ref`s use for them (the Confluent reference names)
   */
  static parse(schema: string, references: ReadonlyMap<string, string> = new Map()): JsonCodec {
    try {
      const root: unknown = JSON.parse(schema)
      const ajv = validatorFor(root)
      for (const [name, text] of references) ajv.addSchema(JSON.parse(text), name)
      // ajv checks the schema against its meta-schema, so the cast only defers the check to it.
      return new JsonCodec(ajv.compile(root as AnySchema))
    } catch (error) {
      throw new DecodeError(
        'INVALID_SCHEMA',
        `JSON Schema does not compile: ${errorMessage(error)}.`,
        {},
        error,
      )
    }
  }

  decode(bytes: Buffer): unknown {
    const tooDeep = nestingBeyond(bytes, MAX_NESTING_DEPTH)
    if (tooDeep !== undefined) {
      throw new DecodeError(
        'NESTING_TOO_DEEP',
        `Payload nests arrays/objects more than ${MAX_NESTING_DEPTH} levels deep (level ${MAX_NESTING_DEPTH + 1} opens at byte ${tooDeep}).`,
        { offset: tooDeep },
      )
    }
    let value: unknown
    let checked: unknown
    try {
      const text = utf8.decode(bytes)
      const exact = hasLongInteger(text)
      value = exact ? parseJsonExactly(text) : JSON.parse(text)
      // ajv's "integer" refuses bigints: the schema sees the numbers JSON.parse gives, the caller exact ones.
      checked = exact && this.validate !== undefined ? JSON.parse(text) : value
    } catch (error) {
      const what = error instanceof SyntaxError ? 'is not JSON' : 'is not valid UTF-8'
      throw new DecodeError('INVALID_JSON', `Payload ${what}: ${errorMessage(error)}.`, {}, error)
    }
    const violation = this.violation(checked)
    if (violation !== undefined) {
      throw new DecodeError('SCHEMA_VALIDATION', violation.description, { path: violation.path })
    }
    return value
  }

  encode(value: unknown): Buffer {
    let text: string | undefined
    try {
      text = stringifyJson(value)
    } catch (error) {
      throw new EncodeError(
        'INVALID_JSON',
        `Value cannot be written as JSON: ${errorMessage(error)}.`,
        {},
        error,
      )
    }
    if (text === undefined) {
      throw new EncodeError('INVALID_JSON', `A ${typeof value} cannot be written as JSON.`)
    }
    if (this.validate !== undefined) {
      // ajv's "integer" refuses bigints: validate what a JSON.parse reader sees of the text written.
      const violation = this.violation(hasLongInteger(text) ? JSON.parse(text) : value)
      if (violation !== undefined) {
        throw new EncodeError('SCHEMA_VALIDATION', violation.description, { path: violation.path })
      }
    }
    return Buffer.from(text, 'utf8')
  }

  private violation(value: unknown): { description: string; path: string } | undefined {
    if (this.validate === undefined || this.validate(value)) return undefined
    const first: ErrorObject | undefined = this.validate.errors?.[0]
    const path = first === undefined ? '' : pointerToPath(first.instancePath)
    return {
      description: `${path === '' ? 'Value' : `Field '${path}'`} ${first?.message ?? 'is invalid'}.`,
      path,
    }
  }
}

/**
 * ajv is loaded on the first JSON Schema, not with this module: loading its three dialects costs a process
 * hundreds of milliseconds, which every CLI command that merely links the formats would pay.
 */
const requireAjv = createRequire(import.meta.url)

function validatorFor(schema: unknown): Ajv {
  const dialect =
    typeof schema === 'object' && schema !== null && '$schema' in schema ? String(schema.$schema) : ''
  const options = { strict: false, validateFormats: false }
  if (dialect.includes('2020-12')) {
    const { Ajv2020 } = requireAjv('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
    return new Ajv2020(options)
  }
  if (dialect.includes('2019-09')) {
    const { Ajv2019 } = requireAjv('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js')
    return new Ajv2019(options)
  }
  const { Ajv: Draft07 } = requireAjv('ajv') as typeof import('ajv')
  return new Draft07(options)
}

/** ajv reports JSON Pointers (`/lines/2/price`). */
function pointerToPath(pointer: string): string {
  if (pointer === '') return ''
  return fieldPath(
    pointer
      .slice(1)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~')),
  )
}

/**
 * The deepest nesting a decoded JSON value may have, as Jackson's default (StreamReadConstraints): JSON.parse
 * copes with any depth, but printing the value (JSON.stringify) or walking it recursively overflows the stack
 * at a few thousand levels, in the SDK or in the application.
 */
export const MAX_NESTING_DEPTH = 1_000

const OPEN_BRACKET = 0x5b
const OPEN_BRACE = 0x7b
const CLOSE_BRACKET = 0x5d
const CLOSE_BRACE = 0x7d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/** The byte at which the payload first nests deeper than `limit` (brackets in strings do not count), if any. */
function nestingBeyond(bytes: Buffer, limit: number): number | undefined {
  // Every level needs an opening byte: a payload with at most `limit` of them cannot exceed the limit. Counting
  // them with the native indexOf costs about 5% of a parse; the byte-by-byte scan below costs 25% to 200%
  // (long strings), so only payloads that could be too deep pay for it.
  if (bytes.length <= limit || !moreOpeningsThan(bytes, limit)) return undefined
  let depth = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) inString = true
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > limit) return i
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth--
  }
  return undefined
}

function moreOpeningsThan(bytes: Buffer, limit: number): boolean {
  let count = 0
  for (const opening of [OPEN_BRACKET, OPEN_BRACE]) {
    for (let at = bytes.indexOf(opening); at !== -1; at = bytes.indexOf(opening, at + 1)) {
      if (++count > limit) return true
    }
  }
  return false
}
