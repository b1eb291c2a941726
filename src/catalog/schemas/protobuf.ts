/**
 * Protobuf schemas: `.proto` text parsed at run time with protobufjs, imports resolved from Confluent schema
 * references (reference name = import path) or from the bundled well-known types, a canonical re-rendering for
 * identity, and the message-index helpers of the Confluent wire format.
 */

import type { INamespace, ReflectionObject, Root, Type } from 'protobufjs'
import protobuf from 'protobufjs'
import descriptorJson from 'protobufjs/google/protobuf/descriptor.json' with { type: 'json' }
import { positionAt } from './json-text.ts'
import { checkProtoSize } from './protobuf-limits.ts'
import { renderProtoFile } from './protobuf-render.ts'
import { InvalidSchemaError, type ParsedSchemaBase, type SchemaTextPosition } from './types.ts'

export { checkProtobufCompatibility } from './protobuf-compatibility.ts'

/** The file's `syntax` or `edition` statement; a file without one is proto2, as protoc has it. */
export interface ProtoSyntax {
  readonly keyword: 'syntax' | 'edition'
  readonly value: string
}

/** One `.proto` file, its declarations resolved against its imports. */
export interface ProtoFile {
  readonly syntax: ProtoSyntax
  /** Empty when the file declares no package. */
  readonly packageName: string
  readonly imports: readonly string[]
  readonly weakImports: readonly string[]
  readonly options: Readonly<Record<string, unknown>>
  /** Top-level messages, enums, services and extension fields of this file, in declaration order. */
  readonly declarations: readonly ReflectionObject[]
}

export interface ParsedProtobufSchema extends ParsedSchemaBase<'PROTOBUF'> {
  /** Everything the file and its imports declare, resolved; hand it to protobufjs for encoding and decoding. */
  readonly root: Root
  readonly file: ProtoFile
}

const PARSE_OPTIONS = { keepCase: true }
const MAX_FIELD_NUMBER = 536_870_911
const RESERVED_FOR_PROTOBUF = { first: 19_000, last: 19_999 }

/**
 * Parses a `.proto` schema. `references` maps import paths to the imported files' texts; `google/protobuf/*.proto`
 * well-known types (any, duration, timestamp, empty, struct, wrappers, field_mask, descriptor) need no reference.
 */
export function parseProtobufSchema(
  text: string,
  references: ReadonlyMap<string, string> = new Map(),
): ParsedProtobufSchema {
  // Parsed alone first, to know which declarations are this file's own (the shared root mixes in the imports).
  const alone = parseProtoText(text, new protobuf.Root())
  const root = new protobuf.Root()
  loadImports([...alone.imports, ...alone.weakImports], {
    references,
    root,
    loaded: new Set(),
    importerText: text,
  })
  parseProtoText(text, root)

  const packageName = alone.packageName
  const ownNamespace = packageName === '' ? alone.root : alone.root.lookup(packageName)
  const declarations = (ownNamespace instanceof protobuf.Namespace ? ownNamespace.nestedArray : []).map(
    (own) => {
      const resolved = root.lookup(own.fullName)
      if (resolved === null) throw new Error(`protobufjs lost the declaration ${own.fullName}`)
      return resolved
    },
  )
  resolveDeclarations(declarations, text)
  resolveImports(root, references)
  checkFieldNumbers(declarations, text)

  const file: ProtoFile = {
    syntax: declaredSyntax(text),
    packageName,
    imports: alone.imports,
    weakImports: alone.weakImports,
    options: ownNamespace?.options ?? {},
    declarations,
  }
  return { type: 'PROTOBUF', canonical: renderProtoFile(file), root, file }
}

interface ParsedProtoText {
  readonly root: Root
  readonly packageName: string
  readonly imports: readonly string[]
  readonly weakImports: readonly string[]
}

function parseProtoText(text: string, root: Root): ParsedProtoText {
  checkProtoSize(text)
  try {
    const parsed = protobuf.parse(text, root, PARSE_OPTIONS)
    return {
      root: parsed.root,
      packageName: parsed.package ?? '',
      imports: parsed.imports ?? [],
      weakImports: parsed.weakImports ?? [],
    }
  } catch (error) {
    throw describeParseError(error, text)
  }
}

const PARSER_LINE_PATTERN = /\s*\(line (\d+)\)\s*$/
const PARSER_TOKEN_PATTERN = /^illegal [\w ]*?'(.*?)'/

/** protobufjs reports only the line; the column is where the offending token first appears on it. */
function describeParseError(error: unknown, text: string): InvalidSchemaError {
  const message = error instanceof Error ? error.message : String(error)
  const lineMatch = PARSER_LINE_PATTERN.exec(message)
  let position: SchemaTextPosition | undefined
  if (lineMatch !== null) {
    const line = Number(lineMatch[1])
    const token = PARSER_TOKEN_PATTERN.exec(message)?.[1]
    const column = token === undefined ? -1 : (text.split('\n')[line - 1]?.indexOf(token) ?? -1)
    position = column < 0 ? { line } : { line, column: column + 1 }
  } else {
    position = locateIdentifier(text, /'([^']+)'/.exec(message)?.[1])
  }
  return new InvalidSchemaError(
    'PROTOBUF',
    message.replace(PARSER_LINE_PATTERN, ''),
    { position },
    'Fix the .proto source there; it must follow the protobuf language grammar.',
  )
}

function locateIdentifier(text: string, identifier: string | undefined): SchemaTextPosition | undefined {
  if (identifier === undefined) return undefined
  const escaped = identifier.replace(/^\./, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`(?<![\\w.])\\.?${escaped}(?![\\w])`).exec(text)
  return match === null ? undefined : positionAt(text, match.index)
}

interface ImportContext {
  readonly references: ReadonlyMap<string, string>
  readonly root: Root
  readonly loaded: Set<string>
  readonly importerText: string
  readonly importerName?: string
}

function bundledImport(path: string): INamespace | null {
  return path === 'google/protobuf/descriptor.proto'
    ? (descriptorJson as INamespace)
    : protobuf.common.get(path)
}

function loadImports(paths: readonly string[], context: ImportContext): void {
  for (const path of paths) {
    if (context.loaded.has(path)) continue
    context.loaded.add(path)
    const referenced = context.references.get(path)
    if (referenced !== undefined) {
      let parsed: ParsedProtoText
      try {
        parsed = parseProtoText(referenced, context.root)
      } catch (error) {
        throw error instanceof InvalidSchemaError ? error.inReference(path) : error
      }
      loadImports([...parsed.imports, ...parsed.weakImports], {
        ...context,
        importerText: referenced,
        importerName: path,
      })
      continue
    }
    const bundled = bundledImport(path)
    if (bundled !== null) {
      context.root.addJSON(bundled.nested ?? {})
      continue
    }
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const match = new RegExp(`import\\s+(?:public\\s+|weak\\s+)?["']${escaped}["']`).exec(
      context.importerText,
    )
    throw new InvalidSchemaError(
      'PROTOBUF',
      `the import '${path}' cannot be resolved`,
      {
        reference: context.importerName,
        position: match === null ? undefined : positionAt(context.importerText, match.index),
      },
      `Add a schema reference whose name is exactly '${path}', or remove the import.`,
    )
  }
}

/** Resolves this file's own type references first, so that an unknown type is reported in this file's text. */
function resolveDeclarations(declarations: readonly ReflectionObject[], text: string): void {
  try {
    for (const declaration of declarations) {
      if (declaration instanceof protobuf.Namespace) declaration.resolveAll()
      else declaration.resolve()
    }
  } catch (error) {
    throw unresolvedTypeError(error, text, undefined)
  }
}

function resolveImports(root: Root, references: ReadonlyMap<string, string>): void {
  try {
    root.resolveAll()
  } catch (error) {
    const name = unresolvedName(error)
    const culprit = [...references].find(([, text]) => locateIdentifier(text, name) !== undefined)
    throw unresolvedTypeError(error, culprit?.[1] ?? '', culprit?.[0] ?? 'an imported file')
  }
}

function unresolvedName(error: unknown): string | undefined {
  return /'([^']+)'/.exec(error instanceof Error ? error.message : String(error))?.[1]
}

function unresolvedTypeError(
  error: unknown,
  text: string,
  reference: string | undefined,
): InvalidSchemaError {
  const message = error instanceof Error ? error.message : String(error)
  return new InvalidSchemaError(
    'PROTOBUF',
    message,
    { reference, position: locateIdentifier(text, unresolvedName(error)) },
    'Define the type, fix its name, or import the file declaring it (with a schema reference named like the import).',
  )
}

/** protoc rejects these, protobufjs does not. */
function checkFieldNumbers(declarations: readonly ReflectionObject[], text: string): void {
  for (const declaration of declarations) {
    if (!(declaration instanceof protobuf.Type)) continue
    for (const field of declaration.fieldsArray) {
      if (field.declaringField !== null) continue
      const problem =
        field.id < 1 || field.id > MAX_FIELD_NUMBER
          ? `field number ${field.id} is outside 1..${MAX_FIELD_NUMBER}`
          : field.id >= RESERVED_FOR_PROTOBUF.first && field.id <= RESERVED_FOR_PROTOBUF.last
            ? `field number ${field.id} is in the range ${RESERVED_FOR_PROTOBUF.first}-${RESERVED_FOR_PROTOBUF.last} reserved by protobuf`
            : isReservedNumber(declaration.reserved, field.id)
              ? `field number ${field.id} is reserved in message '${declaration.name}'`
              : declaration.isReservedName(field.name)
                ? `field name '${field.name}' is reserved in message '${declaration.name}'`
                : undefined
      if (problem !== undefined) {
        const match = new RegExp(`\\b${field.name}\\s*=\\s*${field.id}\\b`).exec(text)
        throw new InvalidSchemaError(
          'PROTOBUF',
          problem,
          {
            path: `${declaration.fullName.slice(1)}.${field.name}`,
            position: match === null ? undefined : positionAt(text, match.index),
          },
          'Choose another field number (or name), or drop the reservation if it is no longer needed.',
        )
      }
    }
    checkFieldNumbers(declaration.nestedArray, text)
  }
}

/** Reserved ranges are inclusive (protobufjs's own `isReservedId` treats the end as exclusive). */
function isReservedNumber(reserved: readonly (number[] | string)[] | undefined, id: number): boolean {
  return (reserved ?? []).some(
    (entry) => Array.isArray(entry) && (entry[0] ?? Number.NaN) <= id && id <= (entry[1] ?? Number.NaN),
  )
}

/** Reads the leading `syntax = "..."` / `edition = "..."` statement with protobufjs's own tokenizer. */
function declaredSyntax(text: string): ProtoSyntax {
  const tokens = protobuf.tokenize(text, false)
  const keyword = tokens.next()
  if (keyword !== 'syntax' && keyword !== 'edition') return { keyword: 'syntax', value: 'proto2' }
  tokens.next() // =
  tokens.next() // opening quote
  return { keyword, value: tokens.next() ?? 'proto2' }
}

/** This file's top-level messages in declaration order: the first level of the Confluent message-index path. */
function topLevelMessages(schema: ParsedProtobufSchema): Type[] {
  return schema.file.declarations.filter((declaration) => declaration instanceof protobuf.Type)
}

function nestedMessages(type: Type): Type[] {
  return type.nestedArray.filter((nested) => nested instanceof protobuf.Type)
}

/**
 * The Confluent wire-format message indexes of a message: its position among the file's top-level messages, then
 * among each enclosing message's nested messages, in declaration order. The first top-level message is `[0]`.
 * `fullMessageName` may be package-qualified or relative to the package, with or without a leading dot.
 */
export function messageIndexes(schema: ParsedProtobufSchema, fullMessageName: string): number[] {
  const name = fullMessageName.replace(/^\./, '')
  const wanted = new Set([name, schema.file.packageName === '' ? name : `${schema.file.packageName}.${name}`])
  const search = (candidates: Type[], prefix: number[]): number[] | undefined => {
    for (const [index, candidate] of candidates.entries()) {
      const path = [...prefix, index]
      if (wanted.has(candidate.fullName.slice(1))) return path
      const nested = search(nestedMessages(candidate), path)
      if (nested !== undefined) return nested
    }
    return undefined
  }
  const found = search(topLevelMessages(schema), [])
  if (found === undefined) {
    throw new Error(
      `The message '${fullMessageName}' is not declared in this schema; it declares: ${listMessages(schema).join(', ')}`,
    )
  }
  return found
}

/** The message at a Confluent message-index path; an empty path means `[0]`, as in the wire format's shorthand. */
export function messageByIndexes(schema: ParsedProtobufSchema, indexes: readonly number[]): Type {
  const path = indexes.length === 0 ? [0] : indexes
  let candidates = topLevelMessages(schema)
  let found: Type | undefined
  for (const [depth, index] of path.entries()) {
    found = candidates[index]
    if (found === undefined) {
      throw new RangeError(
        `Message index ${index} at depth ${depth} of [${path.join(', ')}] is out of range: there are ${candidates.length} message(s) at that level`,
      )
    }
    candidates = nestedMessages(found)
  }
  if (found === undefined) throw new RangeError('The schema declares no message')
  return found
}

function listMessages(schema: ParsedProtobufSchema): string[] {
  const names: string[] = []
  const collect = (types: Type[]): void => {
    for (const type of types) {
      names.push(type.fullName.slice(1))
      collect(nestedMessages(type))
    }
  }
  collect(topLevelMessages(schema))
  return names
}
