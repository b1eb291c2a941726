/**
 * The registry's view of the schema rule engines in `../schemas/` (owned by another module): parse with
 * references, decide the text to store and the identity (fingerprints) of a schema, and extract field names for
 * catalog search. Everything the registry needs from `../schemas/` goes through this file.
 */
import { createHash } from 'node:crypto'
import type { StoredReference } from '../db/tables.ts'
import {
  type CompatibilityResult,
  checkAgainstHistory as checkAgainstHistoryUnmapped,
  isCompatibilityLevel,
  providerFor,
} from '../schemas/compatibility.ts'
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  InvalidSchemaError,
  type ParsedSchema,
  type SchemaType,
} from '../schemas/types.ts'
import { invalidSchema, unprocessable } from './errors.ts'
import { fieldNamesOf } from './fields.ts'
import { looksSerialized, serializedToProtoText } from './protobuf-serialized.ts'

export type { CompatibilityLevel, ParsedSchema, SchemaType }
export { COMPATIBILITY_LEVELS, isCompatibilityLevel }

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO']

/** `schemaType` as clients send it: absent means AVRO (Confluent's default); the name is case-insensitive. */
export function readSchemaType(value: unknown): SchemaType {
  if (value === undefined || value === null || value === '') return 'AVRO'
  const upper = typeof value === 'string' ? value.toUpperCase() : ''
  const type = SCHEMA_TYPES.find((candidate) => candidate === upper)
  if (type === undefined) {
    throw unprocessable(
      `Invalid schemaType ${JSON.stringify(value)}. Valid values are AVRO (the default), PROTOBUF and JSON.`,
    )
  }
  return type
}

/** Parses schema text; invalid text becomes Confluent's 42201 with the parser's message and position. */
export function parseSchema(
  type: SchemaType,
  text: string,
  references: ReadonlyMap<string, string>,
): ParsedSchema {
  try {
    return providerFor(type).parse(sourceText(type, text), references)
  } catch (error) {
    if (error instanceof InvalidSchemaError) throw invalidSchema(error.message)
    if (error instanceof RangeError) {
      // The parsers recurse along the schema's nesting; only a pathological schema nests deep enough to exhaust the stack.
      throw invalidSchema(
        `Invalid ${type} schema: it nests too deeply to process (${error.message}). Flatten it: real schemas nest tens of levels, not thousands.`,
      )
    }
    // The parsers are meant to throw InvalidSchemaError only; anything else is still the input's fault.
    throw invalidSchema(`Invalid ${type} schema: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * The candidate against the subject's history (see ../schemas/compatibility.ts). A comparison that would exceed
 * the request's work budget (a schema built to make the check exponential) becomes Confluent's 42201, as an
 * invalid schema does, with the message naming the limit.
 */
export function checkAgainstHistory(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  history: readonly ParsedSchema[],
): CompatibilityResult {
  try {
    return checkAgainstHistoryUnmapped(level, candidate, history)
  } catch (error) {
    if (error instanceof InvalidSchemaError) throw invalidSchema(error.message)
    throw error
  }
}

export interface PreparedSchema {
  type: SchemaType
  parsed: ParsedSchema
  /** What is stored and returned: the normalized form with `normalize`, else the text minus insignificant whitespace. */
  text: string
  references: StoredReference[]
  /** Identity of `text` (with type and references): the same schema registered again gets the same id. */
  fingerprint: string
  /** Identity of the normalized form, matched by `normalize=true` lookups. */
  canonicalFingerprint: string
  fields: string[]
}

export function prepareSchema(
  type: SchemaType,
  text: string,
  references: readonly StoredReference[],
  referencedTexts: ReadonlyMap<string, string>,
  normalize: boolean,
): PreparedSchema {
  const source = sourceText(type, text)
  const parsed = parseSchema(type, source, referencedTexts)
  // Protobuf is always kept in canonical form, as Confluent re-renders .proto text: text and serialized
  // descriptors of one schema then share an id, whichever form a client sends.
  const stored = normalize || type === 'PROTOBUF' ? parsed.canonical : storedTextOf(type, source)
  const refs = references.map(({ name, subject, version }) => ({ name, subject, version }))
  return {
    type,
    parsed,
    text: stored,
    references: refs,
    fingerprint: fingerprintOf(type, stored, refs),
    canonicalFingerprint: fingerprintOf(type, parsed.canonical, refs),
    fields: fieldNamesOf(parsed),
  }
}

/** Protobuf schemas may arrive as a base64 FileDescriptorProto (Confluent's serialized form); the registry works on text. */
function sourceText(type: SchemaType, text: string): string {
  return type === 'PROTOBUF' && looksSerialized(text) ? serializedToProtoText(text) : text
}

/**
 * Like Confluent, JSON-based schemas are kept in compact form (key order and `doc`s preserved), so that
 * whitespace never creates a new version.
 */
function storedTextOf(_type: SchemaType, text: string): string {
  return JSON.stringify(JSON.parse(text))
}

export function fingerprintOf(
  type: SchemaType,
  text: string,
  references: readonly StoredReference[],
): string {
  const hash = createHash('sha256')
  hash.update(type)
  hash.update('\u0000')
  hash.update(text)
  hash.update('\u0000')
  hash.update(JSON.stringify(references.map(({ name, subject, version }) => [name, subject, version])))
  return hash.digest('hex')
}
