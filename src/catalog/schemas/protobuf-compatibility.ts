/**
 * Protobuf compatibility after Confluent's rules: the writer's file is the "original", the reader's the "update";
 * messages are matched by package-relative full name and fields by number. Incompatible: PACKAGE_CHANGED (of the
 * schema's own file), MESSAGE_REMOVED, FIELD_KIND_CHANGED (scalar / message / map; an enum counts as a scalar),
 * FIELD_SCALAR_KIND_CHANGED (outside the wire-compatible groups, where an enum is a varint like int32),
 * FIELD_NUMERIC_LABEL_CHANGED (a numeric field turned repeated or back: repeated numbers are packed),
 * FIELD_NAMED_TYPE_CHANGED (another message by local name, or the same one changed incompatibly),
 * REQUIRED_FIELD_ADDED, REQUIRED_FIELD_REMOVED, ONEOF_FIELD_REMOVED, FIELD_MOVED_TO_EXISTING_ONEOF and
 * MULTIPLE_FIELDS_MOVED_TO_ONEOF. Everything else (fields, messages, enums, enum values, oneofs added; optional
 * fields and whole oneofs removed; renames of fields and oneofs; string/bytes/message fields made repeated) is
 * compatible, as in Confluent. Services are not compared.
 *
 * A message-typed field is compared by the referenced message's local name (its name within its own package) and
 * then by that message's contents, also when it lives in an imported file: renaming an imported file's package is
 * compatible, changing a field inside an imported message is not.
 */

import type { Type } from 'protobufjs'
import protobuf from 'protobufjs'
import {
  formatIncompatibility,
  type Incompatibility,
  READER_WRITER_ROLES,
  type SchemaRoles,
} from './incompatibility.ts'
import type { ParsedProtobufSchema } from './protobuf.ts'
import {
  type FieldShape,
  type MessageShape,
  messageShapeOf,
  typeDescription,
  type ValueType,
} from './protobuf-shapes.ts'
import { WorkBudget } from './work-budget.ts'

/** Reasons `reader` cannot read data written with `writer`; empty when it can. */
export function checkProtobufCompatibility(
  reader: ParsedProtobufSchema,
  writer: ParsedProtobufSchema,
  roles: SchemaRoles = READER_WRITER_ROLES,
  budget: WorkBudget = new WorkBudget(),
): string[] {
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
  const comparison = new MessageComparison(roles, budget, findings)
  const readerMessages = ownMessages(reader)
  for (const [name, writerMessage] of ownMessages(writer)) {
    const readerMessage = readerMessages.get(name)
    if (readerMessage === undefined) {
      findings.push({
        type: 'MESSAGE_REMOVED',
        location: `#/${name}`,
        message: name,
        description: `The message '${name}' of the ${roles.writer} schema is missing in the ${roles.reader} schema`,
      })
    } else {
      comparison.compare(name, readerMessage, writerMessage)
    }
  }
  return findings.map(formatIncompatibility)
}

/** The messages the schema's own file declares (nested ones too), by package-relative full name. */
function ownMessages(schema: ParsedProtobufSchema): Map<string, Type> {
  const packagePrefix = schema.file.packageName === '' ? '' : `${schema.file.packageName}.`
  const messages = new Map<string, Type>()
  const collect = (type: Type): void => {
    const name = type.fullName.replace(/^\./, '')
    messages.set(name.startsWith(packagePrefix) ? name.slice(packagePrefix.length) : name, type)
    for (const nested of type.nestedArray) if (nested instanceof protobuf.Type) collect(nested)
  }
  for (const declaration of schema.file.declarations)
    if (declaration instanceof protobuf.Type) collect(declaration)
  return messages
}

const NUMERIC_GROUPS: ReadonlySet<string> = new Set([
  'general number',
  'signed number',
  'fixed32',
  'fixed64',
  'float',
  'double',
])

/**
 * Compares message pairs, each once: a pair met again (a recursive message, or a message that both the file and a
 * field reference lead to) answers from the first comparison, and a pair still being compared counts as
 * compatible, so recursive messages terminate. Every pair's fields are counted against the request's budget.
 */
class MessageComparison {
  private readonly roles: SchemaRoles
  private readonly budget: WorkBudget
  private readonly found: Incompatibility[]
  private readonly compared = new Map<Type, Map<Type, boolean>>()

  constructor(roles: SchemaRoles, budget: WorkBudget, found: Incompatibility[]) {
    this.roles = roles
    this.budget = budget
    this.found = found
  }

  /** Adds the pair's findings (once) and says whether it has none. */
  compare(name: string, reader: Type, writer: Type): boolean {
    let byReader = this.compared.get(writer)
    if (byReader === undefined) {
      byReader = new Map()
      this.compared.set(writer, byReader)
    }
    const known = byReader.get(reader)
    if (known !== undefined) return known
    byReader.set(reader, true)
    const readerShape = messageShapeOf(reader)
    const writerShape = messageShapeOf(writer)
    this.budget.spend(
      'PROTOBUF',
      'compatibility checking',
      1 + readerShape.fields.size + writerShape.fields.size,
    )
    const before = this.found.length
    new MessagePair(name, readerShape, writerShape, this).check()
    const compatible = this.found.length === before
    byReader.set(reader, compatible)
    return compatible
  }

  add(finding: Incompatibility): void {
    this.found.push(finding)
  }

  get roleNames(): SchemaRoles {
    return this.roles
  }
}

class MessagePair {
  private readonly messageName: string
  private readonly reader: MessageShape
  private readonly writer: MessageShape
  private readonly comparison: MessageComparison
  private readonly roles: SchemaRoles

  constructor(
    messageName: string,
    reader: MessageShape,
    writer: MessageShape,
    comparison: MessageComparison,
  ) {
    this.messageName = messageName
    this.reader = reader
    this.writer = writer
    this.comparison = comparison
    this.roles = comparison.roleNames
  }

  check(): void {
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
  }

  private add(type: string, field: FieldShape, description: string): void {
    this.comparison.add({
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
    } else if (writerField.oneof !== undefined && !this.oneofDeleted(writerField.oneof)) {
      this.add(
        'ONEOF_FIELD_REMOVED',
        writerField,
        `${this.describe(writerField)} belongs to oneof '${writerField.oneof}' in the ${writer} schema and is missing in the ${reader} schema`,
      )
    }
  }

  /**
   * A oneof gone by name with none of its fields left anywhere was deleted as a whole, which Confluent accepts like
   * removing optional fields; dropping some of its fields while keeping others loses data that set those.
   */
  private oneofDeleted(oneof: string): boolean {
    if (this.reader.oneofs.has(oneof)) return false
    return (this.writer.oneofs.get(oneof) ?? []).every((number) => !this.reader.fields.has(number))
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
    } else {
      const changed =
        (readerField.key !== undefined &&
          writerField.key !== undefined &&
          this.valueChange(readerField.key, writerField.key)) ||
        this.valueChange(readerField.value, writerField.value)
      if (changed !== undefined) {
        this.add(
          changed,
          readerField,
          `${this.describe(readerField)} changed from type '${typeDescription(writerField)}' ${change} '${typeDescription(readerField)}' in the ${reader} schema${changed === 'FIELD_SCALAR_KIND_CHANGED' ? ', which is not wire-compatible' : ''}`,
        )
      } else if (
        readerField.kind === 'scalar' &&
        NUMERIC_GROUPS.has(readerField.value.kind === 'scalar' ? readerField.value.group : '') &&
        (readerField.label === 'repeated') !== (writerField.label === 'repeated')
      ) {
        // Repeated numbers are packed (one length-delimited record), which a singular reader does not take as
        // its value, and a singular reader keeps only the last of several values.
        this.add(
          'FIELD_NUMERIC_LABEL_CHANGED',
          readerField,
          `${this.describe(readerField)} is ${writerField.label} in the ${writer} schema but ${readerField.label} in the ${reader} schema; a numeric field cannot change between singular and repeated`,
        )
      }
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

  /** The rule a value type change breaks, if any; a message type is followed into its fields. */
  private valueChange(reader: ValueType, writer: ValueType): string | undefined {
    if (reader.kind === 'scalar' && writer.kind === 'scalar') {
      return reader.group === writer.group ? undefined : 'FIELD_SCALAR_KIND_CHANGED'
    }
    if (reader.kind === 'message' && writer.kind === 'message') {
      if (reader.name !== writer.name) return 'FIELD_NAMED_TYPE_CHANGED'
      return this.comparison.compare(reader.name, reader.type, writer.type)
        ? undefined
        : 'FIELD_NAMED_TYPE_CHANGED'
    }
    return 'FIELD_KIND_CHANGED'
  }

  private requiredAdded(readerField: FieldShape): void {
    this.add(
      'REQUIRED_FIELD_ADDED',
      readerField,
      `${this.describe(readerField)} is required in the ${this.roles.reader} schema but not in the ${this.roles.writer} schema`,
    )
  }

  /**
   * A reader oneof makes its fields exclusive. That is new only when its existing fields come from more than one
   * writer "group" (a writer oneof, or a top-level field each): data that set several of them would lose all but
   * one. Renaming a oneof, or moving one field into a new oneof, is compatible.
   */
  private checkOneofMoves(): void {
    for (const [oneof, numbers] of this.reader.oneofs) {
      const groups = new Set<string>()
      const movedIn: FieldShape[] = []
      for (const number of numbers) {
        const writerField = this.writer.fields.get(number)
        const readerField = this.reader.fields.get(number)
        if (writerField === undefined || readerField === undefined) continue
        if (writerField.oneof !== undefined) {
          groups.add(`oneof ${writerField.oneof}`)
        } else {
          groups.add(`field ${number}`)
          movedIn.push(readerField)
        }
      }
      if (groups.size <= 1) continue
      if (movedIn.length > 1) {
        this.comparison.add({
          type: 'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
          location: `#/${this.messageName}`,
          message: oneof,
          description: `The fields ${movedIn.map((field) => `${field.number} ('${field.name}')`).join(', ')} of message '${this.messageName}' were moved into the oneof '${oneof}' of the ${this.roles.reader} schema, so data that set several of them loses all but one`,
        })
      } else {
        const moved = movedIn[0] ?? this.reader.fields.get(numbers[0] ?? 0)
        if (moved === undefined) continue
        this.add(
          'FIELD_MOVED_TO_EXISTING_ONEOF',
          moved,
          `${this.describe(moved)} was moved into oneof '${oneof}' of the ${this.roles.reader} schema together with fields that were not exclusive with it in the ${this.roles.writer} schema`,
        )
      }
    }
  }
}
