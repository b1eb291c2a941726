import { describe, expect, it } from 'vitest'
import { DatagenOptionError } from './options.ts'
import { type ColumnType, isRowType, type Schema } from './schema.ts'
import { createDatagenSource, datagenSchema } from './source.ts'

/** Why `value` does not fit `type`, or undefined when it does. */
function misfit(value: unknown, type: ColumnType, nullable: boolean): string | undefined {
  if (value === null) return nullable ? undefined : 'null in a NOT NULL column'
  if (isRowType(type)) {
    if (!Array.isArray(value) || value.length !== type.fields.length) return 'not a row of the right width'
    return type.fields.map((f, i) => misfit(value[i], f.type, f.nullable)).find((m) => m !== undefined)
  }
  const fits = {
    BIGINT: Number.isSafeInteger(value),
    INT: Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31,
    DOUBLE: typeof value === 'number' && Number.isFinite(value),
    STRING: typeof value === 'string',
    BOOLEAN: typeof value === 'boolean',
    'TIMESTAMP(3)': Number.isSafeInteger(value),
  }[type]
  return fits ? undefined : `${JSON.stringify(value)} is not ${type}`
}

function misfits(rows: unknown[][], schema: Schema): string[] {
  return rows.flatMap((row) => {
    if (row.length !== schema.length) return [`row of ${row.length} values for ${schema.length} columns`]
    return schema.flatMap((c, i) => {
      const problem = misfit(row[i], c.type, c.nullable)
      return problem === undefined ? [] : [`${c.name}: ${problem}`]
    })
  })
}

const GENERATOR_OPTIONS: Record<string, string>[] = [
  { generator: 'clickstream', 'max-out-of-orderness': '2 s', users: '10000', products: '500' },
  { generator: 'nexmark' },
  { generator: 'nexmark', 'nexmark.table': 'person' },
  { generator: 'nexmark', 'nexmark.table': 'auction' },
  { generator: 'nexmark', 'nexmark.table': 'bid' },
  { generator: 'dim_user', users: '3000' },
  { generator: 'dim_product', products: '3000' },
]

describe('createDatagenSource', () => {
  it.each(GENERATOR_OPTIONS)('generates rows that fit the declared schema: %o', (options) => {
    const raw = { connector: 'datagen', ...options }
    const source = createDatagenSource(raw)
    expect(source.generator.schema).toBe(datagenSchema(raw))
    const rows = source.generator.nextBatch(3000)
    expect(rows.length).toBe(3000)
    expect(misfits(rows, source.generator.schema)).toEqual([])
  })

  it('bounds a stream by number-of-rows', () => {
    const source = createDatagenSource({
      connector: 'datagen',
      generator: 'clickstream',
      'number-of-rows': '2500',
    })
    expect(source.generator.nextBatch(2000).length).toBe(2000)
    expect(source.generator.nextBatch(2000).length).toBe(500)
    expect(source.generator.done).toBe(true)
    expect(source.generator.nextBatch(2000)).toEqual([])
  })

  it('ends a dimension table after its last id', () => {
    const source = createDatagenSource({ connector: 'datagen', generator: 'dim_user', users: '40' })
    expect(source.generator.nextBatch(100).length).toBe(40)
    expect(source.generator.done).toBe(true)
  })

  it('bounds and paces Nexmark tables by events of the combined stream', () => {
    const raw = {
      connector: 'datagen',
      generator: 'nexmark',
      'number-of-rows': '1000',
      'rows-per-second': '5000',
    }
    const bids = createDatagenSource({ ...raw, 'nexmark.table': 'bid' })
    const persons = createDatagenSource({ ...raw, 'nexmark.table': 'person' })
    expect(bids.generator.nextBatch(10_000).length).toBe(920)
    expect(persons.generator.nextBatch(10_000).length).toBe(20)
    bids.pacer.rowsDue(0)
    expect(bids.pacer.rowsDue(1000)).toBe(4600)
    const all = createDatagenSource(raw)
    all.pacer.rowsDue(0)
    expect(all.pacer.rowsDue(100)).toBe(500)
  })

  it('ties event time to the rate, so a paced stream keeps up with the clock', () => {
    const source = createDatagenSource({
      connector: 'datagen',
      generator: 'clickstream',
      'rows-per-second': '100',
    })
    const times = source.generator.nextObjects(201).map((row) => row.ingest_time as number)
    expect(times[200]! - times[0]!).toBe(2000)
  })

  it('throws DatagenOptionError for bad options', () => {
    expect(() => createDatagenSource({ connector: 'datagen', generator: 'nexmark', users: '5' })).toThrow(
      DatagenOptionError,
    )
  })
})
