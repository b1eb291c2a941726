/**
 * Confluent's "serialized" Protobuf form: a schema sent or fetched as the base64 of a binary
 * `google.protobuf.FileDescriptorProto` instead of `.proto` text. Confluent's JavaScript serializer
 * (@confluentinc/schemaregistry) registers schemas that way, and its deserializer fetches them with
 * `?format=serialized`.
 *
 * The registry stores `.proto` text either way, so that a schema registered as text or as a descriptor has one
 * identity: incoming descriptors are rendered to text here, and stored text is turned into a descriptor on
 * request. Both directions work on the descriptor's plain-object form (protobufjs's bundled descriptor.proto).
 */
import protobuf from 'protobufjs'
import descriptorJson from 'protobufjs/google/protobuf/descriptor.json' with { type: 'json' }
import type { ParsedProtobufSchema } from '../schemas/protobuf.ts'
import { invalidSchema } from './errors.ts'

const descriptorRoot = protobuf.Root.fromJSON(descriptorJson as protobuf.INamespace)
const FileDescriptorProto = descriptorRoot.lookupType('google.protobuf.FileDescriptorProto')

// ---- plain-object shapes of the descriptor messages (as protobufjs's toObject gives them)

interface FieldDescriptor {
  name: string
  number: number
  label?: number
  type?: number
  typeName?: string
  defaultValue?: string
  oneofIndex?: number
  proto3Optional?: boolean
  options?: { packed?: boolean; deprecated?: boolean }
}
interface EnumDescriptor {
  name: string
  value?: Array<{ name: string; number: number }>
  options?: { allowAlias?: boolean }
}
interface MessageDescriptor {
  name: string
  field?: FieldDescriptor[]
  nestedType?: MessageDescriptor[]
  enumType?: EnumDescriptor[]
  oneofDecl?: Array<{ name: string }>
  reservedRange?: Array<{ start: number; end: number }>
  reservedName?: string[]
  extension?: FieldDescriptor[]
  options?: { mapEntry?: boolean }
}
interface ServiceDescriptor {
  name: string
  method?: Array<{
    name: string
    inputType: string
    outputType: string
    clientStreaming?: boolean
    serverStreaming?: boolean
  }>
}
interface FileDescriptor {
  name?: string
  package?: string
  dependency?: string[]
  publicDependency?: number[]
  weakDependency?: number[]
  messageType?: MessageDescriptor[]
  enumType?: EnumDescriptor[]
  service?: ServiceDescriptor[]
  extension?: FieldDescriptor[]
  options?: Record<string, unknown>
  syntax?: string
}

const SCALAR_NAMES: Readonly<Record<number, string>> = {
  1: 'double',
  2: 'float',
  3: 'int64',
  4: 'uint64',
  5: 'int32',
  6: 'fixed64',
  7: 'fixed32',
  8: 'bool',
  9: 'string',
  12: 'bytes',
  13: 'uint32',
  15: 'sfixed32',
  16: 'sfixed64',
  17: 'sint32',
  18: 'sint64',
}
const SCALAR_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(SCALAR_NAMES).map(([number, name]) => [name, Number(number)]),
)
const TYPE_GROUP = 10
const TYPE_MESSAGE = 11
const TYPE_ENUM = 14
const LABEL_OPTIONAL = 1
const LABEL_REQUIRED = 2
const LABEL_REPEATED = 3

/** File options worth keeping in text (they change generated code, not the wire format). */
const FILE_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['javaPackage', 'java_package'],
  ['javaOuterClassname', 'java_outer_classname'],
  ['javaMultipleFiles', 'java_multiple_files'],
  ['goPackage', 'go_package'],
  ['csharpNamespace', 'csharp_namespace'],
  ['objcClassPrefix', 'objc_class_prefix'],
  ['phpNamespace', 'php_namespace'],
  ['rubyPackage', 'ruby_package'],
  ['swiftPrefix', 'swift_prefix'],
]

/** `.proto` text always has a `;` or `{`; a base64 descriptor never does. */
export function looksSerialized(text: string): boolean {
  const trimmed = text.trim()
  return trimmed.length > 0 && !/[;{]/.test(trimmed) && /^[A-Za-z0-9+/=\s]+$/.test(trimmed)
}

// ---- descriptor → .proto text

export function serializedToProtoText(base64: string): string {
  let file: FileDescriptor
  try {
    const message = FileDescriptorProto.decode(Buffer.from(base64.replace(/\s+/g, ''), 'base64'))
    file = FileDescriptorProto.toObject(message, {
      enums: Number,
      longs: Number,
      defaults: false,
    }) as FileDescriptor
  } catch (error) {
    throw invalidSchema(
      `Invalid PROTOBUF schema: the text is neither .proto source nor a base64 FileDescriptorProto (${error instanceof Error ? error.message : String(error)}). Send the .proto file's text.`,
    )
  }
  if (file.syntax === 'editions') {
    throw invalidSchema(
      'Invalid PROTOBUF schema: descriptors of protobuf editions are not accepted in serialized form; send the .proto text instead.',
    )
  }
  if ((file.extension ?? []).length > 0) {
    throw invalidSchema(
      'Invalid PROTOBUF schema: extensions are not accepted in serialized form; send the .proto text instead.',
    )
  }
  return renderFile(file)
}

function renderFile(file: FileDescriptor): string {
  const blocks: string[][] = [[`syntax = "${file.syntax === 'proto3' ? 'proto3' : 'proto2'}";`]]
  if (file.package) blocks[0]!.push(`package ${file.package};`)
  const publicIndexes = new Set(file.publicDependency ?? [])
  const weakIndexes = new Set(file.weakDependency ?? [])
  const imports = (file.dependency ?? []).map((path, index) => {
    const modifier = publicIndexes.has(index) ? 'public ' : weakIndexes.has(index) ? 'weak ' : ''
    return `import ${modifier}${JSON.stringify(path)};`
  })
  if (imports.length > 0) blocks.push(imports)
  const options = FILE_OPTIONS.flatMap(([key, name]) => {
    const value = file.options?.[key]
    if (value === undefined || value === null) return []
    return [`option ${name} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)};`]
  })
  if (options.length > 0) blocks.push(options)
  const proto3 = file.syntax === 'proto3'
  for (const message of file.messageType ?? []) blocks.push(renderMessage(message, proto3, ''))
  for (const enumType of file.enumType ?? []) blocks.push(renderEnum(enumType, ''))
  for (const service of file.service ?? []) blocks.push(renderService(service))
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`
}

function renderMessage(message: MessageDescriptor, proto3: boolean, indent: string): string[] {
  const inner = `${indent}  `
  const lines = [`${indent}message ${message.name} {`]
  const mapEntries = new Map<string, MessageDescriptor>()
  for (const nested of message.nestedType ?? []) {
    if (nested.options?.mapEntry === true) mapEntries.set(nested.name, nested)
    else lines.push(...renderMessage(nested, proto3, inner))
  }
  for (const enumType of message.enumType ?? []) lines.push(...renderEnum(enumType, inner))
  const fields = message.field ?? []
  const oneofs = message.oneofDecl ?? []
  // proto3 `optional` fields sit in a synthetic oneof of their own, which the text form does not write.
  const synthetic = new Set(
    fields
      .filter((field) => field.proto3Optional === true && field.oneofIndex !== undefined)
      .map((field) => field.oneofIndex!),
  )
  const renderedOneofs = new Set<number>()
  for (const field of fields) {
    if (field.type === TYPE_GROUP) {
      throw invalidSchema(
        'Invalid PROTOBUF schema: proto2 groups are not accepted in serialized form; send the .proto text instead.',
      )
    }
    const oneof = field.oneofIndex
    if (oneof !== undefined && !synthetic.has(oneof)) {
      if (renderedOneofs.has(oneof)) continue
      renderedOneofs.add(oneof)
      lines.push(`${inner}oneof ${oneofs[oneof]?.name ?? `oneof_${oneof}`} {`)
      for (const member of fields.filter((candidate) => candidate.oneofIndex === oneof)) {
        lines.push(`${inner}  ${renderField(member, proto3, mapEntries, true)}`)
      }
      lines.push(`${inner}}`)
      continue
    }
    lines.push(`${inner}${renderField(field, proto3, mapEntries, false)}`)
  }
  for (const range of message.reservedRange ?? []) {
    // Descriptor ranges are end-exclusive; the text form is inclusive.
    lines.push(
      `${inner}reserved ${range.end - 1 === range.start ? range.start : `${range.start} to ${range.end - 1}`};`,
    )
  }
  if ((message.reservedName ?? []).length > 0) {
    lines.push(
      `${inner}reserved ${(message.reservedName ?? []).map((name) => JSON.stringify(name)).join(', ')};`,
    )
  }
  lines.push(`${indent}}`)
  return lines
}

function typeName(field: Pick<FieldDescriptor, 'type' | 'typeName'>): string {
  if (field.type === TYPE_MESSAGE || field.type === TYPE_ENUM || field.type === undefined)
    return field.typeName ?? ''
  return SCALAR_NAMES[field.type] ?? field.typeName ?? ''
}

function renderField(
  field: FieldDescriptor,
  proto3: boolean,
  mapEntries: Map<string, MessageDescriptor>,
  inOneof: boolean,
): string {
  const options: string[] = []
  if (field.options?.packed !== undefined) options.push(`packed = ${field.options.packed}`)
  if (field.options?.deprecated === true) options.push('deprecated = true')
  if (field.defaultValue !== undefined) {
    options.push(
      `default = ${field.type === 9 || field.type === 12 ? JSON.stringify(field.defaultValue) : field.defaultValue}`,
    )
  }
  const suffix = `${field.name} = ${field.number}${options.length > 0 ? ` [${options.join(', ')}]` : ''};`
  const entry = field.type === TYPE_MESSAGE ? mapEntries.get(lastSegment(field.typeName ?? '')) : undefined
  if (entry !== undefined && field.label === LABEL_REPEATED) {
    const key = entry.field?.find((candidate) => candidate.number === 1)
    const value = entry.field?.find((candidate) => candidate.number === 2)
    return `map<${typeName(key ?? { type: 9 })}, ${typeName(value ?? { type: 9 })}> ${suffix}`
  }
  let label = ''
  if (field.label === LABEL_REPEATED) label = 'repeated '
  else if (field.label === LABEL_REQUIRED) label = 'required '
  else if (!inOneof && (field.proto3Optional === true || (!proto3 && field.label === LABEL_OPTIONAL)))
    label = 'optional '
  return `${label}${typeName(field)} ${suffix}`
}

function renderEnum(enumType: EnumDescriptor, indent: string): string[] {
  const lines = [`${indent}enum ${enumType.name} {`]
  if (enumType.options?.allowAlias === true) lines.push(`${indent}  option allow_alias = true;`)
  for (const value of enumType.value ?? []) lines.push(`${indent}  ${value.name} = ${value.number};`)
  lines.push(`${indent}}`)
  return lines
}

function renderService(service: ServiceDescriptor): string[] {
  return [
    `service ${service.name} {`,
    ...(service.method ?? []).map(
      (method) =>
        `  rpc ${method.name} (${method.clientStreaming ? 'stream ' : ''}${method.inputType}) returns (${method.serverStreaming ? 'stream ' : ''}${method.outputType});`,
    ),
    '}',
  ]
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1)
}

// ---- .proto text → descriptor

/** The base64 FileDescriptorProto of a parsed schema, named `fileName`. */
export function protoTextToSerialized(schema: ParsedProtobufSchema, fileName: string): string {
  const file = schema.file
  const proto3 = file.syntax.keyword === 'syntax' && file.syntax.value === 'proto3'
  const descriptor: FileDescriptor = {
    name: fileName,
    package: file.packageName === '' ? undefined : file.packageName,
    dependency: [...file.imports, ...file.weakImports],
    weakDependency: file.weakImports.map((_, index) => file.imports.length + index),
    messageType: file.declarations
      .filter((d): d is protobuf.Type => d instanceof protobuf.Type)
      .map(describeMessage),
    enumType: file.declarations
      .filter((d): d is protobuf.Enum => d instanceof protobuf.Enum)
      .map(describeEnum),
    service: file.declarations
      .filter((d): d is protobuf.Service => d instanceof protobuf.Service)
      .map(describeService),
    options: fileOptions(file.options),
    syntax: proto3 ? 'proto3' : 'proto2',
  }
  const message = FileDescriptorProto.fromObject(descriptor as unknown as Record<string, unknown>)
  return Buffer.from(FileDescriptorProto.encode(message).finish()).toString('base64')
}

function fileOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {}
  for (const [key, name] of FILE_OPTIONS) if (options[name] !== undefined) kept[key] = options[name]
  return Object.keys(kept).length > 0 ? kept : undefined
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  const only = oneof.fieldsArray.length === 1 ? oneof.fieldsArray[0] : undefined
  return only !== undefined && oneof.name === `_${only.name}`
}

function describeMessage(type: protobuf.Type): MessageDescriptor {
  const nestedType: MessageDescriptor[] = []
  const oneofs = type.oneofsArray
  const fields: FieldDescriptor[] = type.fieldsArray
    .filter((field) => field.declaringField === null)
    .map((field) => {
      if (field instanceof protobuf.MapField) {
        // Map fields are repeated entry messages named <Field>Entry, as protoc generates them.
        const entryName = `${field.name.replace(/(^|_)([a-z])/g, (_m, _u, letter: string) => letter.toUpperCase())}Entry`
        nestedType.push({
          name: entryName,
          field: [
            { name: 'key', number: 1, label: LABEL_OPTIONAL, ...fieldType(field.keyType, null) },
            { name: 'value', number: 2, label: LABEL_OPTIONAL, ...fieldType(field.type, field.resolvedType) },
          ],
          options: { mapEntry: true },
        })
        return {
          name: field.name,
          number: field.id,
          label: LABEL_REPEATED,
          type: TYPE_MESSAGE,
          typeName: `${type.fullName}.${entryName}`,
        }
      }
      const described: FieldDescriptor = {
        name: field.name,
        number: field.id,
        label: field.repeated ? LABEL_REPEATED : field.required ? LABEL_REQUIRED : LABEL_OPTIONAL,
        ...fieldType(field.type, field.resolvedType),
      }
      if (field.partOf !== null) {
        described.oneofIndex = oneofs.indexOf(field.partOf)
        if (isSyntheticOneof(field.partOf)) described.proto3Optional = true
      }
      const explicitDefault = field.options?.default
      if (explicitDefault !== undefined) described.defaultValue = String(explicitDefault)
      if (field.options?.packed !== undefined) described.options = { packed: field.options.packed === true }
      return described
    })
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) nestedType.push(describeMessage(nested))
  }
  const reserved = type.reserved ?? []
  return {
    name: type.name,
    field: fields,
    nestedType,
    enumType: type.nestedArray
      .filter((n): n is protobuf.Enum => n instanceof protobuf.Enum)
      .map(describeEnum),
    oneofDecl: oneofs.map((oneof) => ({ name: oneof.name })),
    reservedRange: reserved
      .filter((entry): entry is number[] => Array.isArray(entry))
      .map(([start, end]) => ({ start: start!, end: (end ?? start!) + 1 })),
    reservedName: reserved.filter((entry): entry is string => typeof entry === 'string'),
  }
}

function fieldType(
  typeName: string,
  resolved: protobuf.ReflectionObject | null,
): Pick<FieldDescriptor, 'type' | 'typeName'> {
  const scalar = SCALAR_NUMBERS[typeName]
  if (scalar !== undefined) return { type: scalar }
  if (resolved instanceof protobuf.Enum) return { type: TYPE_ENUM, typeName: resolved.fullName }
  if (resolved instanceof protobuf.Type) return { type: TYPE_MESSAGE, typeName: resolved.fullName }
  return { type: TYPE_MESSAGE, typeName: typeName.startsWith('.') ? typeName : `.${typeName}` }
}

function describeEnum(enumType: protobuf.Enum): EnumDescriptor {
  return {
    name: enumType.name,
    value: Object.entries(enumType.values).map(([name, number]) => ({ name, number })),
    ...(enumType.options?.allow_alias === true ? { options: { allowAlias: true } } : {}),
  }
}

function describeService(service: protobuf.Service): ServiceDescriptor {
  return {
    name: service.name,
    method: service.methodsArray.map((method) => ({
      name: method.name,
      inputType: method.resolvedRequestType?.fullName ?? method.requestType,
      outputType: method.resolvedResponseType?.fullName ?? method.responseType,
      clientStreaming: method.requestStream === true,
      serverStreaming: method.responseStream === true,
    })),
  }
}
