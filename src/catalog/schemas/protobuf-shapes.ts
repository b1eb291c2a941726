/**
 * The parts of a protobufjs message that decide wire compatibility, in the terms Confluent's Protobuf rules use:
 * a field is a scalar (enums included: they travel as varints), a message or a map; scalars fall into groups whose
 * members decode into one another; named types are known by their package-relative ("local") name.
 */
import type { Field, Type } from 'protobufjs'
import protobuf from 'protobufjs'

/**
 * Scalar groups whose members share a wire encoding (protobuf's "updating a message type" rules). Enums are
 * varints like int32, so an enum and int32/int64/uint32/uint64/bool are interchangeable, as Confluent has it.
 */
export type ScalarGroup =
  | 'general number'
  | 'signed number'
  | 'string or bytes'
  | 'fixed32'
  | 'fixed64'
  | 'float'
  | 'double'

const SCALAR_GROUPS: Readonly<Record<string, ScalarGroup>> = {
  int32: 'general number',
  int64: 'general number',
  uint32: 'general number',
  uint64: 'general number',
  bool: 'general number',
  sint32: 'signed number',
  sint64: 'signed number',
  string: 'string or bytes',
  bytes: 'string or bytes',
  fixed32: 'fixed32',
  sfixed32: 'fixed32',
  fixed64: 'fixed64',
  sfixed64: 'fixed64',
  float: 'float',
  double: 'double',
}

/** The type of a field's values (or of a map's keys or values). */
export type ValueType =
  | { readonly kind: 'scalar'; readonly name: string; readonly group: ScalarGroup }
  | { readonly kind: 'message'; readonly name: string; readonly type: Type }

export type FieldKind = 'scalar' | 'message' | 'map'

export interface FieldShape {
  readonly number: number
  readonly name: string
  /** `singular` covers proto3 fields with and without `optional`: both encode one value the same way. */
  readonly label: 'singular' | 'required' | 'repeated'
  readonly kind: FieldKind
  /** The value type; for a map, the type of its values. */
  readonly value: ValueType
  /** Map fields only. */
  readonly key: ValueType | undefined
  /** The oneof the field belongs to, unless that is the synthetic oneof of a proto3 `optional` field. */
  readonly oneof: string | undefined
}

export interface MessageShape {
  readonly fields: ReadonlyMap<number, FieldShape>
  /** Each real oneof with the numbers of its fields. */
  readonly oneofs: ReadonlyMap<string, readonly number[]>
}

/**
 * A message or enum's name relative to the package of the file that declares it: the chain of enclosing
 * messages. Confluent compares named types by this name, so a type that moved to another package (or from an
 * import into the schema itself) is still the same type when its contents still match.
 */
export function localName(type: protobuf.ReflectionObject): string {
  const names: string[] = [type.name]
  for (let parent = type.parent; parent instanceof protobuf.Type; parent = parent.parent)
    names.unshift(parent.name)
  return names.join('.')
}

function valueTypeOf(typeName: string, resolved: protobuf.ReflectionObject | null): ValueType {
  if (resolved instanceof protobuf.Type) return { kind: 'message', name: localName(resolved), type: resolved }
  if (resolved instanceof protobuf.Enum)
    return { kind: 'scalar', name: localName(resolved), group: 'general number' }
  const group = SCALAR_GROUPS[typeName]
  if (group === undefined) throw new Error(`protobufjs left the field type ${typeName} unresolved`)
  return { kind: 'scalar', name: typeName, group }
}

export function messageShapeOf(type: Type): MessageShape {
  const fields = type.fieldsArray.filter((field) => field.declaringField === null).map(fieldShapeOf)
  const oneofs = new Map<string, number[]>()
  for (const field of fields) {
    if (field.oneof !== undefined) oneofs.set(field.oneof, [...(oneofs.get(field.oneof) ?? []), field.number])
  }
  return { fields: new Map(fields.map((field) => [field.number, field])), oneofs }
}

function fieldShapeOf(field: Field): FieldShape {
  const oneof = field.partOf
  const isSynthetic =
    oneof !== null && oneof.fieldsArray.length === 1 && field.options?.proto3_optional === true
  const isMap = field instanceof protobuf.MapField
  const value = valueTypeOf(field.type, field.resolvedType)
  return {
    number: field.id,
    name: field.name,
    label: field.repeated ? 'repeated' : field.required ? 'required' : 'singular',
    kind: isMap ? 'map' : value.kind,
    value,
    key: isMap ? valueTypeOf(field.keyType, null) : undefined,
    oneof: oneof === null || isSynthetic ? undefined : oneof.name,
  }
}

/** How a field's type reads in a finding. */
export function typeDescription(field: FieldShape): string {
  return field.key === undefined ? field.value.name : `map<${field.key.name}, ${field.value.name}>`
}
