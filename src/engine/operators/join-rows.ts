import { encodeValue } from '../grouping/key-encoder.ts'
import { type Row, rowsEqual } from '../rows.ts'

/**
 * One distinct row of a join input with its multiplicity, so that duplicates cost a counter, not a copy. On an
 * outer side, `matches` counts the other side's rows (with multiplicity) it currently joins with: at zero the
 * row is in the output null-padded.
 */
export interface JoinRecord {
  readonly row: Row
  count: number
  matches: number
}

/**
 * The distinct rows of one input under one join key. Most keys hold a few rows, kept in a short array and found
 * by comparing values, which costs no encoding and far less memory than a Map per key; a key that outgrows it
 * switches to a Map by value encoding, so a hot key does not make every insert scan all its rows.
 */
export type KeyRows = JoinRecord[] | Map<string, JoinRecord>

const LIST_LIMIT = 16

export function findRecord(rows: KeyRows, row: Row): JoinRecord | undefined {
  if (rows instanceof Map) return rows.get(encodeValue(row))
  for (let i = 0; i < rows.length; i++) if (rowsEqual(rows[i]!.row, row)) return rows[i]
  return undefined
}

/** Adds a record not yet in `rows`; returns the collection to keep under the key (a Map once the list is full). */
export function addRecord(rows: KeyRows, record: JoinRecord): KeyRows {
  if (rows instanceof Map) {
    rows.set(encodeValue(record.row), record)
    return rows
  }
  if (rows.length < LIST_LIMIT) {
    rows.push(record)
    return rows
  }
  const byValue = new Map(rows.map((kept) => [encodeValue(kept.row), kept]))
  byValue.set(encodeValue(record.row), record)
  return byValue
}

export function removeRecord(rows: KeyRows, record: JoinRecord): void {
  if (rows instanceof Map) rows.delete(encodeValue(record.row))
  else rows.splice(rows.indexOf(record), 1)
}

export function distinctRows(rows: KeyRows): number {
  return rows instanceof Map ? rows.size : rows.length
}

export function firstRecord(rows: KeyRows): JoinRecord | undefined {
  return rows instanceof Map ? rows.values().next().value : rows[0]
}
