import { describe, expect, it } from 'vitest'
import { keyEncoder } from '../../engine/grouping/key-encoder.ts'
import { bindSql } from '../testing/evaluate.ts'
import { types } from '../types/logical-type.ts'
import { compileBatchCalc, compileChangelogBatchCalc } from './batch-calc.ts'
import { compileComparator } from './comparator.ts'
import { createRuntimeEnv } from './compile-expression.ts'
import { compileKeyExtractor } from './key-extractor.ts'

const env = createRuntimeEnv()
const columns = { id: 'BIGINT', name: 'STRING', amount: 'DOUBLE' }
const bind = (sql: string) => bindSql(sql, { columns })

describe('batch filter+project', () => {
  const rows = [
    [1, 'ann', 10],
    [2, 'bob', null],
    [3, null, 30],
    [4, 'cy', 5],
  ]

  it('filters and projects a whole batch in one generated loop', () => {
    const calc = compileBatchCalc(
      {
        filter: bind('amount > 8'),
        projection: [bind('id'), bind("UPPER(name) || '!'"), bind('amount * 2')],
      },
      { env },
    )
    expect(calc.fn(rows)).toEqual([
      [1, 'ANN!', 20],
      [3, null, 60],
    ])
    expect(calc.source).toContain('for (let r = 0; r < rows.length; r++)')
  })

  it('keeps the input rows when there is no projection, and maps every row without a filter', () => {
    expect(compileBatchCalc({ filter: bind('name IS NULL') }, { env }).fn(rows)).toEqual([rows[2]])
    expect(compileBatchCalc({ projection: [bind('id + 1')] }, { env }).fn(rows)).toEqual([[2], [3], [4], [5]])
  })

  it('carries changelog kinds with the rows that pass', () => {
    const calc = compileChangelogBatchCalc({ filter: bind('id % 2 = 0'), projection: [bind('id')] }, { env })
    expect(calc.fn(rows, Uint8Array.from([0, 1, 2, 3]))).toEqual({
      rows: [[2], [4]],
      kinds: Uint8Array.from([1, 3]),
    })
    expect(calc.fn(rows, null)).toEqual({ rows: [[2], [4]], kinds: null })
  })
})

describe('group key extractors', () => {
  it('use the value itself for one numeric or string key', () => {
    const byId = compileKeyExtractor([{ index: 0, type: types.bigint() }], { env }).fn
    expect(byId([42, 'x'])).toBe(42)
    expect(byId([null, 'x'])).toBeNull()
    const byName = compileKeyExtractor([{ index: 1, type: types.string() }], { env }).fn
    expect(byName([1, 'ann'])).toBe('ann')
  })

  it('encode composite keys injectively, exactly like the engine key encoder', () => {
    const fields = [
      { index: 0, type: types.string() },
      { index: 1, type: types.string() },
      { index: 2, type: types.int() },
      { index: 3, type: types.boolean() },
    ]
    const key = compileKeyExtractor(fields, { env }).fn
    const engine = keyEncoder([0, 1, 2, 3])
    const samples = [
      ['a|b', 'c', 1, true],
      ['a', 'b|c', 1, true],
      ['', null, -0, false],
      [null, '', 0, null],
      ['s1:x', 'd', 2.5, true],
    ]
    for (const row of samples) expect(key(row)).toBe(engine(row))
    expect(new Set(samples.map(key)).size).toBe(samples.length)
    expect(key([null, null, -0, null])).toBe(key([null, null, 0, null]))
  })

  it('falls back to the engine encoding for other types', () => {
    const key = compileKeyExtractor(
      [
        { index: 0, type: types.bytes() },
        { index: 1, type: types.int() },
      ],
      { env },
    ).fn
    expect(key([Uint8Array.from([1, 2]), 3])).toBe(keyEncoder([0, 1])([Uint8Array.from([1, 2]), 3]))
  })
})

describe('ORDER BY comparators', () => {
  const rows = [
    [3, 'b'],
    [null, 'a'],
    [1, 'c'],
    [3, 'a'],
  ]

  it('sort by several keys with Flink null order (NULL smallest)', () => {
    const compare = compileComparator(
      [
        { index: 0, type: types.int(), descending: true, nullsFirst: false },
        { index: 1, type: types.string(), descending: false, nullsFirst: true },
      ],
      { env },
    ).fn
    expect([...rows].sort(compare)).toEqual([
      [3, 'a'],
      [3, 'b'],
      [1, 'c'],
      [null, 'a'],
    ])
  })

  it('honours NULLS FIRST on a descending key', () => {
    const compare = compileComparator([{ index: 0, type: types.int(), descending: true, nullsFirst: true }], {
      env,
    }).fn
    expect([...rows].sort(compare).map((row) => row[0])).toEqual([null, 3, 3, 1])
  })
})
