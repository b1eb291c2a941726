import type { Int64 } from '../../../engine/int64.ts'
import { SqlRuntimeError } from '../../errors.ts'
import {
  isCharacter,
  isInteger,
  isNumeric,
  type LogicalType,
  MAX_LENGTH,
  type NumericType,
  type TimestampType,
  types,
} from '../../types/logical-type.ts'
import {
  daysOfMillis,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
  millisOfDay,
} from './calendar.ts'
import { doubleToInt64, int64ToDouble } from './int64-arithmetic.ts'
import {
  javaDoubleText,
  javaFloatText,
  parseBigint,
  parseBoolean,
  parseDouble,
  parseInteger,
  toDecimal,
  truncateToInteger,
  wrapInteger,
} from './numbers.ts'
import {
  formatDate,
  formatTime,
  formatTimestamp,
  parseDate,
  parseTime,
  parseTimestamp,
} from './temporal-text.ts'
import { type TimeZone, toInstant, toLocal } from './time-zone.ts'

/**
 * CAST between runtime representations. `castFunction` picks, once per call site, the function converting a
 * non-null value of `from` into `to`; NULL never reaches it. Invalid input throws `SqlRuntimeError`
 * (TRY_CAST turns that into NULL). Casts that keep the representation (INT to BIGINT, VARCHAR(5) to STRING)
 * return undefined, so the compiler emits nothing for them.
 */
export type CastFunction = (value: never) => unknown

const utf8 = new TextDecoder('utf-8')
const utf8Encoder = new TextEncoder()

export function castFunction(from: LogicalType, to: LogicalType, zone: TimeZone): CastFunction | undefined {
  if (from.kind === 'NULL') return undefined
  if (isCharacter(to)) return toCharacter(from, to.length, zone)
  if (isCharacter(from)) return fromText(to, zone)
  if (isNumeric(to)) return toNumber(from, to)
  switch (to.kind) {
    case 'BOOLEAN':
      return from.kind === 'BOOLEAN' ? undefined : (value: number) => value !== 0
    case 'DATE':
      if (from.kind === 'TIMESTAMP') return (value: number) => daysOfMillis(value)
      if (from.kind === 'TIMESTAMP_LTZ') return (value: number) => daysOfMillis(toLocal(zone, value))
      return undefined
    case 'TIME':
      if (from.kind === 'TIMESTAMP') return (value: number) => millisOfDay(value)
      if (from.kind === 'TIMESTAMP_LTZ') return (value: number) => millisOfDay(toLocal(zone, value))
      return undefined
    case 'TIMESTAMP':
      if (from.kind === 'DATE') return (value: number) => value * MS_PER_DAY
      if (from.kind === 'TIMESTAMP_LTZ') return (value: number) => toLocal(zone, value)
      return undefined
    case 'TIMESTAMP_LTZ':
      if (from.kind === 'DATE') return (value: number) => toInstant(zone, value * MS_PER_DAY)
      if (from.kind === 'TIMESTAMP') return (value: number) => toInstant(zone, value)
      return undefined
    case 'ARRAY': {
      if (from.kind !== 'ARRAY') return undefined
      const element = castFunction(from.element, to.element, zone)
      return element === undefined
        ? undefined
        : (value: unknown[]) => value.map((item) => nullSafe(element, item))
    }
    case 'ROW': {
      if (from.kind !== 'ROW') return undefined
      const fields = from.fields.map((field, i) => castFunction(field.type, to.fields[i]!.type, zone))
      if (fields.every((field) => field === undefined)) return undefined
      return (value: unknown[]) =>
        value.map((item, i) => (fields[i] === undefined ? item : nullSafe(fields[i], item)))
    }
    default:
      return undefined
  }
}

/** Applies a cast to a nested value (an element or field), whose type the enclosing type guarantees. */
function nullSafe(cast: CastFunction, value: unknown): unknown {
  return value === null || value === undefined ? null : (cast as (value: unknown) => unknown)(value)
}

/** Any value to CHAR/VARCHAR(length): its text, cut to the length as Flink does since 1.16. */
function toCharacter(from: LogicalType, length: number, zone: TimeZone): CastFunction | undefined {
  const text = isCharacter(from) ? undefined : toText(from, zone)
  const fits = length === MAX_LENGTH || (isCharacter(from) && from.length <= length)
  if (fits) return text
  const cut = (value: string): string => (value.length > length ? value.slice(0, length) : value)
  return text === undefined ? (value: string) => cut(value) : (value: never) => cut(String(text(value)))
}

function toNumber(from: LogicalType, to: NumericType): CastFunction | undefined {
  if (from.kind === 'BOOLEAN') return (value) => (value ? 1 : 0)
  if (!isNumeric(from)) return undefined
  // BIGINTs beyond 2^53 are bigints (see engine/int64.ts): they become doubles only where the target is one.
  const fromBigint = from.kind === 'BIGINT'
  if (to.kind === 'DECIMAL') {
    const { precision, scale } = to
    if (fromBigint) return (value: Int64) => toDecimal(int64ToDouble(value), precision, scale)
    return (value: number) => toDecimal(value, precision, scale)
  }
  if (to.kind === 'FLOAT') {
    if (fromBigint) return (value: Int64) => Math.fround(int64ToDouble(value))
    return from.kind === 'FLOAT' ? undefined : (value: number) => Math.fround(value)
  }
  if (to.kind === 'DOUBLE') return fromBigint ? int64ToDouble : undefined
  const kind = to.kind
  if (isInteger(from)) {
    const narrowing = { TINYINT: 0, SMALLINT: 1, INT: 2, BIGINT: 3 }
    if (narrowing[from.kind] <= narrowing[kind]) return undefined
    // Java narrows a long by keeping its low bits; the low 32 bits of a bigint first, then as an int.
    return (value: Int64) =>
      wrapInteger(typeof value === 'bigint' ? Number(BigInt.asIntN(32, value)) : value, kind)
  }
  if (kind === 'BIGINT') return doubleToInt64
  return (value: number) => truncateToInteger(value, kind)
}

function fromText(to: LogicalType, zone: TimeZone): CastFunction | undefined {
  switch (to.kind) {
    case 'BOOLEAN':
      return (value: string) => parseBoolean(value)
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      const kind = to.kind
      return (value: string) => parseInteger(value, kind)
    }
    case 'BIGINT':
      return (value: string) => parseBigint(value)
    case 'FLOAT':
      return (value: string) => Math.fround(parseDouble(value))
    case 'DOUBLE':
      return (value: string) => parseDouble(value)
    case 'DECIMAL': {
      const { precision, scale } = to
      return (value: string) => toDecimal(parseDouble(value), precision, scale)
    }
    case 'DATE':
      return (value: string) => required(parseDate(value), value, 'DATE')
    case 'TIME':
      return (value: string) => required(parseTime(value), value, 'TIME')
    case 'TIMESTAMP':
      return (value: string) => required(parseTimestamp(value), value, 'TIMESTAMP')
    case 'TIMESTAMP_LTZ':
      return (value: string) => toInstant(zone, required(parseTimestamp(value), value, 'TIMESTAMP_LTZ'))
    case 'BINARY':
    case 'VARBINARY':
      return (value: string) => utf8Encoder.encode(value)
    default:
      return undefined
  }
}

function required(parsed: number | null, text: unknown, type: string): number {
  if (parsed === null) throw new SqlRuntimeError(`cannot cast '${String(text)}' to ${type}`)
  return parsed
}

/** The text of a value, as Flink's CAST(… AS STRING) writes it. */
function toText(from: LogicalType, zone: TimeZone): CastFunction {
  switch (from.kind) {
    case 'BOOLEAN':
      return (value) => (value ? 'TRUE' : 'FALSE')
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (value) => String(value)
    case 'FLOAT':
      return (value: number) => javaFloatText(value)
    case 'DOUBLE':
      return (value: number) => javaDoubleText(value)
    case 'DECIMAL': {
      const scale = from.scale
      return (value: number) => value.toFixed(scale)
    }
    case 'DATE':
      return (value: number) => formatDate(value)
    case 'TIME': {
      const precision = from.precision
      return (value: number) => formatTime(value, precision)
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return timestampText(from, zone)
    case 'INTERVAL_YEAR_MONTH':
      return (value: number) => yearMonthText(value)
    case 'INTERVAL_DAY_TIME':
      return (value: number) => dayTimeText(value)
    case 'BINARY':
    case 'VARBINARY':
      return (value: Uint8Array) => utf8.decode(value)
    default:
      return (value) => nestedText(value, from, zone)
  }
}

function timestampText(type: TimestampType, zone: TimeZone): CastFunction {
  const precision = type.precision
  if (type.kind === 'TIMESTAMP') return (value: number) => formatTimestamp(value, precision)
  return (value: number) => formatTimestamp(toLocal(zone, value), precision)
}

function yearMonthText(months: number): string {
  const sign = months < 0 ? '-' : '+'
  const magnitude = Math.abs(months)
  return `${sign}${Math.floor(magnitude / 12)}-${String(magnitude % 12).padStart(2, '0')}`
}

function dayTimeText(millis: number): string {
  const sign = millis < 0 ? '-' : '+'
  const magnitude = Math.abs(millis)
  const days = Math.floor(magnitude / MS_PER_DAY)
  const rest = magnitude % MS_PER_DAY
  const hh = String(Math.floor(rest / MS_PER_HOUR)).padStart(2, '0')
  const mm = String(Math.floor(rest / MS_PER_MINUTE) % 60).padStart(2, '0')
  const ss = String(Math.floor(rest / MS_PER_SECOND) % 60).padStart(2, '0')
  return `${sign}${days} ${hh}:${mm}:${ss}.${String(rest % MS_PER_SECOND).padStart(3, '0')}`
}

/** ARRAY `[1, 2]`, MULTISET `{a=2}`, MAP `{k=v}`, ROW `(1, a)`; NULL elements print as `NULL`. */
function nestedText(value: unknown, type: LogicalType, zone: TimeZone): string {
  const text = (item: unknown, itemType: LogicalType): string =>
    item === null || item === undefined ? 'NULL' : String(nullSafe(toText(itemType, zone), item))
  if (value instanceof Map) {
    const [keyType, valueType] =
      type.kind === 'MAP'
        ? [type.key, type.value]
        : type.kind === 'MULTISET'
          ? [type.element, types.int()]
          : [type, type]
    return `{${[...value].map(([key, item]) => `${text(key, keyType)}=${text(item, valueType)}`).join(', ')}}`
  }
  if (!Array.isArray(value)) return String(value)
  if (type.kind === 'ROW') return `(${value.map((item, i) => text(item, type.fields[i]!.type)).join(', ')})`
  return `[${value.map((item) => text(item, type.kind === 'ARRAY' ? type.element : type)).join(', ')}]`
}
