import { INT64_MAX, INT64_MIN, type Int64, normaliseInt64, parseInt64, type Row } from '../../engine/index.ts'
import { stringifyJson } from '../../formats/json-exact.ts'
import type { ConnectorColumn } from './table.ts'

/**
 * Row ↔ JSON object conversion by column name with SQL-typed coercion, shared by every text format (Kafka
 * and filesystem, JSON and CSV). TIMESTAMP values are epoch milliseconds in rows and Flink's default
 * 'yyyy-MM-dd HH:mm:ss.SSS' text (UTC) in output.
 */

/** A value that does not fit its column's type; the message names the column. */
export class ValueError extends Error {
  override readonly name = 'ValueError'
}

type TypeFamily = 'integer' | 'double' | 'boolean' | 'string' | 'timestamp' | 'other'

const FAMILIES = new Map<string, TypeFamily>()

/** Memoised: it runs for every value read or written, and a job has few distinct type texts. */
function familyOf(type: string): TypeFamily {
  let family = FAMILIES.get(type)
  if (family === undefined) {
    family = parseFamily(type)
    FAMILIES.set(type, family)
  }
  return family
}

function parseFamily(type: string): TypeFamily {
  const base = type
    .trim()
    .toUpperCase()
    .replace(/\(.*$/, '')
    .replace(/ NOT NULL$/, '')
  if (['BIGINT', 'INT', 'INTEGER', 'SMALLINT', 'TINYINT'].includes(base)) return 'integer'
  if (['DOUBLE', 'FLOAT', 'REAL', 'DECIMAL'].includes(base)) return 'double'
  if (base === 'BOOLEAN') return 'boolean'
  if (['STRING', 'VARCHAR', 'CHAR'].includes(base)) return 'string'
  if (base.startsWith('TIMESTAMP')) return 'timestamp'
  return 'other'
}

/** 'yyyy-MM-dd HH:mm:ss[.SSS]', optionally with a 'T' and a zone as in ISO-8601; without a zone, UTC. */
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:?\d{2})?$/

export function parseTimestamp(text: string): number | undefined {
  const canonical = parseCanonicalTimestamp(text)
  if (canonical !== undefined) return canonical
  const match = TIMESTAMP_TEXT.exec(text.trim())
  if (match === null) return undefined
  const [, date, time, zone] = match
  // Date.parse keeps at most milliseconds, so longer fractions are cut rather than misread.
  const millis = Date.parse(`${date}T${time!.replace(/(\.\d{3})\d+$/, '$1')}${zone ?? 'Z'}`)
  return Number.isNaN(millis) ? undefined : millis
}

/**
 * Flink's own output form, 'yyyy-MM-dd HH:mm:ss.SSS' exactly, read field by field: it is what Weir and Flink
 * write, so nearly every timestamp read takes this path, and it skips the regex, the rebuilt ISO string and
 * Date.parse. Anything else (other shapes, days past the 28th, years before 100, which Date.UTC would shift
 * or roll over silently) is left to the general parser.
 */
function parseCanonicalTimestamp(text: string): number | undefined {
  if (text.length !== 23 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ') return undefined
  if (text[13] !== ':' || text[16] !== ':' || text[19] !== '.') return undefined
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  const millis = digitsAt(text, 20, 3)
  const inRange =
    year >= 100 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 28 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59 &&
    millis >= 0
  return inRange ? Date.UTC(year, month - 1, day, hour, minute, second, millis) : undefined
}

/** The decimal number in text[from, from + count), or -1 if any of those characters is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

/** Flink's default text form of a TIMESTAMP(3): 'yyyy-MM-dd HH:mm:ss.SSS' (UTC). */
export function formatTimestamp(millis: number): string {
  return new Date(millis).toISOString().replace('T', ' ').replace('Z', '')
}

/** The value as the column's SQL type expects it in a row; null stays null. */
export function coerceValue(value: unknown, column: ConnectorColumn): unknown {
  if (value === null || value === undefined) return null
  switch (familyOf(column.type)) {
    case 'integer': {
      // Longs beyond 2^53 (Avro, Protobuf, JSON, CSV text) stay exact as bigints, in the engine's normal form.
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value
      if (typeof value === 'bigint') return fitInt64(value, column)
      if (typeof value === 'string') {
        const exact = parseInt64(value.trim())
        if (exact !== undefined) return exact
      }
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      if (typeof number !== 'number' || !Number.isInteger(number)) return unfit(value, column)
      return Number.isSafeInteger(number) ? number : fitInt64(BigInt(number), column)
    }
    case 'double': {
      // An exact JSON reader hands integers beyond 2^53 over as bigints, also in a DOUBLE column.
      if (typeof value === 'bigint') return Number(value)
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      if (typeof number !== 'number' || Number.isNaN(number)) return unfit(value, column)
      const scale = decimalScaleOf(column.type)
      return scale === undefined ? number : roundToScale(number, scale)
    }
    case 'boolean':
      if (typeof value === 'boolean') return value
      return value === 'true' ? true : value === 'false' ? false : unfit(value, column)
    case 'string':
      return typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? (stringifyJson(value) ?? 'null')
          : String(value)
    case 'timestamp': {
      if (typeof value === 'number' && Number.isFinite(value)) return value
      return typeof value === 'string'
        ? (parseTimestamp(value) ?? unfit(value, column))
        : unfit(value, column)
    }
    case 'other':
      return value
  }
}

const DECIMAL_TYPE = /^\s*(?:DECIMAL|DEC|NUMERIC)\s*(?:\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?/i
const DECIMAL_SCALES = new Map<string, number | undefined>()

/** The scale of a DECIMAL(p, s) type text (DECIMAL alone is (10, 0)), undefined for other types; memoised. */
function decimalScaleOf(type: string): number | undefined {
  if (DECIMAL_SCALES.has(type)) return DECIMAL_SCALES.get(type)
  const match = DECIMAL_TYPE.exec(type)
  const scale = match === null ? undefined : Number(match[1] ?? 0)
  DECIMAL_SCALES.set(type, scale)
  return scale
}

/**
 * A value read into a DECIMAL(p, s) column rounded half up to s digits, as Flink's formats do when they
 * read one; every operator then sees the value the type holds (exact SUM/AVG count in units of 10^-s). The
 * one-ulp nudge makes decimal ties stored just below the tie (1.005 is 1.00499999…) round up, as written.
 */
export function roundToScale(value: number, scale: number): number {
  const factor = 10 ** scale
  const rounded = Math.round(Math.abs(value) * factor * (1 + Number.EPSILON)) / factor
  return value < 0 ? -rounded : rounded
}

function fitInt64(value: bigint, column: ConnectorColumn): Int64 {
  return value >= INT64_MIN && value <= INT64_MAX ? normaliseInt64(value) : unfit(value, column)
}

function unfit(value: unknown, column: ConnectorColumn): never {
  const text = typeof value === 'bigint' ? value.toString() : JSON.stringify(value)
  throw new ValueError(`column '${column.name}' (${column.type}) cannot hold ${text}`)
}

/**
 * The value as text formats write it: timestamps in Flink's default form, everything else as is (a BIGINT
 * beyond 2^53 stays a bigint; the JSON and CSV writers print its digits).
 */
export function outputValue(value: unknown, column: ConnectorColumn): unknown {
  if (typeof value === 'number' && familyOf(column.type) === 'timestamp') return formatTimestamp(value)
  return value
}

/**
 * A row from an object keyed by column names; absent fields are null. With `lenient` (Flink's
 * `*.ignore-parse-errors`) a field that does not fit its type becomes null instead of failing the row.
 */
export function rowFromObject(
  object: Record<string, unknown>,
  columns: readonly ConnectorColumn[],
  lenient: boolean,
): Row {
  return columns.map((column) => {
    try {
      return coerceValue(object[column.name], column)
    } catch (error) {
      if (lenient && error instanceof ValueError) return null
      throw error
    }
  })
}

export function objectFromRow(row: Row, columns: readonly ConnectorColumn[]): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  columns.forEach((column, i) => {
    object[column.name] = outputValue(row[i] ?? null, column)
  })
  return object
}
