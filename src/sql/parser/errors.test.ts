import { describe, expect, it } from 'vitest'
import { parseScript, SqlSyntaxError } from './index.ts'
import { syntaxError } from './test-support.ts'

describe('SqlSyntaxError', () => {
  it('carries line, column, offset, what was expected and what was found', () => {
    const error = syntaxError('SELECT site,\n  COUNT(*) AS pv\nFROM t\nGROUP site')
    expect(error).toBeInstanceOf(SqlSyntaxError)
    expect(error).toMatchObject({
      line: 4,
      column: 7,
      offset: 43,
      expected: ["'BY'"],
      found: "'site'",
      problem: "expected 'BY' but found 'site'",
      message: "expected 'BY' but found 'site' at line 4, column 7",
    })
  })

  it('formats a caret snippet under the offending token', () => {
    const error = syntaxError('-- daily job\nINSERT INTO sink\nSELECT COUNT(x FROM t')
    expect(error.format()).toBe(
      [
        "error: expected ',' or ')' but found 'FROM' at line 3, column 16",
        '  3 | SELECT COUNT(x FROM t',
        '    |                ^',
      ].join('\n'),
    )
  })

  it('widens the gutter for long scripts and keeps tabs so the caret lines up', () => {
    const sql = `${'\n'.repeat(11)}SELECT\ta\tb c FROM t`
    expect(syntaxError(sql).format()).toBe(
      [
        "error: unexpected 'c' at line 12, column 12",
        '  12 | SELECT\ta\tb c FROM t',
        '     |       \t \t  ^',
      ].join('\n'),
    )
  })

  it('adds the hint line for known constructs', () => {
    expect(syntaxError('SELECT * FROM a NATURAL JOIN b').format()).toBe(
      [
        'error: NATURAL JOIN is not supported yet at line 1, column 17',
        '  1 | SELECT * FROM a NATURAL JOIN b',
        '    |                 ^',
        '  hint: name the join columns with ON or USING',
      ].join('\n'),
    )
  })

  it('points at the end of the last token when the input stops early', () => {
    const error = syntaxError('SELECT a\nFROM t\nWHERE\n\n')
    expect(error).toMatchObject({ line: 3, column: 6, found: 'end of input' })
    expect(error.problem).toBe('expected an expression but found end of input')
  })

  it('lists a few alternatives, and says "unexpected" when there are too many to help', () => {
    expect(syntaxError('SELECT a FROM t x y').problem).toBe("unexpected 'y'")
    expect(syntaxError('SELECT a FROM t x y').expected).toContain("'WHERE'")
    expect(syntaxError('SELECT CAST(a INT)').problem).toBe("expected 'AS' but found 'INT'")
    expect(syntaxError('SELECT * FROM t LEFT t2 ON TRUE').problem).toBe(
      "expected 'OUTER' or 'JOIN' but found 't2'",
    )
  })

  it('describes strings and quoted names as they are written', () => {
    expect(syntaxError("SELECT a 'alias' FROM t").found).toBe("string literal 'alias'")
    expect(syntaxError('SELECT a FROM t `x` `y`').found).toBe('`y`')
  })

  it('never lets a misplaced clause through silently', () => {
    const misplaced = [
      'SELECT a FROM t WHERE a > 1 GROUP BY a WHERE b',
      'SELECT a FROM t ORDER BY a WHERE b = 1',
      'SELECT a FROM t HAVING x GROUP BY a',
      'SELECT FROM t',
      'SELECT a FROM',
      'SELECT a b c FROM t',
      'INSERT t SELECT 1',
      "CREATE TABLE t (a INT) WITH ('k')",
      'SELECT a FROM t UNION',
      'SELECT (a FROM t',
    ]
    for (const sql of misplaced) expect(() => parseScript(sql), sql).toThrow(SqlSyntaxError)
  })
})
