import { describe, expect, it } from 'vitest'
import { tokenize } from './lexer.ts'
import { syntaxError } from './test-support.ts'

function summary(sql: string): string[] {
  return tokenize(sql).map((token) => `${token.type}:${token.value}`)
}

describe('tokenize', () => {
  it('splits words, symbols, numbers and strings, ending with eof', () => {
    expect(summary("SELECT a, 'x' FROM t WHERE b >= 1.5e-3")).toEqual([
      'word:SELECT',
      'word:a',
      'symbol:,',
      'string:x',
      'word:FROM',
      'word:t',
      'word:WHERE',
      'word:b',
      'symbol:>=',
      'number:1.5e-3',
      'eof:',
    ])
  })

  it('keeps words as written and upper-cases them for keyword matching', () => {
    const [token] = tokenize('sElEcT')
    expect(token).toMatchObject({ type: 'word', value: 'sElEcT', upper: 'SELECT' })
  })

  it('recognises every multi-character operator', () => {
    expect(summary('a <> b != c <= d >= e || f => g').filter((t) => t.startsWith('symbol'))).toEqual([
      'symbol:<>',
      'symbol:!=',
      'symbol:<=',
      'symbol:>=',
      'symbol:||',
      'symbol:=>',
    ])
  })

  it('unescapes doubled quotes in strings and backquoted identifiers', () => {
    expect(summary("'it''s' `a``b`")).toEqual(["string:it's", 'quotedIdentifier:a`b', 'eof:'])
  })

  it('reads numbers in all their forms', () => {
    expect(summary('1 1.5 .5 1. 1e10 2E+3 7.25e-2').filter((t) => t.startsWith('number'))).toEqual([
      'number:1',
      'number:1.5',
      'number:.5',
      'number:1.',
      'number:1e10',
      'number:2E+3',
      'number:7.25e-2',
    ])
  })

  it('reads binary string literals', () => {
    expect(summary("X'0aFF'")).toEqual(['binaryString:0aFF', 'eof:'])
  })

  it('drops line and block comments but keeps hints', () => {
    const sql = "SELECT -- the rest\n a /* block\n comment */ FROM t /*+ OPTIONS('k'='v') */"
    expect(summary(sql)).toEqual([
      'word:SELECT',
      'word:a',
      'word:FROM',
      'word:t',
      'hintStart:/*+',
      'word:OPTIONS',
      'symbol:(',
      'string:k',
      'symbol:=',
      'string:v',
      'symbol:)',
      'hintEnd:*/',
      'eof:',
    ])
  })

  it('tracks line, column and offset across LF, CRLF and multi-line tokens', () => {
    const tokens = tokenize("a\r\n  'x\ny' b\n\tc")
    expect(tokens.map((t) => [t.value, t.start.line, t.start.column, t.start.offset])).toEqual([
      ['a', 1, 1, 0],
      ['x\ny', 2, 3, 5],
      ['b', 3, 4, 11],
      ['c', 4, 2, 14],
      ['', 4, 3, 15],
    ])
    expect(tokens[1]?.end).toEqual({ line: 3, column: 3, offset: 10 })
  })

  it('places end of input right after the last token, not on trailing blank lines', () => {
    const tokens = tokenize('SELECT 1;\n\n-- done\n')
    expect(tokens.at(-1)?.start).toEqual({ line: 1, column: 10, offset: 9 })
  })

  it('reports lexical errors at their exact position', () => {
    expect(syntaxError("SELECT 'abc", tokenize)).toMatchObject({
      line: 1,
      column: 8,
      problem: 'unterminated string literal',
    })
    expect(syntaxError('SELECT a\n/* never closed', tokenize)).toMatchObject({ line: 2, column: 1 })
    expect(syntaxError('SELECT 12abc', tokenize).problem).toBe("malformed number '12a'")
    expect(syntaxError('SELECT 1e+', tokenize).problem).toBe('malformed number: the exponent has no digits')
    expect(syntaxError("SELECT X'ABC'", tokenize).problem).toBe(
      'a binary string literal needs an even number of digits',
    )
    expect(syntaxError('SELECT a # b', tokenize).problem).toBe("unexpected character '#'")
    expect(syntaxError('SELECT ``', tokenize).problem).toBe('empty quoted identifier')
  })

  it('explains characters that mean something in other dialects', () => {
    expect(syntaxError('SELECT "name" FROM t', tokenize)).toMatchObject({
      column: 8,
      problem: 'double-quoted text is not valid in Flink SQL',
      hint: "write strings in 'single quotes' and identifiers in `backquotes`",
    })
    expect(syntaxError('SELECT a::INT', tokenize).hint).toBe('write CAST(value AS type)')
    expect(syntaxError('SELECT * FROM t WHERE a = ?', tokenize).problem).toBe(
      "dynamic parameters ('?') are not supported",
    )
    expect(syntaxError('SELECT a | b', tokenize).hint).toBe("string concatenation is written '||'")
  })
})
