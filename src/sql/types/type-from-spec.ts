import { invalid } from '../errors.ts'
import { type DataTypeSpec, parseType, type ScalarTypeSpec } from '../parser/index.ts'
import { type LogicalType, MAX_DECIMAL_PRECISION, MAX_LENGTH, types } from './logical-type.ts'

/** Flink's defaults for a type written without its parameters. */
const DEFAULT_LENGTH = 1
const DEFAULT_DECIMAL = { precision: 10, scale: 0 }
const DEFAULT_TIME_PRECISION = 0
const DEFAULT_TIMESTAMP_PRECISION = 6
const MAX_TIMESTAMP_PRECISION = 9

/** The logical type a parsed type expression denotes, with Flink's defaults and range checks. */
export function typeFromSpec(spec: DataTypeSpec): LogicalType {
  switch (spec.kind) {
    case 'scalarType':
      return scalarType(spec)
    case 'arrayType':
      return types.array(typeFromSpec(spec.element), spec.nullable)
    case 'multisetType':
      return types.multiset(typeFromSpec(spec.element), spec.nullable)
    case 'mapType':
      return types.map(typeFromSpec(spec.key), typeFromSpec(spec.value), spec.nullable)
    case 'rowType': {
      const seen = new Set<string>()
      for (const field of spec.fields) {
        if (seen.has(field.name)) invalid(spec.span, `ROW type has two fields named '${field.name}'`)
        seen.add(field.name)
      }
      return types.row(
        spec.fields.map((field) => ({ name: field.name, type: typeFromSpec(field.type) })),
        spec.nullable,
      )
    }
  }
}

/** Parses a type written in Flink SQL, e.g. `ROW<a INT, b ARRAY<STRING>> NOT NULL`. */
export function parseLogicalType(text: string): LogicalType {
  return typeFromSpec(parseType(text))
}

function scalarType(spec: ScalarTypeSpec): LogicalType {
  const nullable = spec.nullable
  switch (spec.name) {
    case 'BOOLEAN':
      return types.boolean(nullable)
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      return { kind: spec.name, nullable }
    case 'DECIMAL': {
      const precision = spec.precision ?? DEFAULT_DECIMAL.precision
      const scale = spec.scale ?? DEFAULT_DECIMAL.scale
      checkRange(spec, 'DECIMAL precision', precision, 1, MAX_DECIMAL_PRECISION)
      checkRange(spec, 'DECIMAL scale', scale, 0, precision)
      return types.decimal(precision, scale, nullable)
    }
    case 'CHAR':
    case 'VARCHAR':
    case 'BINARY':
    case 'VARBINARY': {
      const length = spec.precision ?? DEFAULT_LENGTH
      checkRange(spec, `${spec.name} length`, length, 1, MAX_LENGTH)
      return { kind: spec.name, length, nullable }
    }
    case 'STRING':
      return types.string(nullable)
    case 'BYTES':
      return types.bytes(nullable)
    case 'TIME': {
      const precision = spec.precision ?? DEFAULT_TIME_PRECISION
      checkRange(spec, 'TIME precision', precision, 0, MAX_TIMESTAMP_PRECISION)
      return types.time(precision, nullable)
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const precision = spec.precision ?? DEFAULT_TIMESTAMP_PRECISION
      checkRange(spec, `${spec.name} precision`, precision, 0, MAX_TIMESTAMP_PRECISION)
      return { kind: spec.name, precision, nullable }
    }
  }
}

function checkRange(spec: ScalarTypeSpec, what: string, value: number, min: number, max: number): void {
  if (value < min || value > max)
    invalid(spec.span, `${what} must be between ${min} and ${max}, got ${value}`)
}
