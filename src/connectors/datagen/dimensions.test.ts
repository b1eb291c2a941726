import { describe, expect, it } from 'vitest'
import { DEPARTMENT_CATEGORIES, LEAF_CATEGORIES, leafCategoryPicker } from './categories.ts'
import { BatchGenerator, type IndexedRows } from './generator.ts'
import { DIM_PRODUCT_SCHEMA, DimProductRows, PRICE_BANDS } from './products.ts'
import { columnIndex } from './schema.ts'
import { DIM_USER_SCHEMA, DimUserRows, USER_LEVELS, UserTraits } from './users.ts'

function all(rows: IndexedRows): unknown[][] {
  return new BatchGenerator(rows).nextBatch(rows.size)
}

/** Positions of the columns in which two versions of a table differ, per differing row. */
function differences(before: unknown[][], after: unknown[][]): number[][] {
  return before
    .map((row, i) => row.flatMap((value, c) => (value === after[i]![c] ? [] : [c])))
    .filter((columns) => columns.length > 0)
}

describe('dim_user', () => {
  it('has one row per user id, deterministic per seed', () => {
    const users = all(new DimUserRows({ seed: 1, users: 5000 }))
    expect(users.map((row) => row[0])).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1))
    expect(all(new DimUserRows({ seed: 1, users: 5000 }))).toEqual(users)
    expect(differences(users, all(new DimUserRows({ seed: 2, users: 5000 }))).length).toBeGreaterThan(4000)
  })

  it('does not depend on the table size: user 42 is the same user in any table', () => {
    const small = all(new DimUserRows({ seed: 1, users: 100 }))
    expect(all(new DimUserRows({ seed: 1, users: 5000 })).slice(0, 100)).toEqual(small)
  })

  it('registers new users within the 30 days before the start time, others earlier', () => {
    const startTime = Date.UTC(2024, 5, 1)
    const traits = new UserTraits(3)
    const at = columnIndex(DIM_USER_SCHEMA, 'registered_at')
    const misfits = all(new DimUserRows({ seed: 3, users: 5000, startTime })).filter((row) => {
      const age = startTime - (row[at] as number)
      return traits.audienceOf(row[0] as number) === 'new' ? age > 30 * 86_400_000 : age < 30 * 86_400_000
    })
    expect(misfits).toEqual([])
  })

  it('changes only the level of about the changed fraction of users per version', () => {
    const config = { seed: 4, users: 20_000 }
    const original = all(new DimUserRows(config))
    const version = (v: number) =>
      all(new DimUserRows({ ...config, versioning: { version: v, changedFraction: 0.05 } }))
    expect(version(0)).toEqual(original)
    const first = version(1)
    const changed = differences(original, first)
    expect(changed.every((columns) => columns.join() === String(columnIndex(DIM_USER_SCHEMA, 'level')))).toBe(
      true,
    )
    expect(changed.length / 20_000).toBeCloseTo(0.05, 2)
    expect(first.every((row) => (USER_LEVELS as readonly unknown[]).includes(row[4]))).toBe(true)
    // Each version builds on the previous one.
    expect(differences(first, version(2)).length / 20_000).toBeCloseTo(0.05, 2)
  })
})

describe('dim_product', () => {
  it('has one row per product id with a leaf category, brand and price band', () => {
    const products = all(new DimProductRows({ seed: 5, products: 3000 }))
    const leafIds = new Set(LEAF_CATEGORIES.map((c) => c.id))
    expect(products.map((row) => row[0])).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1))
    expect(products.every((row) => leafIds.has(row[1] as number))).toBe(true)
    expect(products.every((row) => /^brand-\d{3}$/.test(row[2] as string))).toBe(true)
    expect(new Set(products.map((row) => row[3]))).toEqual(new Set(PRICE_BANDS))
    expect(all(new DimProductRows({ seed: 5, products: 3000 }))).toEqual(products)
  })

  it('skews categories: the most popular leaf holds many times the products of the least', () => {
    const counts = new Map<unknown, number>()
    for (const row of all(new DimProductRows({ seed: 6, products: 50_000 }))) {
      counts.set(row[1], (counts.get(row[1]) ?? 0) + 1)
    }
    expect(counts.size).toBe(LEAF_CATEGORIES.length)
    expect(Math.max(...counts.values()) / Math.min(...counts.values())).toBeGreaterThan(5)
  })

  it('re-prices about the changed fraction of products per version', () => {
    const original = all(new DimProductRows({ seed: 7, products: 20_000 }))
    const next = all(
      new DimProductRows({ seed: 7, products: 20_000, versioning: { version: 1, changedFraction: 0.1 } }),
    )
    const changed = differences(original, next)
    expect(
      changed.every((columns) => columns.join() === String(columnIndex(DIM_PRODUCT_SCHEMA, 'price_band'))),
    ).toBe(true)
    expect(changed.length / 20_000).toBeCloseTo(0.1, 2)
  })
})

describe('category tree', () => {
  it('nests about 50 categories two deep, a leaf id rolling up to its department as id / 100', () => {
    expect(DEPARTMENT_CATEGORIES.length + LEAF_CATEGORIES.length).toBeGreaterThanOrEqual(45)
    const departments = new Map(DEPARTMENT_CATEGORIES.map((d) => [d.id, d]))
    for (const leaf of LEAF_CATEGORIES) {
      const department = departments.get(leaf.parentId!)!
      expect(Math.floor(leaf.id / 100)).toBe(department.id)
      expect(leaf.path.startsWith(`${department.path}/`)).toBe(true)
    }
    expect(new Set(LEAF_CATEGORIES.map((c) => c.id)).size).toBe(LEAF_CATEGORIES.length)
    expect(leafCategoryPicker().values.length).toBe(LEAF_CATEGORIES.length)
  })
})
