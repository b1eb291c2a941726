import { isInt64, type Row } from '../../engine/index.ts'
import { unscaledFromBytes, unscaledToBytes } from '../../formats/avro-decimal.ts'
import type { LogicalType } from '../../sql/types/logical-type.ts'
import { parseLogicalType } from '../../sql/types/type-from-spec.ts'
import { coerceValue, roundToScale, ValueError } from './sql-values.ts'
import type { ConnectorColumn } from './table.ts'

/**
 * Schema-decoded records (Avro, Protobuf, JSON Schema: plain objects with nested objects, arrays and maps as
 * objects) ↔ rows in the engine's representation, guided by each column's SQL type: a ROW is a positional
 * array, a MAP a `Map`, scalars are coerced as the text formats coerce them. The conversion is compiled
 * once per column, as it runs for every value.
 */
type Convert = (value: unknown) => unknown

export interface StructuredRows {
  rowOf(record: Record<string, unknown>): Row
  recordOf(row: Row): Record<string, unknown>
}

export interface StructuredRowOptions {
  /** Leave null fields out of written records (JSON Schema: an absent property, not a null one). */
  readonly omitNulls?: boolean
  /**
   * Write DECIMAL columns as Avro's `decimal` logical type: the unscaled value's two's-complement bytes
   * (JSON Schema and Protobuf take numbers).
   */
  readonly decimalsAsBytes?: boolean
}

export function structuredRows(
  columns: readonly ConnectorColumn[],
  options: StructuredRowOptions = {},
): StructuredRows {
  const readers = columns.map((column) => reader(parseLogicalType(column.type), column.name))
  const writers = columns.map((column) => writer(parseLogicalType(column.type), options))
  const names = columns.map((column) => column.name)
  return {
    rowOf(record) {
      const row = new Array<unknown>(names.length)
      for (let i = 0; i < names.length; i++) row[i] = readers[i]!(record[names[i]!])
      return row
    },
    recordOf(row) {
      const record: Record<string, unknown> = {}
      for (let i = 0; i < columns.length; i++) {
        const value = writers[i]!(row[i] ?? null)
        if (value !== null || options.omitNulls !== true) record[columns[i]!.name] = value
      }
      return record
    },
  }
}

/** `path` names the value in errors, e.g. `customer.address.city`. */
function reader(type: LogicalType, path: string): Convert {
  switch (type.kind) {
    case 'ROW': {
      const fields = type.fields.map((field) => ({
        name: field.name,
        read: reader(field.type, `${path}.${field.name}`),
      }))
      return (value) => {
        if (!isRecord(value)) return unset(value, path, type)
        const row = new Array<unknown>(fields.length)
        for (let i = 0; i < fields.length; i++) row[i] = fields[i]!.read(value[fields[i]!.name])
        return row
      }
    }
    case 'ARRAY': {
      const element = reader(type.element, `${path}[]`)
      return (value) => (Array.isArray(value) ? value.map(element) : unset(value, path, type))
    }
    case 'MAP': {
      const key = reader(type.key, `${path} key`)
      const item = reader(type.value, `${path}{}`)
      return (value) => {
        if (value instanceof Map) return new Map([...value].map(([k, v]) => [key(k), item(v)]))
        if (isRecord(value)) return new Map(Object.entries(value).map(([k, v]) => [key(k), item(v)]))
        return unset(value, path, type)
      }
    }
    case 'DECIMAL': {
      // Avro's decimal logical type decodes to the unscaled value's bytes; the column's scale places the point.
      const scale = type.scale
      const column = { name: path, type: `DECIMAL(${type.precision}, ${scale})` }
      return (value) =>
        value instanceof Uint8Array
          ? Number(`${unscaledFromBytes(value)}e-${scale}`)
          : typeof value === 'number'
            ? roundToScale(value, scale)
            : coerceValue(value, column)
    }
    default: {
      const column = { name: path, type: type.kind }
      const fits = FITS[type.kind]
      const coerce = (value: unknown): unknown => coerceValue(value, column)
      // Values already of the runtime type, as schema decoders mostly produce them, skip the coercion.
      return fits === undefined ? coerce : (value) => (fits(value) ? value : coerce(value))
    }
  }
}

/** Integers in the engine's int64 normal form (a safe number or a bigint beyond); others are coerced. */
const isInteger = (value: unknown): boolean => isInt64(value)
const isNumber = (value: unknown): boolean => typeof value === 'number' && !Number.isNaN(value)
const isString = (value: unknown): boolean => typeof value === 'string'

/** What each scalar type takes as it is; anything else goes through `coerceValue`, which says what does not fit. */
const FITS: Readonly<Partial<Record<LogicalType['kind'], (value: unknown) => boolean>>> = {
  TINYINT: isInteger,
  SMALLINT: isInteger,
  INT: isInteger,
  BIGINT: isInteger,
  FLOAT: isNumber,
  DOUBLE: isNumber,
  DECIMAL: isNumber,
  CHAR: isString,
  VARCHAR: isString,
  BOOLEAN: (value) => typeof value === 'boolean',
  TIMESTAMP: (value) => typeof value === 'number' && Number.isFinite(value),
}

function writer(type: LogicalType, options: StructuredRowOptions): Convert {
  switch (type.kind) {
    case 'ROW': {
      const fields = type.fields.map((field) => ({ name: field.name, write: writer(field.type, options) }))
      return (value) => {
        if (!Array.isArray(value)) return value ?? null
        const record: Record<string, unknown> = {}
        fields.forEach((field, i) => {
          const item = field.write(value[i] ?? null)
          if (item !== null || options.omitNulls !== true) record[field.name] = item
        })
        return record
      }
    }
    case 'ARRAY': {
      const element = writer(type.element, options)
      return (value) => (Array.isArray(value) ? value.map(element) : (value ?? null))
    }
    case 'MAP': {
      const item = writer(type.value, options)
      return (value) =>
        value instanceof Map
          ? Object.fromEntries([...value].map(([k, v]) => [String(k), item(v)]))
          : (value ?? null)
    }
    case 'DECIMAL': {
      if (options.decimalsAsBytes !== true) return (value) => value ?? null
      const scale = type.scale
      return (value) =>
        typeof value === 'number' ? unscaledToBytes(unscaledOf(value, scale)) : (value ?? null)
    }
    default:
      // BIGINTs beyond 2^53 stay bigints: every codec writes them exactly (JSON too, see formats/json-exact.ts).
      return (value) => value ?? null
  }
}

function unset(value: unknown, path: string, type: LogicalType): null {
  if (value === null || value === undefined) return null
  throw new ValueError(`field '${path}' (${type.kind}) cannot hold ${describe(value)}`)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  )
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`
}

/**
 * A DECIMAL value (a double rounded to `scale` digits, see sql/types/logical-type.ts) as its unscaled integer:
 * toFixed rounds the double's exact binary value to the nearest `scale`-digit decimal, the one it stands for.
 */
function unscaledOf(value: number, scale: number): bigint {
  if (Math.abs(value) < 1e21) return BigInt(value.toFixed(scale).replace('.', ''))
  return BigInt(value) * 10n ** BigInt(scale)
}
