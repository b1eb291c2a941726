import { describe, expect, it } from 'vitest'
import { parseType, toSql } from './index.ts'
import { syntaxError, withoutSpans } from './test-support.ts'

describe('parseType', () => {
  it.each([
    ['INT', 'INT'],
    ['integer', 'INT'],
    ['BIGINT NOT NULL', 'BIGINT NOT NULL'],
    ['BOOLEAN NULL', 'BOOLEAN'],
    ['DECIMAL', 'DECIMAL'],
    ['NUMERIC(10)', 'DECIMAL(10)'],
    ['DEC(10, 2)', 'DECIMAL(10, 2)'],
    ['VARCHAR(20)', 'VARCHAR(20)'],
    ['CHARACTER VARYING(20)', 'VARCHAR(20)'],
    ['CHAR(3)', 'CHAR(3)'],
    ['STRING', 'STRING'],
    ['BYTES', 'BYTES'],
    ['BINARY VARYING(8)', 'VARBINARY(8)'],
    ['REAL', 'FLOAT'],
    ['DOUBLE PRECISION', 'DOUBLE'],
    ['DATE', 'DATE'],
    ['TIME(3)', 'TIME(3)'],
    ['TIME WITHOUT TIME ZONE', 'TIME'],
    ['TIMESTAMP(3)', 'TIMESTAMP(3)'],
    ['TIMESTAMP(6) WITHOUT TIME ZONE', 'TIMESTAMP(6)'],
    ['TIMESTAMP(3) WITH LOCAL TIME ZONE', 'TIMESTAMP_LTZ(3)'],
    ['TIMESTAMP_LTZ(3)', 'TIMESTAMP_LTZ(3)'],
    ['ARRAY<INT NOT NULL>', 'ARRAY<INT NOT NULL>'],
    ['INT ARRAY', 'ARRAY<INT>'],
    ['STRING MULTISET NOT NULL', 'MULTISET<STRING> NOT NULL'],
    ['MAP<STRING, INT>', 'MAP<STRING, INT>'],
    ['MAP<STRING, ARRAY<INT>>', 'MAP<STRING, ARRAY<INT>>'],
    ["ROW<a INT, b STRING 'the b'>", "ROW<a INT, b STRING 'the b'>"],
    ['ROW(a INT, `b c` ROW<d DOUBLE>)', 'ROW<a INT, `b c` ROW<d DOUBLE>>'],
  ])('%s prints as %s', (sql, printed) => {
    const type = parseType(sql)
    expect(toSql(type)).toBe(printed)
    expect(withoutSpans(parseType(printed))).toEqual(withoutSpans(type))
  })

  it('builds a typed tree', () => {
    expect(withoutSpans(parseType('MAP<STRING, DECIMAL(10, 2) NOT NULL>'))).toEqual({
      kind: 'mapType',
      key: { kind: 'scalarType', name: 'STRING', nullable: true },
      value: { kind: 'scalarType', name: 'DECIMAL', precision: 10, scale: 2, nullable: false },
      nullable: true,
    })
  })

  it('names unsupported and unknown types', () => {
    expect(syntaxError('TIMESTAMP WITH TIME ZONE', parseType)).toMatchObject({
      problem: 'TIMESTAMP WITH TIME ZONE is not supported yet',
      hint: 'use TIMESTAMP_LTZ (TIMESTAMP WITH LOCAL TIME ZONE)',
    })
    expect(syntaxError("RAW('java.lang.Object', 'x')", parseType).problem).toBe(
      'the RAW type is not supported yet',
    )
    expect(syntaxError('my_type', parseType).problem).toBe("user-defined type 'my_type' is not supported yet")
    expect(syntaxError('VARCHAR(abc)', parseType).problem).toBe(
      "expected an unsigned integer but found 'abc'",
    )
    expect(syntaxError('MAP<STRING>', parseType).problem).toBe("expected ',' but found '>'")
  })
})
