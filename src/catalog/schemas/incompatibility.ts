/**
 * How compatibility findings are worded. The registry compares a reader schema with a writer schema, but users
 * think in "new" and "old": the caller says which is which so the descriptions read the way Confluent's do.
 */
export interface SchemaRoles {
  readonly reader: string
  readonly writer: string
}

export const READER_WRITER_ROLES: SchemaRoles = { reader: 'reader', writer: 'writer' }

/** One reason a reader schema cannot read what a writer schema wrote. */
export interface Incompatibility {
  /** A Confluent-style rule name, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE`. */
  readonly type: string
  /** Where in the schema: a JSON pointer (Avro, JSON Schema) or `#/<message>/<field number>` (Protobuf). */
  readonly location: string
  /** The offending element, e.g. a field name or the missing symbols. */
  readonly message: string
  readonly description: string
}

/** One line per finding, in the JSON shape Confluent's verbose compatibility responses use. */
export function formatIncompatibility(incompatibility: Incompatibility): string {
  const { type, location, message, description } = incompatibility
  return JSON.stringify({ type, location, message, description })
}

/** Appends a segment to a JSON-pointer-like path whose root is written `/` (Avro) or `#/` (JSON Schema). */
export function childPath(parent: string, segment: string | number): string {
  const escaped = String(segment).replaceAll('~', '~0').replaceAll('/', '~1')
  return parent.endsWith('/') ? `${parent}${escaped}` : `${parent}/${escaped}`
}
