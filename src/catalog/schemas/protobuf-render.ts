/**
 * The canonical text of a `.proto` file: comments and layout dropped, one statement per line, two-space indents,
 * type references fully qualified (`.pkg.Msg`), imports and options sorted, fields ordered by number with each
 * oneof at its lowest field number, reserved ranges and names sorted. Messages, enums, services and enum values
 * keep their declaration order: message indexes in the Confluent wire format depend on it.
 *
 * protobufjs forgets whether an option value was written as an identifier or a string, so values are written bare
 * only for options known to be enums (e.g. `optimize_for`, edition features, an enum field's `default`).
 */

import type { Enum, Field, Method, OneOf, ReflectionObject, Service, Type } from 'protobufjs'
import protobuf from 'protobufjs'
import type { ProtoFile, ProtoSyntax } from './protobuf.ts'

const INDENT = '  '
const MAX_FIELD_NUMBER = 536_870_911
const ENUM_VALUED_OPTIONS: ReadonlySet<string> = new Set([
  'optimize_for',
  'ctype',
  'jstype',
  'idempotency_level',
  'retention',
  'targets',
])

export function renderProtoFile(file: ProtoFile): string {
  const header = [`${file.syntax.keyword} = "${file.syntax.value}";`]
  if (file.packageName !== '') header.push(`package ${file.packageName};`)
  const imports = [
    ...[...file.imports].sort().map((path) => `import ${quote(path)};`),
    ...[...file.weakImports].sort().map((path) => `import weak ${quote(path)};`),
  ]
  const options = renderOptionStatements(file.options, '')
  const declarations = file.declarations.map((declaration) =>
    renderDeclaration(declaration, file.syntax, '').join('\n'),
  )
  return `${[header, imports, options]
    .filter((block) => block.length > 0)
    .map((block) => block.join('\n'))
    .concat(declarations)
    .join('\n\n')}\n`
}

function renderDeclaration(declaration: ReflectionObject, syntax: ProtoSyntax, indent: string): string[] {
  if (declaration instanceof protobuf.Type) return renderMessage(declaration, syntax, indent)
  if (declaration instanceof protobuf.Enum) return renderEnum(declaration, syntax, indent)
  if (declaration instanceof protobuf.Service) return renderService(declaration, indent)
  if (declaration instanceof protobuf.Field) return renderExtension(declaration, syntax, indent)
  return []
}

function renderMessage(type: Type, syntax: ProtoSyntax, indent: string): string[] {
  return [
    `${indent}message ${type.name} {`,
    ...renderMessageBody(type, syntax, indent + INDENT),
    `${indent}}`,
  ]
}

function renderMessageBody(type: Type, syntax: ProtoSyntax, indent: string): string[] {
  const ownFields = type.fieldsArray.filter((field) => field.declaringField === null)
  const groupTypes = new Set<ReflectionObject | null>(
    ownFields.filter((field) => isGroupField(field, syntax)).map((field) => field.resolvedType),
  )
  const realOneofs = type.oneofsArray.filter((oneof) => !isSyntheticOneof(oneof))
  const members: { number: number; lines: string[] }[] = [
    ...ownFields
      .filter((field) => field.partOf === null || isSyntheticOneof(field.partOf))
      .map((field) => ({ number: field.id, lines: renderField(field, syntax, indent) })),
    ...realOneofs.map((oneof) => ({
      number: Math.min(...oneof.fieldsArray.map((field) => field.id)),
      lines: renderOneof(oneof, syntax, indent),
    })),
  ].sort((left, right) => left.number - right.number)
  return [
    ...renderOptionStatements(type.options, indent),
    ...renderReserved(type.reserved, syntax, indent),
    ...members.flatMap((member) => member.lines),
    ...renderRanges('extensions', type.extensions, indent),
    ...type.nestedArray
      .filter((nested) => !groupTypes.has(nested))
      .flatMap((nested) => renderDeclaration(nested, syntax, indent)),
  ]
}

/** proto2 groups are messages declared inline with their field; editions express the same encoding as a feature. */
function isGroupField(field: Field, syntax: ProtoSyntax): boolean {
  return (
    syntax.value === 'proto2' &&
    field.delimited &&
    field.resolvedType instanceof protobuf.Type &&
    field.resolvedType.parent === field.parent
  )
}

/** proto3 `optional` fields are wrapped in a oneof of their own that the source never declared. */
function isSyntheticOneof(oneof: OneOf): boolean {
  const [only, ...others] = oneof.fieldsArray
  return only !== undefined && others.length === 0 && only.options?.proto3_optional === true
}

function renderOneof(oneof: OneOf, syntax: ProtoSyntax, indent: string): string[] {
  const fields = [...oneof.fieldsArray].sort((left, right) => left.id - right.id)
  return [
    `${indent}oneof ${oneof.name} {`,
    ...renderOptionStatements(oneof.options, indent + INDENT),
    ...fields.flatMap((field) => renderField(field, syntax, indent + INDENT)),
    `${indent}}`,
  ]
}

function renderField(field: Field, syntax: ProtoSyntax, indent: string): string[] {
  const options = renderFieldOptions(field)
  const label = fieldLabel(field, syntax)
  if (field instanceof protobuf.MapField) {
    return [`${indent}map<${field.keyType}, ${typeReference(field)}> ${field.name} = ${field.id}${options};`]
  }
  if (isGroupField(field, syntax) && field.resolvedType instanceof protobuf.Type) {
    const group = field.resolvedType
    return [
      `${indent}${label}group ${group.name} = ${field.id}${options} {`,
      ...renderMessageBody(group, syntax, indent + INDENT),
      `${indent}}`,
    ]
  }
  return [`${indent}${label}${typeReference(field)} ${field.name} = ${field.id}${options};`]
}

function fieldLabel(field: Field, syntax: ProtoSyntax): string {
  if (field instanceof protobuf.MapField) return ''
  if (field.repeated) return 'repeated '
  if (field.partOf !== null && !isSyntheticOneof(field.partOf)) return ''
  if (syntax.keyword === 'edition') return ''
  if (syntax.value === 'proto2') return field.required ? 'required ' : 'optional '
  return field.options?.proto3_optional === true ? 'optional ' : ''
}

function typeReference(field: Field): string {
  return field.resolvedType?.fullName ?? field.type
}

function renderFieldOptions(field: Field): string {
  const options = { ...field.options }
  delete options.proto3_optional
  const entries = optionEntries(
    options,
    (name) => name === 'default' && field.resolvedType instanceof protobuf.Enum,
  )
  return entries.length === 0 ? '' : ` [${entries.join(', ')}]`
}

function renderExtension(field: Field, syntax: ProtoSyntax, indent: string): string[] {
  const extendee = field.extensionField?.parent?.fullName ?? field.extend ?? ''
  return [`${indent}extend ${extendee} {`, ...renderField(field, syntax, indent + INDENT), `${indent}}`]
}

function renderEnum(enumeration: Enum, syntax: ProtoSyntax, indent: string): string[] {
  const inner = indent + INDENT
  return [
    `${indent}enum ${enumeration.name} {`,
    ...renderOptionStatements(enumeration.options, inner),
    ...renderReserved(enumeration.reserved, syntax, inner),
    ...Object.entries(enumeration.values).map(([name, number]) => {
      const entries = optionEntries(enumeration.valuesOptions?.[name], () => false)
      return `${inner}${name} = ${number}${entries.length === 0 ? '' : ` [${entries.join(', ')}]`};`
    }),
    `${indent}}`,
  ]
}

function renderService(service: Service, indent: string): string[] {
  const inner = indent + INDENT
  return [
    `${indent}service ${service.name} {`,
    ...renderOptionStatements(service.options, inner),
    ...service.methodsArray.flatMap((method) => renderMethod(method, inner)),
    `${indent}}`,
  ]
}

function renderMethod(method: Method, indent: string): string[] {
  const request = `${method.requestStream === true ? 'stream ' : ''}${method.resolvedRequestType?.fullName ?? method.requestType}`
  const response = `${method.responseStream === true ? 'stream ' : ''}${method.resolvedResponseType?.fullName ?? method.responseType}`
  const signature = `${indent}rpc ${method.name} (${request}) returns (${response})`
  const options = renderOptionStatements(method.options, indent + INDENT)
  return options.length === 0 ? [`${signature};`] : [`${signature} {`, ...options, `${indent}}`]
}

function renderReserved(
  reserved: readonly (number[] | string)[] | undefined,
  syntax: ProtoSyntax,
  indent: string,
): string[] {
  const ranges = (reserved ?? []).filter((entry) => Array.isArray(entry))
  // Editions write reserved names as identifiers, older syntaxes as strings.
  const names = (reserved ?? [])
    .filter((entry) => typeof entry === 'string')
    .sort()
    .map((name) => (syntax.keyword === 'edition' ? name : quote(name)))
  return [
    ...renderRanges('reserved', ranges, indent),
    ...(names.length === 0 ? [] : [`${indent}reserved ${names.join(', ')};`]),
  ]
}

function renderRanges(keyword: string, ranges: readonly number[][] | undefined, indent: string): string[] {
  if (ranges === undefined || ranges.length === 0) return []
  const rendered = [...ranges]
    .sort((left, right) => (left[0] ?? 0) - (right[0] ?? 0))
    .map(([start, end]) => {
      if (end === undefined || end === start) return String(start)
      return `${start} to ${end === MAX_FIELD_NUMBER ? 'max' : end}`
    })
  return [`${indent}${keyword} ${rendered.join(', ')};`]
}

function renderOptionStatements(
  options: Readonly<Record<string, unknown>> | undefined,
  indent: string,
): string[] {
  return optionEntries(options, () => false).map((entry) => `${indent}option ${entry};`)
}

/** `name = value` pairs sorted by name; a repeated option (an array) gives one pair per value. */
function optionEntries(
  options: Readonly<Record<string, unknown>> | undefined,
  isEnumValued: (name: string) => boolean,
): string[] {
  if (options === undefined) return []
  return Object.keys(options)
    .sort()
    .flatMap((name) => {
      const value = options[name]
      const bare = isEnumValued(name) || ENUM_VALUED_OPTIONS.has(name) || isEditionFeature(name)
      return (Array.isArray(value) ? value : [value]).map(
        (single) => `${name} = ${renderOptionValue(single, bare)}`,
      )
    })
}

/** Edition features are enums, whether set one by one (`features.x = Y`) or as a message (`features = { x: Y }`). */
function isEditionFeature(optionName: string): boolean {
  return optionName === 'features' || optionName.startsWith('features.')
}

function renderOptionValue(value: unknown, bare: boolean): string {
  if (typeof value === 'string') return bare ? value : quote(value)
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan'
    if (value === Number.POSITIVE_INFINITY) return 'inf'
    if (value === Number.NEGATIVE_INFINITY) return '-inf'
    return String(value)
  }
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).flatMap(([key, nested]) =>
      (Array.isArray(nested) ? nested : [nested]).map(
        (single) => `${key}: ${renderOptionValue(single, bare)}`,
      ),
    )
    return `{ ${fields.join(' ')} }`
  }
  return String(value)
}

/** A protobuf string literal: backslash, quote and control characters escaped, everything else as is. */
function quote(text: string): string {
  let quoted = '"'
  for (const char of text) {
    const code = char.charCodeAt(0)
    if (char === '"' || char === '\\') quoted += `\\${char}`
    else if (char === '\n') quoted += '\\n'
    else if (char === '\r') quoted += '\\r'
    else if (char === '\t') quoted += '\\t'
    else if (code < 0x20 || code === 0x7f) quoted += `\\${code.toString(8).padStart(3, '0')}`
    else quoted += char
  }
  return `${quoted}"`
}
