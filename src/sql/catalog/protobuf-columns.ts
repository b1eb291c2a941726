import protobuf, { type Field, type Type } from 'protobufjs'
import { type LogicalType, types } from '../types/logical-type.ts'
import type { ResolvedColumn } from './table-resolver.ts'

/** Protobuf scalar types as Flink's protobuf format maps them (unsigned types keep their signed width). */
const SCALARS: Readonly<Record<string, (nullable: boolean) => LogicalType>> = {
  double: types.double,
  float: types.float,
  int32: types.int,
  uint32: types.int,
  sint32: types.int,
  fixed32: types.int,
  sfixed32: types.int,
  int64: types.bigint,
  uint64: types.bigint,
  sint64: types.bigint,
  fixed64: types.bigint,
  sfixed64: types.bigint,
  bool: types.boolean,
  string: types.string,
  bytes: types.bytes,
}

/**
 * Table columns of a Protobuf message: scalars are NOT NULL (they read as their default when unset) unless
 * they belong to a oneof or are declared `optional`; messages are nullable ROWs, enums STRINGs, repeated
 * fields ARRAYs and map fields MAPs.
 */
export function protobufColumns(message: Type, problem: (message: string) => never): ResolvedColumn[] {
  return message.fieldsArray.map((field) => ({
    name: field.name,
    type: fieldType(field, `field '${field.name}'`, new Set([message.fullName]), problem),
  }))
}

function fieldType(
  field: Field,
  path: string,
  enclosing: ReadonlySet<string>,
  problem: (message: string) => never,
): LogicalType {
  const element = valueType(field, path, enclosing, problem)
  if (field instanceof protobuf.MapField) {
    const key = SCALARS[field.keyType]?.(false) ?? problem(`${path} has the map key type ${field.keyType}`)
    return types.map(key, element, false)
  }
  return field.repeated ? types.array(element, false) : element
}

function valueType(
  field: Field,
  path: string,
  enclosing: ReadonlySet<string>,
  problem: (message: string) => never,
): LogicalType {
  const nullable = field.partOf !== null || field.options?.proto3_optional === true
  const scalar = SCALARS[field.type]
  if (scalar !== undefined) return scalar(nullable)
  const resolved = field.resolve().resolvedType
  if (resolved instanceof protobuf.Enum) return types.string(nullable)
  if (!(resolved instanceof protobuf.Type)) return problem(`${path} has the unknown type ${field.type}`)
  if (enclosing.has(resolved.fullName))
    return problem(
      `${path} is the recursive message ${resolved.fullName.slice(1)}, which a SQL ROW cannot express`,
    )
  const inner = new Set([...enclosing, resolved.fullName])
  return types.row(
    resolved.fieldsArray.map((nested) => ({
      name: nested.name,
      type: fieldType(nested, `${path}.${nested.name}`, inner, problem),
    })),
    true,
  )
}
