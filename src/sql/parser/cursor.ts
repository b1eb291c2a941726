import type { ObjectName, SourcePosition, SourceSpan } from './ast.ts'
import { describeAlternatives, SqlSyntaxError } from './errors.ts'
import { RESERVED_WORDS } from './keywords.ts'
import type { Token, TokenType } from './lexer.ts'

/** More alternatives than this read worse than a plain "unexpected 'x'" with a caret. */
const MAX_LISTED_ALTERNATIVES = 5

/**
 * A position in the token list, shared by the statement, query, expression and type parsers.
 *
 * Every `accept…`/`expect…` that fails to match records what it looked for at the current token;
 * when parsing fails there, the error lists exactly those alternatives ("expected ',' or ')'").
 */
export class TokenCursor {
  private index = 0
  private expectedIndex = -1
  private expectedHere: string[] = []

  constructor(
    private readonly tokens: readonly Token[],
    readonly source: string,
  ) {}

  get current(): Token {
    return this.tokens[this.index]!
  }

  /** The last consumed token (the current one before anything is consumed). */
  get previous(): Token {
    return this.tokens[Math.max(0, this.index - 1)]!
  }

  peek(ahead: number): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!
  }

  atEnd(): boolean {
    return this.current.type === 'eof'
  }

  advance(): Token {
    const token = this.current
    if (token.type !== 'eof') this.index++
    return token
  }

  /** For the rare places that must look past a construct before deciding what it is. */
  mark(): number {
    return this.index
  }

  reset(mark: number): void {
    this.index = mark
    this.expectedIndex = -1
  }

  isType(type: TokenType, ahead = 0): boolean {
    return this.peek(ahead).type === type
  }

  isKeyword(keyword: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.type === 'word' && token.upper === keyword
  }

  isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.type === 'symbol' && token.value === symbol
  }

  /** A word usable as a name here: backquoted, or unquoted and not reserved. */
  isIdentifier(ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.type === 'quotedIdentifier' || (token.type === 'word' && !RESERVED_WORDS.has(token.upper))
  }

  acceptKeyword(keyword: string): boolean {
    if (this.isKeyword(keyword)) {
      this.advance()
      return true
    }
    this.noteExpected(`'${keyword}'`)
    return false
  }

  /** Accepts a keyword sequence such as `GROUPING SETS` only if all of it is there. */
  acceptKeywords(...keywords: string[]): boolean {
    for (let i = 0; i < keywords.length; i++) {
      if (!this.isKeyword(keywords[i]!, i)) {
        this.noteExpected(`'${keywords.join(' ')}'`)
        return false
      }
    }
    this.index += keywords.length
    return true
  }

  acceptSymbol(symbol: string): boolean {
    if (this.isSymbol(symbol)) {
      this.advance()
      return true
    }
    this.noteExpected(`'${symbol}'`)
    return false
  }

  expectKeyword(keyword: string): Token {
    if (!this.acceptKeyword(keyword)) this.fail()
    return this.previous
  }

  expectKeywords(...keywords: string[]): void {
    for (const keyword of keywords) this.expectKeyword(keyword)
  }

  expectSymbol(symbol: string): Token {
    if (!this.acceptSymbol(symbol)) this.fail()
    return this.previous
  }

  /** Accepts the first of `keywords` present and returns it upper-cased. */
  acceptOneOf<K extends string>(keywords: readonly K[]): K | undefined {
    for (const keyword of keywords) {
      if (this.isKeyword(keyword)) {
        this.advance()
        return keyword
      }
    }
    for (const keyword of keywords) this.noteExpected(`'${keyword}'`)
    return undefined
  }

  expectOneOf<K extends string>(keywords: readonly K[]): K {
    return this.acceptOneOf(keywords) ?? this.fail()
  }

  expectIdentifier(): string {
    if (this.isIdentifier()) return this.advance().value
    return this.fail('an identifier')
  }

  /** `a.b.c` as a path. */
  expectQualifiedName(): string[] {
    const path = [this.expectIdentifier()]
    while (this.isSymbol('.') && this.isIdentifier(1)) {
      this.advance()
      path.push(this.advance().value)
    }
    return path
  }

  expectObjectName(): ObjectName {
    const start = this.current.start
    const path = this.expectQualifiedName()
    return { kind: 'objectName', path, span: this.spanFrom(start) }
  }

  /** `(a, b, c)` */
  expectIdentifierList(): string[] {
    this.expectSymbol('(')
    const names = [this.expectIdentifier()]
    while (this.acceptSymbol(',')) names.push(this.expectIdentifier())
    this.expectSymbol(')')
    return names
  }

  expectString(): string {
    if (this.current.type === 'string') return this.advance().value
    return this.fail('a string literal')
  }

  acceptString(): string | undefined {
    if (this.current.type === 'string') return this.advance().value
    this.noteExpected('a string literal')
    return undefined
  }

  expectUnsignedInteger(): number {
    const token = this.current
    if (token.type === 'number' && /^\d+$/.test(token.value)) {
      this.advance()
      return Number(token.value)
    }
    return this.fail('an unsigned integer')
  }

  /** The span from `start` to the end of the last consumed token. */
  spanFrom(start: SourcePosition): SourceSpan {
    return { start, end: this.previous.end }
  }

  /** Records an alternative for the error message, e.g. "an expression", without consuming anything. */
  noteExpected(description: string): void {
    if (this.expectedIndex !== this.index) {
      this.expectedIndex = this.index
      this.expectedHere = []
    }
    this.expectedHere.push(description)
  }

  /** Throws a syntax error at the current token, listing everything that was looked for there. */
  fail(...alsoExpected: string[]): never {
    for (const description of alsoExpected) this.noteExpected(description)
    const expected = this.expectedIndex === this.index ? [...new Set(this.expectedHere)] : []
    const token = this.current
    const found = this.describe(token)
    const problem =
      expected.length > 0 && expected.length <= MAX_LISTED_ALTERNATIVES
        ? `expected ${describeAlternatives(expected)} but found ${found}`
        : `unexpected ${found}`
    throw new SqlSyntaxError({ source: this.source, position: token.start, problem, expected, found })
  }

  /** Throws for a construct that is valid SQL but not (yet) part of Weir's dialect. */
  unsupported(construct: string, hint?: string, at: Token = this.current): never {
    throw new SqlSyntaxError({
      source: this.source,
      position: at.start,
      problem: `${construct} is not supported yet`,
      found: this.describe(at),
      hint,
    })
  }

  /** Throws for a construct that is understood but invalid, e.g. a window TVF without its size. */
  invalid(problem: string, at: SourcePosition = this.current.start, hint?: string): never {
    throw new SqlSyntaxError({ source: this.source, position: at, problem, hint })
  }

  private describe(token: Token): string {
    if (token.type === 'eof') return 'end of input'
    const written = this.source.slice(token.start.offset, token.end.offset)
    const text = written.length > 40 ? `${written.slice(0, 37)}...` : written
    if (token.type === 'string') return `string literal ${text}`
    return token.type === 'quotedIdentifier' ? text : `'${text}'`
  }
}
