/**
 * Why a record could not be decoded or encoded. Machine-readable: the value travels with a dead-lettered
 * record as a header, so treat the names as a public contract.
 */
export type FormatErrorReason =
  | 'BAD_MAGIC_BYTE'
  | 'TRUNCATED'
  | 'MALFORMED_VARINT'
  | 'MALFORMED_MESSAGE_INDEXES'
  | 'UNKNOWN_SCHEMA_ID'
  | 'UNKNOWN_MESSAGE_TYPE'
  | 'INVALID_SCHEMA'
  | 'INCOMPATIBLE_SCHEMA'
  | 'SCHEMA_MISMATCH'
  | 'INVALID_JSON'
  | 'NESTING_TOO_DEEP'
  | 'SCHEMA_VALIDATION'
  | 'REGISTRY_UNAVAILABLE'

/** Where the problem was found; every field is optional because each layer knows only part of it. */
export interface FormatErrorContext {
  readonly schemaId?: number
  /** Byte offset into the record (framing included) at which decoding gave up. */
  readonly offset?: number
  readonly messageIndexes?: readonly number[]
  /** Field path inside the value, e.g. `order.items[2].price`. */
  readonly path?: string
}

/** What to do about each reason; appended to the specific description so every message is actionable. */
const REMEDY: Record<FormatErrorReason, string> = {
  BAD_MAGIC_BYTE:
    'The record is not in the Confluent wire format: check that the producer uses a schema-registry serializer, or declare the dataset format as plain JSON/raw.',
  TRUNCATED: 'The record ends early: check the producer for partial writes or a wrong format setting.',
  MALFORMED_VARINT:
    'A variable-length integer is overlong or exceeds 32 bits: the record is corrupt or in another format.',
  MALFORMED_MESSAGE_INDEXES:
    'The Protobuf message-index array is invalid: the record was probably framed without message indexes (not a Protobuf serializer).',
  UNKNOWN_SCHEMA_ID:
    'The schema registry has no schema with this id: check that consumer and producer use the same registry, or whether the schema was deleted.',
  UNKNOWN_MESSAGE_TYPE:
    'The schema has no message at these indexes / with this name: check the producer schema and the configured message name.',
  INVALID_SCHEMA:
    'The registered schema cannot be compiled: fix the schema or its references in the registry.',
  INCOMPATIBLE_SCHEMA:
    "The writer's schema cannot be read with the dataset's schema: register a compatible version or change the dataset's schema.",
  SCHEMA_MISMATCH:
    'The data does not match the schema: check that the producer writes with the schema it registered.',
  INVALID_JSON: 'The payload is not valid UTF-8 JSON: check the producer serializer.',
  NESTING_TOO_DEEP:
    'Values nested this deep overflow the stack of whatever handles them (printing, recursive code): check the producer, or flatten the data.',
  SCHEMA_VALIDATION: 'The JSON value violates its JSON Schema: fix the producer or relax the schema.',
  REGISTRY_UNAVAILABLE:
    'The schema registry could not be reached: this is transient, retry the record later.',
}

/** Base of the typed format errors: a stable `reason`, an actionable message and where it happened. */
export class FormatError extends Error {
  readonly reason: FormatErrorReason
  /** What went wrong, without the remedy. */
  readonly description: string
  readonly context: FormatErrorContext

  constructor(
    reason: FormatErrorReason,
    description: string,
    context: FormatErrorContext = {},
    cause?: unknown,
  ) {
    super(`${description} ${REMEDY[reason]}`, cause === undefined ? undefined : { cause })
    this.reason = reason
    this.description = description
    this.context = context
  }

  /** The same error with more context, added by outer layers that know e.g. the schema id. */
  withContext(extra: FormatErrorContext): this {
    const Class = this.constructor as new (...args: ConstructorParameters<typeof FormatError>) => this
    return new Class(this.reason, this.description, { ...this.context, ...extra }, this.cause)
  }
}

/** A record's bytes could not be turned into a value (or its schema could not be obtained). */
export class DecodeError extends FormatError {
  override readonly name = 'DecodeError'
}

/** A value could not be turned into bytes under its schema. */
export class EncodeError extends FormatError {
  override readonly name = 'EncodeError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A short rendering of an offending value for error messages; never throws. */
export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  let shown: string
  try {
    shown = JSON.stringify(value) ?? String(value)
  } catch {
    shown = Object.prototype.toString.call(value)
  }
  return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown
}

/** Renders a field path as `order.lines[2].price`; digit-only segments are array positions. */
export function fieldPath(segments: readonly (string | number)[]): string {
  let path = ''
  for (const segment of segments) {
    const text = String(segment)
    if (/^\d+$/.test(text)) path += `[${text}]`
    else path += path === '' ? text : `.${text}`
  }
  return path
}
