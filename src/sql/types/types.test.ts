import { describe, expect, it } from 'vitest'
import { SqlValidationError } from '../errors.ts'
import { bindSql } from '../testing/evaluate.ts'
import { canCastImplicitly, commonType, explicitCastProblem } from './coercion.ts'
import { typesEqual } from './logical-type.ts'
import { formatType } from './type-format.ts'
import { parseLogicalType } from './type-from-spec.ts'

const type = parseLogicalType

describe('logical types', () => {
  it.each([
    ['INT', 'INT'],
    ['INTEGER NOT NULL', 'INT NOT NULL'],
    ['VARCHAR', 'VARCHAR(1)'],
    ['VARCHAR(2147483647)', 'STRING'],
    ['CHAR(3)', 'CHAR(3)'],
    ['BYTES', 'BYTES'],
    ['DECIMAL', 'DECIMAL(10, 0)'],
    ['NUMERIC(18, 2)', 'DECIMAL(18, 2)'],
    ['TIMESTAMP', 'TIMESTAMP(6)'],
    ['TIMESTAMP(3) WITH LOCAL TIME ZONE', 'TIMESTAMP_LTZ(3)'],
    ['TIME', 'TIME(0)'],
    ['ARRAY<INT NOT NULL>', 'ARRAY<INT NOT NULL>'],
    ['MAP<STRING, BIGINT>', 'MAP<STRING, BIGINT>'],
    ['ROW<a INT, `user` STRING NOT NULL>', 'ROW<a INT, `user` STRING NOT NULL>'],
  ])('%s is %s', (text, printed) => {
    const parsed = type(text)
    expect(formatType(parsed)).toBe(printed)
    expect(typesEqual(type(formatType(parsed)), parsed)).toBe(true)
  })

  it('rejects out-of-range parameters with the position', () => {
    expect(() => type('DECIMAL(40, 2)')).toThrow(SqlValidationError)
    expect(() => type('DECIMAL(5, 6)')).toThrow('DECIMAL scale must be between 0 and 5, got 6')
    expect(() => type('TIMESTAMP(12)')).toThrow('TIMESTAMP precision must be between 0 and 9')
  })
})

describe('common types (CASE branches, UNION inputs, IN lists)', () => {
  it.each([
    ['INT', 'BIGINT', 'BIGINT'],
    ['TINYINT NOT NULL', 'SMALLINT NOT NULL', 'SMALLINT NOT NULL'],
    ['INT', 'DECIMAL(5, 2)', 'DECIMAL(12, 2)'],
    ['DECIMAL(10, 2)', 'DECIMAL(5, 4)', 'DECIMAL(12, 4)'],
    ['INT', 'DOUBLE', 'DOUBLE'],
    ['FLOAT', 'BIGINT', 'FLOAT'],
    ['FLOAT', 'DECIMAL(5, 2)', 'DOUBLE'],
    ['CHAR(3) NOT NULL', 'CHAR(3) NOT NULL', 'CHAR(3) NOT NULL'],
    ['CHAR(3) NOT NULL', 'CHAR(5)', 'VARCHAR(5)'],
    ['VARCHAR(10)', 'STRING', 'STRING'],
    ['DATE', 'TIMESTAMP(3)', 'TIMESTAMP(3)'],
    ['TIMESTAMP(0)', 'TIMESTAMP(3) NOT NULL', 'TIMESTAMP(3)'],
    ['ARRAY<INT>', 'ARRAY<BIGINT>', 'ARRAY<BIGINT>'],
    ['ROW<a INT>', 'ROW<b DOUBLE>', 'ROW<a DOUBLE>'],
  ])('%s and %s → %s', (left, right, expected) => {
    expect(formatType(commonType(type(left), type(right))!)).toBe(expected)
  })

  it.each([
    ['INT', 'STRING'],
    ['TIMESTAMP(3)', 'TIMESTAMP_LTZ(3)'],
    ['BOOLEAN', 'INT'],
    ['ARRAY<INT>', 'MAP<INT, INT>'],
  ])('%s and %s have none', (left, right) => {
    expect(commonType(type(left), type(right))).toBeUndefined()
  })

  it('the NULL type takes the other type, nullable', () => {
    expect(formatType(bindSql("COALESCE(NULL, 'a')").type)).toBe('CHAR(1) NOT NULL')
    expect(formatType(bindSql('CASE WHEN TRUE THEN NULL ELSE 1 END').type)).toBe('INT')
  })
})

describe('implicit and explicit casts', () => {
  it.each([
    ['INT', 'BIGINT', true],
    ['BIGINT', 'INT', false],
    ['INT', 'DECIMAL(3, 0)', true],
    ['DECIMAL(10, 2)', 'DOUBLE', true],
    ['DOUBLE', 'DECIMAL(10, 2)', false],
    ['FLOAT', 'DOUBLE', true],
    ['STRING', 'VARCHAR(5)', true],
    ['DATE', 'TIMESTAMP(3)', true],
    ['TIMESTAMP(3)', 'TIMESTAMP_LTZ(3)', true],
    ['INT', 'STRING', false],
    ['ARRAY<INT>', 'ARRAY<BIGINT>', true],
  ])('%s → %s implicitly: %s', (from, to, allowed) => {
    expect(canCastImplicitly(type(from), type(to))).toBe(allowed)
  })

  it.each([
    ['STRING', 'INT', undefined],
    ['STRING', 'TIMESTAMP(3)', undefined],
    ['DOUBLE', 'BOOLEAN', undefined],
    ['TIMESTAMP(3)', 'DATE', undefined],
    ['ARRAY<INT>', 'STRING', undefined],
    ['BOOLEAN', 'DATE', ''],
    [
      'BIGINT',
      'TIMESTAMP(3)',
      'use TO_TIMESTAMP_LTZ(x, 3) for epoch milliseconds or TO_TIMESTAMP_LTZ(x, 0) for epoch seconds',
    ],
  ])('CAST(%s AS %s) problem: %s', (from, to, problem) => {
    expect(explicitCastProblem(type(from), type(to))).toBe(problem)
  })
})

/** Result types of expressions over typed columns, as the binder infers them (Flink's rules). */
const COLUMNS = {
  i: 'INT',
  ti: 'TINYINT NOT NULL',
  b: 'BIGINT NOT NULL',
  d: 'DOUBLE',
  f: 'FLOAT',
  m: 'DECIMAL(10, 2)',
  s: 'STRING',
  c: 'CHAR(4) NOT NULL',
  t: 'BOOLEAN',
  ts: 'TIMESTAMP(3) NOT NULL',
  ltz: 'TIMESTAMP_LTZ(3)',
  dt: 'DATE',
  arr: 'ARRAY<STRING>',
  mp: 'MAP<STRING, INT NOT NULL>',
  r: 'ROW<x INT NOT NULL, y STRING>',
}

describe('type inference', () => {
  it.each([
    ['1', 'INT NOT NULL'],
    ['2147483648', 'BIGINT NOT NULL'],
    ['1.50', 'DECIMAL(3, 2) NOT NULL'],
    ['1.5e3', 'DOUBLE NOT NULL'],
    ["'abc'", 'CHAR(3) NOT NULL'],
    ["X'0aff'", 'BINARY(2) NOT NULL'],
    ['NULL', 'NULL'],
    ["DATE '2024-01-31'", 'DATE NOT NULL'],
    ["TIMESTAMP '2024-01-31 12:00:00.123'", 'TIMESTAMP(3) NOT NULL'],
    ["INTERVAL '1' DAY", 'INTERVAL DAY TO SECOND(3) NOT NULL'],
    ["INTERVAL '1-2' YEAR TO MONTH", 'INTERVAL YEAR TO MONTH NOT NULL'],
    ['i + 1', 'INT'],
    ['ti + ti', 'TINYINT NOT NULL'],
    ['i + b', 'BIGINT'],
    ['i / 2', 'INT'],
    ['b / i', 'BIGINT'],
    ['i + d', 'DOUBLE'],
    ['f * 2', 'FLOAT'],
    ['m + 1', 'DECIMAL(13, 2)'],
    ['m * m', 'DECIMAL(20, 4)'],
    ['m / 3', 'DECIMAL(21, 13)'],
    ['m % 3', 'DECIMAL(10, 2)'],
    ['m + d', 'DOUBLE'],
    ['-i', 'INT'],
    ['i > 1', 'BOOLEAN'],
    ['b > 1', 'BOOLEAN NOT NULL'],
    ['i IS NULL', 'BOOLEAN NOT NULL'],
    ['t AND TRUE', 'BOOLEAN'],
    ["s LIKE 'a%'", 'BOOLEAN'],
    ['i IN (1, 2)', 'BOOLEAN'],
    ['b BETWEEN 1 AND 2', 'BOOLEAN NOT NULL'],
    ["CASE WHEN t THEN 'yes' ELSE 'no' END", 'VARCHAR(3) NOT NULL'],
    ["CASE WHEN t THEN 'yes' ELSE 'yep' END", 'CHAR(3) NOT NULL'],
    ["CASE WHEN t THEN 'yes' END", 'CHAR(3)'],
    ['CASE WHEN t THEN i ELSE b END', 'BIGINT'],
    ['COALESCE(i, b)', 'BIGINT NOT NULL'],
    ['COALESCE(i, 0)', 'INT NOT NULL'],
    ['IF(t, i, 0)', 'INT'],
    ['NULLIF(b, 0)', 'BIGINT'],
    ['CAST(s AS INT)', 'INT'],
    ['CAST(b AS STRING)', 'STRING NOT NULL'],
    ['TRY_CAST(c AS INT)', 'INT'],
    ['s || c', 'STRING'],
    ['c || c', 'STRING NOT NULL'],
    ['UPPER(c)', 'VARCHAR(4) NOT NULL'],
    ['CHAR_LENGTH(s)', 'INT'],
    ['SUBSTRING(s, 1, 2)', 'STRING'],
    ["REGEXP_EXTRACT(c, 'a')", 'STRING'],
    ["CONCAT_WS(',', s, c)", 'STRING NOT NULL'],
    ["DATE_FORMAT(ts, 'yyyy')", 'STRING'],
    ['TO_TIMESTAMP(s)', 'TIMESTAMP(3)'],
    ['TO_TIMESTAMP_LTZ(b, 3)', 'TIMESTAMP_LTZ(3) NOT NULL'],
    ['FROM_UNIXTIME(b)', 'STRING NOT NULL'],
    ['UNIX_TIMESTAMP()', 'BIGINT NOT NULL'],
    ['UNIX_TIMESTAMP(s)', 'BIGINT'],
    ['EXTRACT(HOUR FROM ts)', 'BIGINT NOT NULL'],
    ['YEAR(dt)', 'BIGINT'],
    ['CURRENT_TIMESTAMP', 'TIMESTAMP_LTZ(3) NOT NULL'],
    ['PROCTIME()', 'TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*'],
    ['LOCALTIMESTAMP', 'TIMESTAMP(3) NOT NULL'],
    ['CURRENT_DATE', 'DATE NOT NULL'],
    ["ts + INTERVAL '1' HOUR", 'TIMESTAMP(3) NOT NULL'],
    ["dt - INTERVAL '1' DAY", 'DATE'],
    ['TIMESTAMPADD(DAY, 1, ltz)', 'TIMESTAMP_LTZ(3)'],
    ['TIMESTAMPDIFF(SECOND, ts, ts)', 'INT NOT NULL'],
    ['FLOOR(ts TO HOUR)', 'TIMESTAMP(3) NOT NULL'],
    ['FLOOR(m)', 'DECIMAL(9, 0)'],
    ['ROUND(m, 1)', 'DECIMAL(10, 1)'],
    ['ABS(ti)', 'TINYINT NOT NULL'],
    ['POWER(i, 2)', 'DOUBLE'],
    ['RAND()', 'DOUBLE NOT NULL'],
    ["JSON_VALUE(s, '$.a')", 'STRING'],
    ['arr[1]', 'STRING'],
    ["mp['k']", 'INT'],
    ['r.x', 'INT'],
    ['CARDINALITY(arr)', 'INT'],
    ["ROW(1, 'a')", 'ROW<EXPR$0 INT NOT NULL, EXPR$1 CHAR(1) NOT NULL> NOT NULL'],
    ['ARRAY[1, 2]', 'ARRAY<INT NOT NULL> NOT NULL'],
    ['HASH_CODE(s)', 'INT'],
  ])('%s : %s', (sql, expected) => {
    expect(formatType(bindSql(sql, { columns: COLUMNS }).type)).toBe(expected)
  })
})
