import { describe, expect, it } from 'vitest'
import { SqlRuntimeError } from '../errors.ts'
import { FunctionRegistry } from '../functions/registry.ts'
import { evaluate } from '../testing/evaluate.ts'
import { types } from '../types/logical-type.ts'

/** Columns of the test row: every type, once with a value and once NULL. */
const COLUMNS = {
  i: 'INT',
  ni: 'INT',
  b: 'BIGINT',
  d: 'DOUBLE',
  m: 'DECIMAL(10, 2)',
  s: 'STRING',
  ns: 'STRING',
  t: 'BOOLEAN',
  nt: 'BOOLEAN',
  ts: 'TIMESTAMP(3)',
  nts: 'TIMESTAMP(3)',
  ltz: 'TIMESTAMP_LTZ(3)',
  dt: 'DATE',
  j: 'STRING',
  arr: 'ARRAY<INT>',
  mp: 'MAP<STRING, INT>',
  r: 'ROW<a INT, b STRING>',
}
const TS = Date.UTC(2024, 0, 31, 12, 34, 56, 789)
const ROW = [
  7,
  null,
  10_000_000_000,
  2.5,
  12.34,
  'Hello World',
  null,
  true,
  null,
  TS,
  null,
  TS,
  19753,
  '{"user":{"id":42,"tags":["a","b"],"name":"ann","ok":true}}',
  [10, 20, 30],
  new Map([['k', 1]]),
  [1, 'x'],
]

function run(sql: string, options: { timeZone?: string; functions?: FunctionRegistry } = {}): unknown {
  return evaluate(sql, ROW, { columns: COLUMNS, now: () => Date.UTC(2024, 5, 1, 0, 0, 0), ...options })
}

type Case = readonly [sql: string, expected: unknown]

function table(name: string, cases: readonly Case[], options?: { timeZone?: string }): void {
  describe(name, () => {
    it.each(cases)('%s', (sql, expected) => {
      expect(run(sql, options)).toEqual(expected)
    })
  })
}

table('arithmetic with NULL propagation and Flink integer semantics', [
  ['i + 1', 8],
  ['ni + 1', null],
  ['1 + NULL', null],
  ['i - 10', -3],
  ['i * 3', 21],
  ['i / 2', 3],
  ['-i / 2', -3],
  ['ni / 2', null],
  ['i % 4', 3],
  ['-7 % 3', -1],
  ['MOD(i, 4)', 3],
  ['MOD(ni, 4)', null],
  ['2147483647 + 1', -2147483648],
  ['b * 2', 20_000_000_000],
  ['b / 3', 3333333333],
  ['d / 2', 1.25],
  ['d / 0', Number.POSITIVE_INFINITY],
  ['m * 2', 24.68],
  ['m + 0.005', 12.345],
  ['CAST(m + 0.005 AS DECIMAL(10, 2))', 12.35],
  ['0.1 + 0.2', 0.3],
  ['-i', -7],
  ['-ni', null],
  ['CAST(1 AS TINYINT) + CAST(127 AS TINYINT)', -128],
])

table('comparisons and three-valued logic', [
  ['i = 7', true],
  ['i <> 7', false],
  ['i < 10', true],
  ['i >= 8', false],
  ['ni = 1', null],
  ['ni <> 1', null],
  ['s = ns', null],
  ["s > 'Apple'", true],
  ['i IS DISTINCT FROM ni', true],
  ['ni IS NOT DISTINCT FROM NULL', true],
  ['ni IS DISTINCT FROM NULL', false],
  ['t AND nt', null],
  ['NOT t AND nt', false],
  ['t OR nt', true],
  ['NOT t OR nt', null],
  ['nt AND FALSE', false],
  ['nt OR TRUE', true],
  ['NOT nt', null],
  ['NOT t', false],
  ['ni IS NULL', true],
  ['ni IS NOT NULL', false],
  ['nt IS TRUE', false],
  ['nt IS NOT TRUE', true],
  ['nt IS FALSE', false],
  ['nt IS NOT FALSE', true],
  ['nt IS UNKNOWN', true],
  ['t IS TRUE', true],
  ["ts > TIMESTAMP '2024-01-01 00:00:00'", true],
  ["ts > '2024-02-01 00:00:00'", false],
  ["dt = DATE '2024-01-31'", true],
])

table('BETWEEN, IN and LIKE', [
  ['i BETWEEN 1 AND 10', true],
  ['i BETWEEN 10 AND 1', false],
  ['i BETWEEN SYMMETRIC 10 AND 1', true],
  ['i NOT BETWEEN 1 AND 10', false],
  ['ni BETWEEN 1 AND 10', null],
  ['i BETWEEN NULL AND 5', false],
  ['i BETWEEN NULL AND 10', null],
  ['i IN (1, 7)', true],
  ['i IN (1, 2)', false],
  ['i IN (1, NULL)', null],
  ['i IN (7, NULL)', true],
  ['ni IN (1, 2)', null],
  ['i NOT IN (1, 2)', true],
  ['i NOT IN (1, NULL)', null],
  ['i IN (1, 2, 3, 4, 5, 6, 7)', true],
  ["s IN ('a', 'b', 'c', 'd', 'e', 'Hello World')", true],
  ['i IN (1, i - 1, i)', true],
  ['i IN (1, ni)', null],
  ["s LIKE 'Hello%'", true],
  ["s LIKE '%World'", true],
  ["s LIKE '%lo W%'", true],
  ["s LIKE 'Hello World'", true],
  ["s LIKE 'H_llo%'", true],
  ["s LIKE 'h%'", false],
  ["s NOT LIKE 'h%'", true],
  ["ns LIKE 'a%'", null],
  ['s LIKE ns', null],
  ["'50%' LIKE '50\\%' ESCAPE '\\'", true],
  ["'505' LIKE '50\\%' ESCAPE '\\'", false],
  ["'a.c' LIKE 'a.c'", true],
  ["'abc' LIKE 'a.c'", false],
  ["s SIMILAR TO 'Hel+o%'", true],
])

table('CASE, COALESCE, IF, NULLIF', [
  ["CASE WHEN i > 5 THEN 'big' ELSE 'small' END", 'big'],
  ["CASE WHEN ni > 5 THEN 'big' ELSE 'small' END", 'small'],
  ["CASE WHEN ni > 5 THEN 'big' END", null],
  ["CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", 'seven'],
  ["CASE ni WHEN 1 THEN 'one' ELSE 'other' END", 'other'],
  ['CASE WHEN t THEN 1 WHEN 1 / 0 = 1 THEN 2 END', 1],
  ['COALESCE(ni, i)', 7],
  ['COALESCE(ni, NULL)', null],
  ["COALESCE(ns, 'x', s)", 'x'],
  ['IFNULL(ni, 3)', 3],
  ['IF(t, 1, 2)', 1],
  ['IF(nt, 1, 2)', 2],
  ['NULLIF(i, 7)', null],
  ['NULLIF(i, 8)', 7],
  ['NULLIF(ni, 8)', null],
  ['GREATEST(1, i, 3)', 7],
  ['LEAST(1, ni, 3)', null],
])

table('CAST and TRY_CAST', [
  ["CAST('42' AS INT)", 42],
  ["CAST(' 42 ' AS BIGINT)", 42],
  ["CAST('4.9' AS INT)", 4],
  ["CAST('2.5' AS DOUBLE)", 2.5],
  ["CAST('12.345' AS DECIMAL(5, 2))", 12.35],
  ["CAST('123456' AS DECIMAL(5, 2))", null],
  ["CAST('true' AS BOOLEAN)", true],
  ["CAST('N' AS BOOLEAN)", false],
  ["CAST('2024-01-31' AS DATE)", 19753],
  ["CAST('2024-01-31 12:34:56.789' AS TIMESTAMP(3))", TS],
  ["CAST('2024-01-31T12:34:56.789' AS TIMESTAMP(3))", TS],
  ["CAST('12:30:00' AS TIME)", 45_000_000],
  ['CAST(ni AS STRING)', null],
  ['CAST(i AS STRING)', '7'],
  ['CAST(d AS STRING)', '2.5'],
  ['CAST(CAST(1 AS DOUBLE) AS STRING)', '1.0'],
  ['CAST(1.0E10 AS STRING)', '1.0E10'],
  ['CAST(m AS STRING)', '12.34'],
  ['CAST(t AS STRING)', 'TRUE'],
  ['CAST(ts AS STRING)', '2024-01-31 12:34:56.789'],
  ['CAST(dt AS STRING)', '2024-01-31'],
  ['CAST(ts AS DATE)', 19753],
  ['CAST(dt AS TIMESTAMP(3))', Date.UTC(2024, 0, 31)],
  ['CAST(d AS INT)', 2],
  ['CAST(-2.7 AS INT)', -2],
  ['CAST(m AS DECIMAL(4, 1))', 12.3],
  ['CAST(i AS DECIMAL(3, 1))', 7],
  ['CAST(300 AS TINYINT)', 44],
  ['CAST(t AS INT)', 1],
  ['CAST(arr AS STRING)', '[10, 20, 30]'],
  ['CAST(r AS STRING)', '(1, x)'],
  ["CAST('hello' AS VARCHAR(3))", 'hel'],
  ["TRY_CAST('abc' AS INT)", null],
  ["TRY_CAST('12' AS INT)", 12],
  ["TRY_CAST('2024-13-01' AS DATE)", null],
])

table('string functions', [
  ["CONCAT(s, '!')", 'Hello World!'],
  ['CONCAT(s, ns)', null],
  ["s || '?'", 'Hello World?'],
  ["ns || '?'", null],
  ["CONCAT_WS('-', 'a', ns, 'b')", 'a-b'],
  ["CONCAT_WS(ns, 'a', 'b')", null],
  ['UPPER(s)', 'HELLO WORLD'],
  ['LOWER(s)', 'hello world'],
  ['UPPER(ns)', null],
  ["TRIM('  ab  ')", 'ab'],
  ["TRIM(LEADING 'x' FROM 'xxabxx')", 'abxx'],
  ["TRIM(TRAILING 'x' FROM 'xxabxx')", 'xxab'],
  ["TRIM(BOTH 'xy' FROM 'xyabyx')", 'ab'],
  ["LTRIM('  ab ')", 'ab '],
  ["RTRIM(' ab  ')", ' ab'],
  ['TRIM(ns)', null],
  ['SUBSTRING(s, 1, 5)', 'Hello'],
  ['SUBSTRING(s FROM 7)', 'World'],
  ['SUBSTRING(s, 0, 3)', 'Hel'],
  ['SUBSTRING(s, -5)', 'World'],
  ['SUBSTRING(s, 20)', ''],
  ['SUBSTR(s, 7, 100)', 'World'],
  ['SUBSTRING(ns, 1, 2)', null],
  ['CHAR_LENGTH(s)', 11],
  ['CHARACTER_LENGTH(ns)', null],
  ["REPLACE(s, 'o', '0')", 'Hell0 W0rld'],
  ["REPLACE(s, 'o', '$1')", 'Hell$1 W$1rld'],
  ["REGEXP_EXTRACT(s, '(\\w+) (\\w+)', 2)", 'World'],
  ["REGEXP_EXTRACT(s, 'W\\w+')", 'World'],
  ["REGEXP_EXTRACT(s, 'x(\\d)', 1)", null],
  ["REGEXP_REPLACE(s, '[aeiou]', '*')", 'H*ll* W*rld'],
  ["REGEXP_REPLACE(s, '(\\w+) (\\w+)', '$2 $1')", 'World Hello'],
  ["REGEXP(s, '^H.*d$')", true],
  ["SPLIT_INDEX('a,b,c', ',', 2)", 'c'],
  ["SPLIT_INDEX('a,b,c', ',', 3)", null],
  ["SPLIT_INDEX(ns, ',', 0)", null],
  ["LPAD('7', 3, '0')", '007'],
  ["LPAD('hello', 3, '*')", 'hel'],
  ["RPAD('ab', 5, 'xy')", 'abxyx'],
  ["LPAD('ab', -1, 'x')", null],
  ["INITCAP('hello wORLD-foo')", 'Hello World-Foo'],
  ["POSITION('World' IN s)", 7],
  ["LOCATE('o', s, 6)", 8],
  ["REVERSE('abc')", 'cba'],
  ["REPEAT('ab', 3)", 'ababab'],
  ['LEFT(s, 3)', 'Hel'],
  ['RIGHT(s, 3)', 'rld'],
  ["ASCII('A')", 65],
  ['CHR(66)', 'B'],
  ["MD5('abc')", '900150983cd24fb0d6963f7d28e17f72'],
  ["SHA1('abc')", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["SHA256('abc')", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ["SHA2('abc', 224)", '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'],
  ['MD5(ns)', null],
  ["TO_BASE64('hi')", 'aGk='],
  ["FROM_BASE64('aGk=')", 'hi'],
  ["HASH_CODE('abc')", 96354],
])

table('math functions', [
  ['ABS(-3)', 3],
  ['ABS(ni)', null],
  ['ROUND(2.345, 2)', 2.35],
  ['ROUND(-2.5)', -3],
  ['ROUND(1234, -2)', 1200],
  ['ROUND(d)', 3],
  ['FLOOR(d)', 2],
  ['CEIL(d)', 3],
  ['FLOOR(-2.5)', -3],
  ['POWER(2, 10)', 1024],
  ['SQRT(16)', 4],
  ['LN(1)', 0],
  ['LOG10(1000)', 3],
  ['LOG2(8)', 3],
  ['LOG(2, 8)', 3],
  ['EXP(0)', 1],
  ['SIGN(-5)', -1],
  ['TRUNCATE(2.789, 1)', 2.7],
  ['POWER(ni, 2)', null],
  ['DEGREES(PI())', 180],
  ['BIN(5)', '101'],
  ['HEX(255)', 'FF'],
])

table('JSON_VALUE and friends', [
  ["JSON_VALUE(j, '$.user.id')", '42'],
  ["JSON_VALUE(j, '$.user.tags[1]')", 'b'],
  ["JSON_VALUE(j, '$.user.name')", 'ann'],
  ["JSON_VALUE(j, '$.user.ok')", 'true'],
  ["JSON_VALUE(j, '$.user.tags')", null],
  ["JSON_VALUE(j, '$.user.missing')", null],
  ["JSON_VALUE(j, 'lax $[''user''].id')", '42'],
  ["JSON_VALUE('not json', '$.a')", null],
  ["JSON_VALUE(ns, '$.a')", null],
  ["JSON_QUERY(j, '$.user.tags')", '["a","b"]'],
  ["JSON_EXISTS(j, '$.user.id')", true],
  ["JSON_EXISTS(j, '$.nope')", false],
])

table('date and time functions (UTC)', [
  ["DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm')", '2024-01-31 12:34'],
  ["DATE_FORMAT(ts, 'yyyyMMdd HH:mm:ss.SSS')", '20240131 12:34:56.789'],
  ["DATE_FORMAT(ts, 'EEE, d MMM yy hh a')", 'Wed, 31 Jan 24 12 PM'],
  ["DATE_FORMAT('2024-01-31 01:02:03', 'HH-mm-ss')", '01-02-03'],
  ["DATE_FORMAT(nts, 'yyyy')", null],
  ["TO_TIMESTAMP('2024-01-31 12:34:56')", Date.UTC(2024, 0, 31, 12, 34, 56)],
  ["TO_TIMESTAMP('31/01/2024 12:34', 'dd/MM/yyyy HH:mm')", Date.UTC(2024, 0, 31, 12, 34)],
  ["TO_TIMESTAMP('20240131', 'yyyyMMdd')", Date.UTC(2024, 0, 31)],
  ["TO_TIMESTAMP('not a time')", null],
  ["TO_TIMESTAMP('2024-02-30 00:00:00')", null],
  ['TO_TIMESTAMP_LTZ(1700000000, 0)', 1_700_000_000_000],
  ['TO_TIMESTAMP_LTZ(1700000000123, 3)', 1_700_000_000_123],
  ["TO_DATE('2024-01-31')", 19753],
  ["TO_DATE('31.01.2024', 'dd.MM.yyyy')", 19753],
  ['FROM_UNIXTIME(86400)', '1970-01-02 00:00:00'],
  ["FROM_UNIXTIME(86400, 'yyyy/MM/dd')", '1970/01/02'],
  ["UNIX_TIMESTAMP('1970-01-02 00:00:00')", 86400],
  ["UNIX_TIMESTAMP('02.01.1970', 'dd.MM.yyyy')", 86400],
  ["UNIX_TIMESTAMP('garbage')", null],
  ['UNIX_TIMESTAMP()', Date.UTC(2024, 5, 1) / 1000],
  ['EXTRACT(YEAR FROM ts)', 2024],
  ['EXTRACT(MONTH FROM dt)', 1],
  ['EXTRACT(DOW FROM dt)', 4],
  ["EXTRACT(EPOCH FROM TIMESTAMP '1970-01-02 00:00:00')", 86400],
  ['EXTRACT(QUARTER FROM ts)', 1],
  ['YEAR(ts)', 2024],
  ['MONTH(ts)', 1],
  ['DAYOFMONTH(ts)', 31],
  ['DAYOFYEAR(ts)', 31],
  ['DAYOFWEEK(ts)', 4],
  ['WEEK(ts)', 5],
  ['HOUR(ts)', 12],
  ['MINUTE(ts)', 34],
  ['SECOND(ts)', 56],
  ['HOUR(nts)', null],
  ['FLOOR(ts TO HOUR)', Date.UTC(2024, 0, 31, 12)],
  ['FLOOR(ts TO DAY)', Date.UTC(2024, 0, 31)],
  ['FLOOR(ts TO MONTH)', Date.UTC(2024, 0, 1)],
  ['FLOOR(ts TO WEEK)', Date.UTC(2024, 0, 29)],
  ['CEIL(ts TO HOUR)', Date.UTC(2024, 0, 31, 13)],
  ['CEIL(ts TO YEAR)', Date.UTC(2025, 0, 1)],
  ['FLOOR(dt TO MONTH)', 19723],
  ['TIMESTAMPADD(MINUTE, 30, ts)', TS + 30 * 60_000],
  ['TIMESTAMPADD(MONTH, 1, ts)', Date.UTC(2024, 1, 29, 12, 34, 56, 789)],
  ['TIMESTAMPADD(DAY, 1, dt)', 19754],
  ["TIMESTAMPDIFF(HOUR, TIMESTAMP '2024-01-01 00:00:00', ts)", 732],
  ["TIMESTAMPDIFF(MONTH, TIMESTAMP '2024-01-31 00:00:00', TIMESTAMP '2024-02-29 00:00:00')", 0],
  ["TIMESTAMPDIFF(MONTH, TIMESTAMP '2024-01-31 00:00:00', TIMESTAMP '2024-03-31 00:00:00')", 2],
  ['TIMESTAMPDIFF(DAY, nts, ts)', null],
  ["ts + INTERVAL '1' HOUR", TS + 3_600_000],
  ["ts - INTERVAL '1:30' HOUR TO MINUTE", TS - 90 * 60_000],
  ["dt + INTERVAL '2' DAY", 19755],
  ["ts + INTERVAL '1' MONTH", Date.UTC(2024, 1, 29, 12, 34, 56, 789)],
  ["ts + INTERVAL '1-2' YEAR TO MONTH", Date.UTC(2025, 2, 31, 12, 34, 56, 789)],
  ["nts + INTERVAL '1' DAY", null],
  ['CURRENT_TIMESTAMP', Date.UTC(2024, 5, 1)],
  ['LOCALTIMESTAMP', Date.UTC(2024, 5, 1)],
  ['CURRENT_DATE', 19875],
  ["CONVERT_TZ('2024-01-31 12:00:00', 'UTC', '+08:00')", '2024-01-31 20:00:00'],
])

table(
  "time zone 'Asia/Shanghai' (table.local-time-zone)",
  [
    ["DATE_FORMAT(ltz, 'yyyy-MM-dd HH:mm')", '2024-01-31 20:34'],
    ["DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm')", '2024-01-31 12:34'],
    ['HOUR(ltz)', 20],
    ['CAST(ltz AS STRING)', '2024-01-31 20:34:56.789'],
    ['CAST(ltz AS TIMESTAMP(3))', TS + 8 * 3_600_000],
    ['FROM_UNIXTIME(0)', '1970-01-01 08:00:00'],
    ["UNIX_TIMESTAMP('1970-01-01 08:00:00')", 0],
    ['LOCALTIMESTAMP', Date.UTC(2024, 5, 1, 8)],
    ['FLOOR(ltz TO DAY)', Date.UTC(2024, 0, 30, 16)],
  ],
  { timeZone: 'Asia/Shanghai' },
)

table(
  "fixed offset '-05:30'",
  [
    ['HOUR(ltz)', 7],
    ["DATE_FORMAT(ltz, 'HH:mm XXX')", '07:04 -05:30'],
  ],
  { timeZone: '-05:30' },
)

table('collections, rows and constructors', [
  ['arr[1]', 10],
  ['arr[4]', null],
  ["mp['k']", 1],
  ["mp['x']", null],
  ['r.a', 1],
  ['r.b', 'x'],
  ['CARDINALITY(arr)', 3],
  ['CARDINALITY(mp)', 1],
  ['ARRAY[1, 2]', [1, 2]],
  ["ROW(1, 'a')", [1, 'a']],
  ["MAP['a', 1]", new Map([['a', 1]])],
])

describe('runtime errors', () => {
  it('integer division by zero fails like Flink', () => {
    expect(() => run('i / 0')).toThrow(SqlRuntimeError)
    expect(() => run('i % 0')).toThrow('division by zero')
  })

  it('CAST of malformed text fails, TRY_CAST gives NULL', () => {
    expect(() => run("CAST('abc' AS INT)")).toThrow("cannot cast 'abc' to INT")
    expect(() => run("CAST('2024-02-30' AS DATE)")).toThrow(SqlRuntimeError)
    expect(run("TRY_CAST('abc' AS INT)")).toBeNull()
  })

  it('AND/OR and CASE short-circuit: unevaluated operands cannot fail', () => {
    expect(run('FALSE AND 1 / 0 = 1')).toBe(false)
    expect(run('TRUE OR 1 / 0 = 1')).toBe(true)
    expect(run('COALESCE(i, 1 / 0)')).toBe(7)
  })
})

describe('user-defined scalar functions', () => {
  const functions = new FunctionRegistry()
    .register({
      name: 'mask',
      parameters: [types.string(), types.int()],
      returnType: types.string(),
      implementation: (text: string, keep: number) =>
        text.slice(0, keep) + '*'.repeat(Math.max(0, text.length - keep)),
    })
    .register({
      name: 'nvl_text',
      parameters: [types.string()],
      returnType: types.string(false),
      strict: false,
      implementation: (text: string | null) => text ?? '(none)',
    })

  it('are called through the function table with runtime values', () => {
    expect(run('MASK(s, 5)', { functions })).toBe('Hello******')
    expect(run('mask(ns, 1)', { functions })).toBeNull()
    expect(run('NVL_TEXT(ns)', { functions })).toBe('(none)')
  })

  it('cannot shadow built-in functions', () => {
    expect(() =>
      new FunctionRegistry().register({
        name: 'upper',
        parameters: [],
        returnType: types.int(),
        implementation: () => 1,
      }),
    ).toThrow('shadow the built-in')
  })
})
