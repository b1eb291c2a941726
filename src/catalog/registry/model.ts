/**
 * Request and response shapes of the registry, field for field as Confluent's REST API has them, and the
 * readers that turn untrusted bodies and path segments into them (with Confluent's error codes).
 */
import type { StoredReference, SubjectVersionRow } from '../db/tables.ts'
import {
  ErrorCodes,
  invalidSubject,
  invalidVersion,
  RegistryError,
  subjectNotFound,
  unprocessable,
  versionNotFound,
} from './errors.ts'
import { readSchemaType, type SchemaType } from './schema-support.ts'

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const
export type Mode = (typeof MODES)[number]

export interface SchemaRequest {
  schema: string
  schemaType: SchemaType
  references: StoredReference[]
  /** Only in IMPORT mode: keep the id and version the schema had in the registry it comes from. */
  id?: number
  version?: number
}

/** A subject version, as GET /subjects/{s}/versions/{v} returns it (schemaType omitted for AVRO). */
export interface SubjectVersion {
  subject: string
  version: number
  id: number
  guid: string
  schemaType: SchemaType
  schema: string
  references: StoredReference[]
  deleted: boolean
}

export interface SchemaById {
  id: number
  guid: string
  schemaType: SchemaType
  schema: string
  references: StoredReference[]
}

export interface CompatibilityCheck {
  is_compatible: boolean
  messages?: string[]
}

/** `latest` (or -1) means the newest version; anything else must be a version number. */
export type VersionSpec = number | 'latest'

const MAX_VERSION = 2 ** 31 - 1
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const SUBJECT_PATTERN = /^[^\u0000-\u001f\u007f]{1,255}$/

export function readVersion(text: string | number): VersionSpec {
  const value = String(text)
  if (value === 'latest' || value === '-1') return 'latest'
  if (!/^\d{1,10}$/.test(value)) throw invalidVersion(value)
  const version = Number(value)
  if (version < 1 || version > MAX_VERSION) throw invalidVersion(value)
  return version
}

export function readSubject(subject: string): string {
  if (!SUBJECT_PATTERN.test(subject)) throw invalidSubject(subject)
  return subject
}

export function readSchemaId(text: string | number): number {
  const value = String(text)
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > MAX_VERSION) {
    throw new RegistryError(
      404,
      ErrorCodes.SCHEMA_NOT_FOUND,
      `Schema ${value} not found: schema ids are positive whole numbers.`,
    )
  }
  return Number(value)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads a registration / lookup / compatibility body: `{ schema, schemaType?, references?, id?, version? }`. */
export function readSchemaRequest(body: unknown): SchemaRequest {
  if (!isRecord(body)) {
    throw unprocessable(
      'The request body must be a JSON object like {"schema": "...", "schemaType": "AVRO"}.',
    )
  }
  const schema = body.schema
  if (typeof schema !== 'string' || schema.trim() === '') {
    throw new RegistryError(
      422,
      ErrorCodes.INVALID_SCHEMA,
      'Invalid schema: the "schema" field is missing or empty. Send the schema text as a JSON string, e.g. {"schema": "{\\"type\\": \\"string\\"}"}.',
    )
  }
  const request: SchemaRequest = {
    schema,
    schemaType: readSchemaType(body.schemaType),
    references: readReferences(body.references),
  }
  if (body.id !== undefined && body.id !== null && body.id !== -1 && body.id !== 0) {
    if (typeof body.id !== 'number' || !Number.isInteger(body.id) || body.id < 1) {
      throw unprocessable('"id" must be a positive whole number (and is only accepted in IMPORT mode).')
    }
    request.id = body.id
  }
  if (body.version !== undefined && body.version !== null && body.version !== -1 && body.version !== 0) {
    if (typeof body.version !== 'number' || !Number.isInteger(body.version) || body.version < 1) {
      throw unprocessable('"version" must be a positive whole number (and is only accepted in IMPORT mode).')
    }
    request.version = body.version
  }
  return request
}

function readReferences(value: unknown): StoredReference[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    throw unprocessable(
      '"references" must be a list like [{"name": "user.avsc", "subject": "user", "version": 1}].',
    )
  }
  const names = new Set<string>()
  return value.map((item, index) => {
    if (!isRecord(item))
      throw unprocessable(`references[${index}] must be an object with name, subject and version.`)
    const { name, subject, version } = item
    if (typeof name !== 'string' || name === '')
      throw unprocessable(`references[${index}].name must be a non-empty string.`)
    if (typeof subject !== 'string' || subject === '') {
      throw unprocessable(`references[${index}].subject must be a non-empty string.`)
    }
    if (typeof version !== 'number' || !Number.isInteger(version) || (version < 1 && version !== -1)) {
      throw unprocessable(`references[${index}].version must be a version number (or -1 for the latest).`)
    }
    if (names.has(name)) throw unprocessable(`references[${index}]: the name '${name}' is used twice.`)
    names.add(name)
    return { name, subject, version }
  })
}

/** The body of GET /subjects/{s}/versions/{v} and the lookup answer: Confluent omits AVRO and empty references. */
export function subjectVersionBody(version: SubjectVersion): Record<string, unknown> {
  const body: Record<string, unknown> = {
    subject: version.subject,
    version: version.version,
    id: version.id,
  }
  if (version.schemaType !== 'AVRO') body.schemaType = version.schemaType
  if (version.references.length > 0) body.references = version.references
  body.schema = version.schema
  return body
}

export function schemaByIdBody(schema: SchemaById): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (schema.schemaType !== 'AVRO') body.schemaType = schema.schemaType
  if (schema.references.length > 0) body.references = schema.references
  body.schema = schema.schema
  return body
}

/** The row for `spec` among a subject's versions; Confluent's 40401/40402 when there is none. */
export function pickVersion(
  subject: string,
  rows: readonly SubjectVersionRow[],
  spec: VersionSpec,
  includeDeleted: boolean,
): SubjectVersionRow {
  const visible = rows.filter((row) => includeDeleted || !row.deleted)
  if (visible.length === 0) throw subjectNotFound(subject)
  const row = spec === 'latest' ? visible.at(-1) : visible.find((candidate) => candidate.version === spec)
  if (row === undefined) throw versionNotFound(subject, spec)
  return row
}
