import type { ParsedAvroSchema } from './avro.ts'
import type { ParsedJsonSchema } from './json-schema.ts'
import type { ParsedProtobufSchema } from './protobuf.ts'

/** The `schemaType` values of the Confluent Schema Registry API. */
export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON'

/** A Confluent schema reference: `name` is how the referring schema names it (an Avro type name, a proto import path, a JSON Schema `$ref`). */
export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

/** What every provider's parse result has in common. */
export interface ParsedSchemaBase<T extends SchemaType> {
  readonly type: T
  /** The normalized text used for schema identity when a client asks for `normalize=true`. */
  readonly canonical: string
}

export type ParsedSchema = ParsedAvroSchema | ParsedProtobufSchema | ParsedJsonSchema

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number]

/** Where in a schema text a problem sits. `line` and `column` are 1-based. */
export interface SchemaTextPosition {
  readonly line: number
  readonly column?: number
}

export interface InvalidSchemaLocation {
  /** Set when the problem is inside a referenced schema rather than the schema itself. */
  readonly reference?: string
  readonly position?: SchemaTextPosition
  /** A JSON pointer (Avro, JSON Schema) or a dotted element name (Protobuf). */
  readonly path?: string
}

/** The Confluent Schema Registry error code for "Invalid schema" (HTTP 422). */
export const INVALID_SCHEMA_ERROR_CODE = 42201

/** A schema text that cannot be registered; the message says what is wrong, where, and what to do about it. */
export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError'
  readonly errorCode = INVALID_SCHEMA_ERROR_CODE
  readonly schemaType: SchemaType
  readonly problem: string
  readonly location: InvalidSchemaLocation
  readonly remedy: string

  constructor(schemaType: SchemaType, problem: string, location: InvalidSchemaLocation, remedy: string) {
    super(`Invalid ${schemaType} schema${describeLocation(location)}: ${problem}. ${remedy}`)
    this.schemaType = schemaType
    this.problem = problem
    this.location = location
    this.remedy = remedy
  }

  /** The same error, attributed to the referenced schema it was found in. */
  inReference(referenceName: string): InvalidSchemaError {
    return new InvalidSchemaError(
      this.schemaType,
      this.problem,
      { ...this.location, reference: referenceName },
      this.remedy,
    )
  }
}

function describeLocation(location: InvalidSchemaLocation): string {
  const parts: string[] = []
  if (location.reference !== undefined) parts.push(`in referenced schema '${location.reference}'`)
  if (location.position !== undefined) {
    const { line, column } = location.position
    parts.push(column === undefined ? `at line ${line}` : `at line ${line}, column ${column}`)
  }
  if (location.path !== undefined) {
    parts.push(location.position === undefined ? `at ${location.path}` : `(${location.path})`)
  }
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`
}
