import type { SourcePosition } from './ast.ts'
import { SqlSyntaxError } from './errors.ts'

export type TokenType =
  /** An unquoted word: a keyword or an identifier, decided by the parser from context. */
  | 'word'
  /** A backquoted identifier; never a keyword. */
  | 'quotedIdentifier'
  | 'string'
  | 'number'
  /** `X'0AFF'` */
  | 'binaryString'
  | 'symbol'
  /** `/*+` opening a Flink hint; hints are syntax, not comments, so they must not be skipped silently. */
  | 'hintStart'
  | 'hintEnd'
  | 'eof'

export interface Token {
  readonly type: TokenType
  /**
   * Words as written; quoted identifiers and strings unescaped; numbers as written; binary strings
   * as their hex digits; symbols as the symbol.
   */
  readonly value: string
  /** `value` upper-cased for words, so keyword tests are one comparison; `value` otherwise. */
  readonly upper: string
  readonly start: SourcePosition
  readonly end: SourcePosition
}

const SINGLE_CHAR_SYMBOLS = new Set([
  '(',
  ')',
  ',',
  ';',
  '.',
  '*',
  '+',
  '-',
  '/',
  '%',
  '[',
  ']',
  '=',
  '<',
  '>',
])

// Character codes, named once so the scanning loops read as prose.
const TAB = 9
const LINE_FEED = 10
const FORM_FEED = 12
const CARRIAGE_RETURN = 13
const SPACE = 32
const BANG = 33
const DOUBLE_QUOTE = 34
const DOLLAR = 36
const QUOTE = 39
const STAR = 42
const PLUS = 43
const MINUS = 45
const DOT = 46
const SLASH = 47
const DIGIT_0 = 48
const DIGIT_9 = 57
const COLON = 58
const LESS = 60
const EQUALS = 61
const GREATER = 62
const QUESTION = 63
const UPPER_A = 65
const UPPER_E = 69
const UPPER_F = 70
const UPPER_X = 88
const UPPER_Z = 90
const UNDERSCORE = 95
const BACKQUOTE = 96
const LOWER_A = 97
const LOWER_E = 101
const LOWER_F = 102
const LOWER_X = 120
const LOWER_Z = 122
const PIPE = 124
const FIRST_NON_ASCII = 128

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9
}

function isWordStart(code: number): boolean {
  return (
    (code >= LOWER_A && code <= LOWER_Z) ||
    (code >= UPPER_A && code <= UPPER_Z) ||
    code === UNDERSCORE ||
    code >= FIRST_NON_ASCII
  )
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || isDigit(code) || code === DOLLAR
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= LOWER_A && code <= LOWER_F) || (code >= UPPER_A && code <= UPPER_F)
}

/** Splits SQL text into tokens in one pass; whitespace and comments are dropped, hints are kept. */
export function tokenize(sql: string): Token[] {
  return new Lexer(sql).run()
}

class Lexer {
  private pos = 0
  private line = 1
  private lineStart = 0
  private inHint = false
  private readonly tokens: Token[] = []

  constructor(private readonly sql: string) {}

  run(): Token[] {
    for (;;) {
      this.skipWhitespaceAndComments()
      if (this.pos >= this.sql.length) break
      this.tokens.push(this.scanToken())
    }
    const last = this.tokens[this.tokens.length - 1]
    // End of input is reported right after the last token, not on a trailing blank line.
    const at = last === undefined ? { line: 1, column: 1, offset: 0 } : last.end
    this.tokens.push({ type: 'eof', value: '', upper: '', start: at, end: at })
    return this.tokens
  }

  private here(): SourcePosition {
    return { line: this.line, column: this.pos - this.lineStart + 1, offset: this.pos }
  }

  private code(ahead = 0): number {
    return this.sql.charCodeAt(this.pos + ahead)
  }

  /** Consumes a line break at `pos` (LF, CRLF or lone CR) if there is one. */
  private consumeLineBreak(): boolean {
    const code = this.code()
    if (code !== LINE_FEED && code !== CARRIAGE_RETURN) return false
    this.pos += code === CARRIAGE_RETURN && this.code(1) === LINE_FEED ? 2 : 1
    this.line++
    this.lineStart = this.pos
    return true
  }

  private skipWhitespaceAndComments(): void {
    while (this.pos < this.sql.length) {
      const code = this.code()
      if (code === SPACE || code === TAB || code === FORM_FEED) {
        this.pos++
      } else if (this.consumeLineBreak()) {
        // counted
      } else if (code === MINUS && this.code(1) === MINUS) {
        while (this.pos < this.sql.length && this.code() !== LINE_FEED && this.code() !== CARRIAGE_RETURN) {
          this.pos++
        }
      } else if (code === SLASH && this.code(1) === STAR && this.code(2) !== PLUS) {
        this.skipBlockComment()
      } else {
        return
      }
    }
  }

  private skipBlockComment(): void {
    const start = this.here()
    this.pos += 2
    while (this.pos < this.sql.length) {
      if (this.code() === STAR && this.code(1) === SLASH) {
        this.pos += 2
        return
      }
      if (!this.consumeLineBreak()) this.pos++
    }
    throw this.error(start, "unterminated comment: '/*' has no closing '*/'")
  }

  private scanToken(): Token {
    const start = this.here()
    const code = this.code()
    if (isWordStart(code)) {
      if ((code === UPPER_X || code === LOWER_X) && this.code(1) === QUOTE) {
        return this.scanBinaryString(start)
      }
      return this.scanWord(start)
    }
    if (isDigit(code) || (code === DOT && isDigit(this.code(1)))) return this.scanNumber(start)
    switch (code) {
      case QUOTE:
        return this.scanString(start)
      case BACKQUOTE:
        return this.scanQuotedIdentifier(start)
      case DOUBLE_QUOTE:
        throw this.error(
          start,
          'double-quoted text is not valid in Flink SQL',
          "write strings in 'single quotes' and identifiers in `backquotes`",
        )
      case SLASH:
        if (this.code(1) === STAR && this.code(2) === PLUS) {
          this.inHint = true
          return this.symbolToken('hintStart', '/*+', start)
        }
        break
      case STAR:
        if (this.inHint && this.code(1) === SLASH) {
          this.inHint = false
          return this.symbolToken('hintEnd', '*/', start)
        }
        break
      case PIPE:
        if (this.code(1) === PIPE) return this.symbolToken('symbol', '||', start)
        throw this.error(start, "unexpected character '|'", "string concatenation is written '||'")
      case LESS:
        if (this.code(1) === GREATER) return this.symbolToken('symbol', '<>', start)
        if (this.code(1) === EQUALS) return this.symbolToken('symbol', '<=', start)
        break
      case GREATER:
        if (this.code(1) === EQUALS) return this.symbolToken('symbol', '>=', start)
        break
      case EQUALS:
        if (this.code(1) === GREATER) return this.symbolToken('symbol', '=>', start)
        break
      case BANG:
        if (this.code(1) === EQUALS) return this.symbolToken('symbol', '!=', start)
        break
      case COLON:
        if (this.code(1) === COLON) {
          throw this.error(start, "'::' casts are not supported", 'write CAST(value AS type)')
        }
        break
      case QUESTION:
        throw this.error(start, "dynamic parameters ('?') are not supported")
    }
    const char = this.sql[this.pos] ?? ''
    if (SINGLE_CHAR_SYMBOLS.has(char)) return this.symbolToken('symbol', char, start)
    throw this.error(start, `unexpected character '${char}'`)
  }

  private symbolToken(type: TokenType, symbol: string, start: SourcePosition): Token {
    this.pos += symbol.length
    return { type, value: symbol, upper: symbol, start, end: this.here() }
  }

  private scanWord(start: SourcePosition): Token {
    const from = this.pos
    this.pos++
    while (this.pos < this.sql.length && isWordPart(this.code())) this.pos++
    const value = this.sql.slice(from, this.pos)
    return { type: 'word', value, upper: value.toUpperCase(), start, end: this.here() }
  }

  private scanNumber(start: SourcePosition): Token {
    const from = this.pos
    while (isDigit(this.code())) this.pos++
    if (this.code() === DOT) {
      this.pos++
      while (isDigit(this.code())) this.pos++
    }
    const exponent = this.code()
    if (exponent === LOWER_E || exponent === UPPER_E) {
      let digitsAt = this.pos + 1
      const sign = this.sql.charCodeAt(digitsAt)
      if (sign === PLUS || sign === MINUS) digitsAt++
      if (!isDigit(this.sql.charCodeAt(digitsAt))) {
        throw this.error(start, 'malformed number: the exponent has no digits')
      }
      this.pos = digitsAt
      while (isDigit(this.code())) this.pos++
    }
    if (isWordPart(this.code())) {
      throw this.error(start, `malformed number '${this.sql.slice(from, this.pos + 1)}'`)
    }
    const value = this.sql.slice(from, this.pos)
    return { type: 'number', value, upper: value, start, end: this.here() }
  }

  /** Scans text between `quote` characters where a doubled quote stands for one. */
  private scanQuoted(quote: number, start: SourcePosition, what: string): string {
    this.pos++
    let value = ''
    let chunkStart = this.pos
    for (;;) {
      if (this.pos >= this.sql.length) throw this.error(start, `unterminated ${what}`)
      const code = this.code()
      if (code === quote) {
        value += this.sql.slice(chunkStart, this.pos)
        if (this.code(1) !== quote) {
          this.pos++
          return value
        }
        value += this.sql[this.pos]
        this.pos += 2
        chunkStart = this.pos
      } else if (!this.consumeLineBreak()) {
        this.pos++
      }
    }
  }

  private scanString(start: SourcePosition): Token {
    const value = this.scanQuoted(QUOTE, start, 'string literal')
    return { type: 'string', value, upper: value, start, end: this.here() }
  }

  private scanQuotedIdentifier(start: SourcePosition): Token {
    const value = this.scanQuoted(BACKQUOTE, start, 'quoted identifier')
    if (value === '') throw this.error(start, 'empty quoted identifier')
    return { type: 'quotedIdentifier', value, upper: value, start, end: this.here() }
  }

  private scanBinaryString(start: SourcePosition): Token {
    this.pos++
    const value = this.scanQuoted(QUOTE, start, 'binary string literal')
    for (let i = 0; i < value.length; i++) {
      if (!isHexDigit(value.charCodeAt(i))) {
        throw this.error(start, 'a binary string literal may hold only hexadecimal digits')
      }
    }
    if (value.length % 2 !== 0)
      throw this.error(start, 'a binary string literal needs an even number of digits')
    return { type: 'binaryString', value, upper: value, start, end: this.here() }
  }

  private error(position: SourcePosition, problem: string, hint?: string): SqlSyntaxError {
    return new SqlSyntaxError({ source: this.sql, position, problem, hint })
  }
}
