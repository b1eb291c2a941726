/**
 * JSON text ↔ values with exact 64-bit integers. `JSON.parse` turns 9007199254740993 into
 * 9007199254740992; here an integer token beyond 2^53 becomes a bigint (values within it stay numbers, the
 * same normal form Avro and Protobuf longs have), and `stringifyJson` writes bigints back as plain JSON
 * numbers. Node 20 has neither `JSON.rawJSON` nor the reviver's source text, hence the parser below.
 *
 * Both keep `JSON.parse`/`JSON.stringify` as the fast path: parsing scans for a run of 16 or more digits
 * outside strings first (the only place a number can lose digits) and parses itself only then.
 */

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER)
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER)
/** Integers of up to 15 digits are always safe; 16 may not be (9007199254740993). */
const SAFE_DIGITS = 15

/** JSON text to a value, integers beyond 2^53 as bigints. Throws SyntaxError like JSON.parse. */
export function parseJson(text: string): unknown {
  return hasLongInteger(text) ? parseJsonExactly(text) : JSON.parse(text)
}

/** The slow path of `parseJson` alone, for callers that ran `hasLongInteger` themselves. */
export function parseJsonExactly(text: string): unknown {
  return new ExactParser(text).parseDocument()
}

/**
 * Whether the text holds a run of more than 15 digits outside strings: the only JSON in which JSON.parse
 * may round an integer. (Also true for long fractions such as 0.1234567890123456, which parse the same.)
 */
export function hasLongInteger(text: string): boolean {
  let run = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i++
      else if (code === 0x22) inString = false
    } else if (code >= 0x30 && code <= 0x39) {
      if (++run > SAFE_DIGITS) return true
    } else {
      run = 0
      if (code === 0x22) inString = true
    }
  }
  return false
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
const WHITESPACE = /[ \t\n\r]*/y

/** A recursive-descent JSON parser; only long payloads with long integers come here. */
class ExactParser {
  private position = 0

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.value()
    this.skipWhitespace()
    if (this.position !== this.text.length) this.fail('Unexpected non-whitespace character after JSON')
    return value
  }

  private value(): unknown {
    this.skipWhitespace()
    const char = this.text[this.position]
    switch (char) {
      case '{':
        return this.object()
      case '[':
        return this.array()
      case '"':
        return this.string()
      case 't':
        return this.keyword('true', true)
      case 'f':
        return this.keyword('false', false)
      case 'n':
        return this.keyword('null', null)
      default:
        return this.number()
    }
  }

  private object(): Record<string, unknown> {
    this.position++
    const object: Record<string, unknown> = {}
    this.skipWhitespace()
    if (this.text[this.position] === '}') {
      this.position++
      return object
    }
    for (;;) {
      this.skipWhitespace()
      if (this.text[this.position] !== '"') this.fail('Expected a property name')
      const key = this.string()
      this.skipWhitespace()
      this.expect(':')
      // defineProperty, as JSON.parse does, so a "__proto__" key is a plain property.
      Object.defineProperty(object, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      })
      this.skipWhitespace()
      if (this.text[this.position] === ',') this.position++
      else {
        this.expect('}')
        return object
      }
    }
  }

  private array(): unknown[] {
    this.position++
    const array: unknown[] = []
    this.skipWhitespace()
    if (this.text[this.position] === ']') {
      this.position++
      return array
    }
    for (;;) {
      array.push(this.value())
      this.skipWhitespace()
      if (this.text[this.position] === ',') this.position++
      else {
        this.expect(']')
        return array
      }
    }
  }

  private string(): string {
    const start = this.position
    let end = start + 1
    for (; end < this.text.length; end++) {
      const code = this.text.charCodeAt(end)
      if (code === 0x5c) end++
      else if (code === 0x22) break
    }
    if (end >= this.text.length) this.fail('Unterminated string in JSON')
    this.position = end + 1
    // JSON.parse decodes the escapes of one string token exactly as JSON defines them.
    return JSON.parse(this.text.slice(start, end + 1)) as string
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.position
    const match = NUMBER.exec(this.text)
    if (match === null) this.fail(`Unexpected token '${this.text[this.position] ?? 'end of input'}'`)
    const token = match[0]
    this.position += token.length
    const integer = match[1] === undefined && match[2] === undefined
    const digits = token.length - (token.startsWith('-') ? 1 : 0)
    if (!integer || digits <= SAFE_DIGITS) return Number(token)
    const value = BigInt(token)
    return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value
  }

  private keyword(word: string, value: unknown): unknown {
    if (!this.text.startsWith(word, this.position)) this.fail(`Unexpected token in JSON`)
    this.position += word.length
    return value
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) this.fail(`Expected '${char}'`)
    this.position++
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position
    WHITESPACE.exec(this.text)
    this.position = WHITESPACE.lastIndex
  }

  private fail(message: string): never {
    throw new SyntaxError(`${message} at position ${this.position}`)
  }
}

/**
 * A value as JSON text with bigints written as JSON numbers, exactly; undefined where JSON.stringify gives
 * undefined. JSON.stringify refuses bigints, so only values holding one take the slower walk.
 */
export function stringifyJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error
  }
  return write(value, '')
}

/** JSON.stringify's algorithm (toJSON, skipped undefined/function members, null for them in arrays). */
function write(input: unknown, key: string): string | undefined {
  let value = input
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    value = (value as { toJSON(key: string): unknown }).toJSON(key)
  switch (typeof value) {
    case 'bigint':
      return value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value))
        return `[${value.map((item, i) => write(item, String(i)) ?? 'null').join(',')}]`
      if (value instanceof Number || value instanceof String || value instanceof Boolean)
        return JSON.stringify(value)
      const members: string[] = []
      for (const name of Object.keys(value)) {
        const text = write((value as Record<string, unknown>)[name], name)
        if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`)
      }
      return `{${members.join(',')}}`
    }
    default:
      return JSON.stringify(value)
  }
}
