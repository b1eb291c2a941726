import { expect } from 'vitest'
import type { ResultRecord } from './sinks.ts'

/**
 * One comparable form for Weir's sink records and PostgreSQL's result rows, column by column: PostgreSQL
 * returns bigint and numeric as text and the sinks write timestamps as `yyyy-MM-dd HH:mm:ss.SSS` (UTC), so
 * both sides become numbers in the same column order, sorted.
 */

export type ColumnKind =
  | 'text'
  | 'integer'
  /** Epoch milliseconds from PostgreSQL, timestamp text from a sink. */
  | 'timestamp'
  /** Sums of prices in cents: float sums depend on the order of addition, so they agree to the cent. */
  | 'money'
  /**
   * Quotients such as AVG over sums that retractions added to and took from in an order that may vary
   * between runs: agree to within 1e-5.
   */
  | 'real'

/** The result's columns, in order, with how to compare each. */
export type ResultShape = Readonly<Record<string, ColumnKind>>

/** Weir's sink records hold exactly PostgreSQL's rows, compared column by column as `shape` says. */
export function expectSameRows(
  weir: readonly ResultRecord[],
  postgres: readonly ResultRecord[],
  shape: ResultShape,
): void {
  const kinds = Object.values(shape)
  const expected = comparable(postgres, shape).map((row) =>
    row.map((value, i) =>
      kinds[i] === 'real' && typeof value === 'number' ? expect.closeTo(value, 5) : value,
    ),
  )
  expect(comparable(weir, shape)).toEqual(expected)
}

/**
 * Every one of Weir's sink records is one of `candidates`: for queries that may rightly return any of
 * several rows, such as deduplication among rows tied in event time that reach it in no definite order.
 */
export function expectRowsAmong(
  weir: readonly ResultRecord[],
  candidates: readonly ResultRecord[],
  shape: ResultShape,
): void {
  const allowed = new Set(comparable(candidates, shape).map(rowKey))
  expect(comparable(weir, shape).filter((row) => !allowed.has(rowKey(row)))).toEqual([])
}

/** Rows in column order, normalized, sorted; 'real' values rounded to six decimals. */
function comparable(records: readonly ResultRecord[], shape: ResultShape): unknown[][] {
  const columns = Object.entries(shape)
  const rows = records.map((record) => columns.map(([name, kind]) => normalize(record[name], kind)))
  return rows.sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0))
}

function rowKey(row: readonly unknown[]): string {
  return JSON.stringify(row)
}

function normalize(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null
  switch (kind) {
    case 'text':
      return value
    case 'integer':
      return Number(value)
    case 'timestamp':
      return typeof value === 'string' && value.includes(' ')
        ? Date.parse(`${value.replace(' ', 'T')}Z`)
        : Number(value)
    case 'money':
      return Math.round(Number(value) * 100) / 100
    case 'real':
      return Math.round(Number(value) * 1e6) / 1e6
  }
}
