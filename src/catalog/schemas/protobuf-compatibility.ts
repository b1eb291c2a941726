/**
 * Protobuf compatibility after Confluent's rules: the writer's file is the "original", the reader's the "update";
 * messages are matched by package-relative full name and fields by number. Incompatible: PACKAGE_CHANGED,
 * MESSAGE_REMOVED, FIELD_KIND_CHANGED (scalar / message-or-enum / map), FIELD_SCALAR_KIND_CHANGED (outside the
 * wire-compatible groups), FIELD_NAMED_TYPE_CHANGED, REQUIRED_FIELD_ADDED, REQUIRED_FIELD_REMOVED,
 * ONEOF_FIELD_REMOVED, FIELD_MOVED_TO_EXISTING_ONEOF and MULTIPLE_FIELDS_MOVED_TO_ONEOF. Everything else (fields,
 * messages, enums, enum values, oneofs added; optional fields removed; renames; optional <-> repeated) is
 * compatible, as in Confluent. Services are not compared.
 */

import type { Field, Type } from 'protobufjs'
import protobuf from 'protobufjs'
import {
  formatIncompatibility,
  type Incompatibility,
  READER_WRITER_ROLES,
  type SchemaRoles,
} from './incompatibility.ts'
import type { ParsedProtobufSchema } from './protobuf.ts'
import { WorkBudget } from './work-budget.ts'

/** Reasons `reader` cannot read data written with `writer`; empty when it can. */
export function checkProtobufCompatibility(
  reader: ParsedProtobufSchema,
  writer: ParsedProtobufSchema,
  roles: SchemaRoles = READER_WRITER_ROLES,
  budget: WorkBudget = new WorkBudget(),
): string[] {
  // Messages are matched by name and fields by number, so the work is linear; still counted, so that a request
  // checking huge files against many versions stays within its budget.
  const findings: Incompatibility[] = []
  const readerPackage = reader.file.packageName
  const writerPackage = writer.file.packageName
  if (readerPackage !== writerPackage) {
    findings.push({
      type: 'PACKAGE_CHANGED',
      location: '#/',
      message: `'${writerPackage}' -> '${readerPackage}'`,
      description: `The package is '${writerPackage}' in the ${roles.writer} schema but '${readerPackage}' in the ${roles.reader} schema`,
    })
  }
  const readerMessages = messageShapes(reader)
  for (const [name, writerMessage] of messageShapes(writer)) {
    const readerMessage = readerMessages.get(name)
    budget.spend(
      'PROTOBUF',
      'compatibility checking',
      1 + writerMessage.fields.size + (readerMessage?.fields.size ?? 0),
    )
    if (readerMessage === undefined) {
      findings.push({
        type: 'MESSAGE_REMOVED',
        location: `#/${name}`,
        message: name,
        description: `The message '${name}' of the ${roles.writer} schema is missing in the ${roles.reader} schema`,
      })
    } else {
      findings.push(...new MessageComparison(name, readerMessage, writerMessage, roles).findings())
    }
  }
  return findings.map(formatIncompatibility)
}

type FieldKind = 'scalar' | 'message or enum' | 'map'

interface FieldShape {
  readonly number: number
  readonly name: string
  readonly label: 'optional' | 'required' | 'repeated'
  readonly kind: FieldKind
  /** A scalar type name, or a package-relative message/enum name. */
  readonly typeName: string
  /** Map fields only. */
  readonly keyType: string | undefined
  /** The oneof the field belongs to, unless that is the synthetic oneof of a proto3 `optional` field. */
  readonly oneof: string | undefined
}

interface MessageShape {
  readonly fields: ReadonlyMap<number, FieldShape>
  readonly oneofs: ReadonlySet<string>
}

/** Types whose values travel with the same wire type and decode into one another. */
const WIRE_COMPATIBLE_SCALARS: readonly (readonly string[])[] = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
]

function wireCompatible(left: string, right: string): boolean {
  return (
    left === right || WIRE_COMPATIBLE_SCALARS.some((group) => group.includes(left) && group.includes(right))
  )
}

function messageShapes(schema: ParsedProtobufSchema): Map<string, MessageShape> {
  const relative = (fullName: string): string => {
    const name = fullName.replace(/^\./, '')
    const prefix = `${schema.file.packageName}.`
    return schema.file.packageName !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name
  }
  const shapes = new Map<string, MessageShape>()
  const collect = (type: Type): void => {
    const fields = type.fieldsArray
      .filter((field) => field.declaringField === null)
      .map((field): FieldShape => shapeOf(field, relative))
    shapes.set(relative(type.fullName), {
      fields: new Map(fields.map((field) => [field.number, field])),
      oneofs: new Set(fields.flatMap((field) => (field.oneof === undefined ? [] : [field.oneof]))),
    })
    for (const nested of type.nestedArray) if (nested instanceof protobuf.Type) collect(nested)
  }
  for (const declaration of schema.file.declarations)
    if (declaration instanceof protobuf.Type) collect(declaration)
  return shapes
}

function shapeOf(field: Field, relative: (fullName: string) => string): FieldShape {
  const oneof = field.partOf
  const isSynthetic =
    oneof !== null && oneof.fieldsArray.length === 1 && field.options?.proto3_optional === true
  return {
    number: field.id,
    name: field.name,
    label: field.repeated ? 'repeated' : field.required ? 'required' : 'optional',
    kind:
      field instanceof protobuf.MapField ? 'map' : field.resolvedType === null ? 'scalar' : 'message or enum',
    typeName: field.resolvedType === null ? field.type : relative(field.resolvedType.fullName),
    keyType: field instanceof protobuf.MapField ? field.keyType : undefined,
    oneof: oneof === null || isSynthetic ? undefined : oneof.name,
  }
}

class MessageComparison {
  private readonly messageName: string
  private readonly reader: MessageShape
  private readonly writer: MessageShape
  private readonly roles: SchemaRoles
  private readonly found: Incompatibility[] = []

  constructor(messageName: string, reader: MessageShape, writer: MessageShape, roles: SchemaRoles) {
    this.messageName = messageName
    this.reader = reader
    this.writer = writer
    this.roles = roles
  }

  findings(): Incompatibility[] {
    for (const writerField of this.writer.fields.values()) {
      const readerField = this.reader.fields.get(writerField.number)
      if (readerField === undefined) this.checkRemoved(writerField)
      else this.checkKept(readerField, writerField)
    }
    for (const readerField of this.reader.fields.values()) {
      if (!this.writer.fields.has(readerField.number) && readerField.label === 'required') {
        this.requiredAdded(readerField)
      }
    }
    this.checkOneofMoves()
    return this.found
  }

  private add(type: string, field: FieldShape, description: string): void {
    this.found.push({
      type,
      location: `#/${this.messageName}/${field.number}`,
      message: field.name,
      description,
    })
  }

  private describe(field: FieldShape): string {
    return `The field number ${field.number} ('${field.name}') of message '${this.messageName}'`
  }

  private checkRemoved(writerField: FieldShape): void {
    const { reader, writer } = this.roles
    if (writerField.label === 'required') {
      this.add(
        'REQUIRED_FIELD_REMOVED',
        writerField,
        `${this.describe(writerField)} is required in the ${writer} schema and missing in the ${reader} schema`,
      )
    } else if (writerField.oneof !== undefined) {
      this.add(
        'ONEOF_FIELD_REMOVED',
        writerField,
        `${this.describe(writerField)} belongs to oneof '${writerField.oneof}' in the ${writer} schema and is missing in the ${reader} schema`,
      )
    }
  }

  private checkKept(readerField: FieldShape, writerField: FieldShape): void {
    const { reader, writer } = this.roles
    const change = `in the ${writer} schema to`
    if (readerField.kind !== writerField.kind) {
      this.add(
        'FIELD_KIND_CHANGED',
        readerField,
        `${this.describe(readerField)} changed from a ${writerField.kind} ${change} a ${readerField.kind} in the ${reader} schema`,
      )
    } else if (!this.sameValueType(readerField, writerField)) {
      const scalar =
        readerField.kind === 'scalar' || (readerField.kind === 'map' && isScalarName(readerField.typeName))
      this.add(
        scalar ? 'FIELD_SCALAR_KIND_CHANGED' : 'FIELD_NAMED_TYPE_CHANGED',
        readerField,
        `${this.describe(readerField)} changed from type '${typeDescription(writerField)}' ${change} '${typeDescription(readerField)}' in the ${reader} schema${scalar ? ', which is not wire-compatible' : ''}`,
      )
    }
    if (writerField.label === 'required' && readerField.label !== 'required') {
      this.add(
        'REQUIRED_FIELD_REMOVED',
        readerField,
        `${this.describe(readerField)} is required in the ${writer} schema but not in the ${reader} schema`,
      )
    } else if (readerField.label === 'required' && writerField.label !== 'required') {
      this.requiredAdded(readerField)
    }
  }

  private sameValueType(readerField: FieldShape, writerField: FieldShape): boolean {
    const sameKey =
      readerField.keyType === undefined ||
      writerField.keyType === undefined ||
      wireCompatible(readerField.keyType, writerField.keyType)
    const bothScalar = isScalarName(readerField.typeName) && isScalarName(writerField.typeName)
    const sameValue = bothScalar
      ? wireCompatible(readerField.typeName, writerField.typeName)
      : readerField.typeName === writerField.typeName
    return sameKey && sameValue
  }

  private requiredAdded(readerField: FieldShape): void {
    this.add(
      'REQUIRED_FIELD_ADDED',
      readerField,
      `${this.describe(readerField)} is required in the ${this.roles.reader} schema but not in the ${this.roles.writer} schema`,
    )
  }

  /** Moving fields into a oneof makes them exclusive; data that set several of them would lose all but one. */
  private checkOneofMoves(): void {
    const movedInto = new Map<string, FieldShape[]>()
    for (const readerField of this.reader.fields.values()) {
      const writerField = this.writer.fields.get(readerField.number)
      if (
        readerField.oneof === undefined ||
        writerField === undefined ||
        writerField.oneof === readerField.oneof
      ) {
        continue
      }
      movedInto.set(readerField.oneof, [...(movedInto.get(readerField.oneof) ?? []), readerField])
    }
    for (const [oneof, moved] of movedInto) {
      if (this.writer.oneofs.has(oneof)) {
        for (const field of moved) {
          this.add(
            'FIELD_MOVED_TO_EXISTING_ONEOF',
            field,
            `${this.describe(field)} was moved into oneof '${oneof}', which already exists in the ${this.roles.writer} schema`,
          )
        }
      } else if (moved.length > 1) {
        this.found.push({
          type: 'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
          location: `#/${this.messageName}`,
          message: oneof,
          description: `The fields ${moved.map((field) => `${field.number} ('${field.name}')`).join(', ')} of message '${this.messageName}' were moved into the new oneof '${oneof}' of the ${this.roles.reader} schema`,
        })
      }
    }
  }
}

const SCALAR_NAMES: ReadonlySet<string> = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
])

function isScalarName(typeName: string): boolean {
  return SCALAR_NAMES.has(typeName)
}

function typeDescription(field: FieldShape): string {
  return field.kind === 'map' ? `map<${field.keyType}, ${field.typeName}>` : field.typeName
}
