/**
 * BIGINT in compiled expressions: literals, arithmetic, CASTs and comparisons exact over the signed 64-bit
 * range, wrapping like Java's long; values in the engine's normal form (a number while safe, a bigint beyond).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keyEncoder } from '../../engine/index.ts'
import { evaluate } from '../testing/evaluate.ts'
import { types } from '../types/logical-type.ts'
import { createRuntimeEnv } from './compile-expression.ts'
import { compileKeyExtractor } from './key-extractor.ts'

const MIN = -(2n ** 63n)
const MAX = 2n ** 63n - 1n
const COLUMNS = { a: 'BIGINT', b: 'BIGINT', i: 'INT', d: 'DOUBLE' }
const run = (sql: string, row: unknown[] = []) => evaluate(sql, row, { columns: COLUMNS })
const normal = (v: bigint) => (v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v)
const int64 = fc.oneof(
  fc.constantFrom(MIN, MAX, 2n ** 53n, -(2n ** 53n), 2n ** 53n - 1n, 0n, -1n),
  fc.bigInt({ min: MIN, max: MAX }),
  fc.bigInt({ min: -(2n ** 32n), max: 2n ** 32n }),
)

describe('BIGINT expressions', () => {
  it('keeps literals beyond 2^53 and wraps at 64 bits like Java', () => {
    expect(run('9007199254740993')).toBe(9007199254740993n)
    expect(run('9223372036854775807 + 1')).toBe(MIN)
    expect(run('-9223372036854775807 - 2')).toBe(MAX)
    expect(run('4611686018427387904 * 2')).toBe(MIN)
    expect(run('a / b', [normal(MIN), -1])).toBe(MIN)
    expect(run('-a', [normal(MIN)])).toBe(MIN)
    expect(run('a % b', [normal(MIN), -1])).toBe(0)
    expect(() => run('a / b', [1n << 60n, 0])).toThrow('division by zero')
    // Back in the safe range, a result is a number again: one value, one representation.
    expect(run('a - 2', [2n ** 53n + 1n])).toBe(2 ** 53 - 1)
  })

  it('computes + - * / % exactly for random values (property)', () => {
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const row = [normal(a), normal(b)]
        expect(run('a + b', row)).toBe(normal(BigInt.asIntN(64, a + b)))
        expect(run('a - b', row)).toBe(normal(BigInt.asIntN(64, a - b)))
        expect(run('a * b', row)).toBe(normal(BigInt.asIntN(64, a * b)))
        if (b !== 0n) {
          expect(run('a / b', row)).toBe(normal(BigInt.asIntN(64, a / b)))
          expect(run('a % b', row)).toBe(normal(a % b))
        }
        expect(run('a < b', row)).toBe(a < b)
        expect(run('a = b', row)).toBe(a === b)
        expect(run('a + i', [normal(a), null, 3])).toBe(normal(BigInt.asIntN(64, a + 3n)))
        expect(run('a > i', [normal(a), null, 3])).toBe(a > 3n)
      }),
    )
  })

  it('CASTs to and from STRING, INT and DOUBLE like Java', () => {
    expect(run("CAST('9223372036854775807' AS BIGINT)")).toBe(MAX)
    expect(run("CAST(' -9223372036854775808.9 ' AS BIGINT)")).toBe(MIN)
    expect(() => run("CAST('9223372036854775808' AS BIGINT)")).toThrow('out of range for BIGINT')
    expect(run("TRY_CAST('9223372036854775808' AS BIGINT)")).toBe(null)
    expect(run('CAST(a AS STRING)', [MAX])).toBe('9223372036854775807')
    expect(run('CAST(a AS INT)', [2n ** 62n + 5n])).toBe(5)
    expect(run('CAST(a AS DOUBLE)', [MAX])).toBe(2 ** 63)
    expect(run('CAST(d AS BIGINT)', [null, null, null, 1e30])).toBe(MAX)
    expect(run('CAST(d AS BIGINT)', [null, null, null, -1e30])).toBe(MIN)
    expect(run('CAST(d AS BIGINT)', [null, null, null, 2 ** 60 + 0.5])).toBe(2n ** 60n)
    expect(run('CAST(d AS BIGINT)', [null, null, null, Number.NaN])).toBe(0)
    // Implicit conversions to DOUBLE (function arguments, CASE branches) turn a bigint into a number.
    expect(run('SQRT(a)', [2n ** 60n])).toBe(2 ** 30)
    expect(run('POWER(a, 2)', [2n ** 60n])).toBe(2 ** 120)
    expect(run('LOG(2, a)', [2n ** 60n])).toBe(60)
    expect(run('CASE WHEN a > 0 THEN a ELSE d END', [2n ** 60n + 1n, null, null, 0.5])).toBe(2 ** 60)
    expect(run('COALESCE(a, d)', [-(2n ** 60n), null, null, 0.5])).toBe(-(2 ** 60))
    // A BIGINT meets a DOUBLE as a double, as in Flink.
    expect(run('a = d', [2n ** 53n + 1n, null, null, 2 ** 53])).toBe(true)
    expect(run('a + d', [2n ** 60n, null, null, 0.5])).toBe(2 ** 60)
  })

  it('reads ids beyond 2^53 out of JSON text exactly', () => {
    const payload = '{"id": 9007199254740993, "ids": [-9223372036854775808]}'
    const columns = { p: 'STRING' }
    expect(evaluate("CAST(JSON_VALUE(p, '$.id') AS BIGINT)", [payload], { columns })).toBe(9007199254740993n)
    expect(evaluate("JSON_QUERY(p, '$.ids')", [payload], { columns })).toBe('[-9223372036854775808]')
  })

  it('ABS, SIGN, FLOOR, CEIL, ROUND and TRUNCATE of BIGINTs beyond 2^53', () => {
    const big = -(2n ** 60n) - 55n
    expect(run('ABS(a)', [big])).toBe(2n ** 60n + 55n)
    expect(run('ABS(a)', [MIN])).toBe(MIN) // Java's Math.abs(Long.MIN_VALUE)
    expect(run('SIGN(a)', [big])).toBe(-1)
    expect(run('FLOOR(a)', [big])).toBe(big)
    expect(run('CEIL(a)', [big])).toBe(big)
    // big is -1152921504606847031
    expect(run('ROUND(a, -1)', [big])).toBe(-1152921504606847030n)
    expect(run('ROUND(a, -2)', [big])).toBe(-1152921504606847000n)
    expect(run('ROUND(a, -1)', [-(2n ** 60n) - 9n])).toBe(-1152921504606846990n)
    expect(run('TRUNCATE(a, -1)', [-(2n ** 60n) - 9n])).toBe(-1152921504606846980n)
    expect(run('ROUND(a)', [big])).toBe(big)
  })

  it('extracts the same group keys as the engine’s key encoder, one per value', () => {
    const options = { env: createRuntimeEnv({}) }
    const single = compileKeyExtractor([{ index: 0, type: types.bigint() }], options).fn
    const composite = compileKeyExtractor(
      [
        { index: 0, type: types.bigint() },
        { index: 1, type: types.string() },
      ],
      options,
    ).fn
    for (const value of [normal(MAX), normal(2n ** 53n), 5, null]) {
      expect(single([value, 'x'])).toBe(keyEncoder([0])([value, 'x']))
      expect(composite([value, 'x'])).toBe(keyEncoder([0, 1])([value, 'x']))
    }
    expect(single([2n ** 53n])).not.toBe(single([2n ** 53n + 1n]))
  })
})
