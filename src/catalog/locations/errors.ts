/**
 * Errors of the UDM catalog API. Each carries the HTTP status the server answers with, a stable machine code,
 * a message that says what to do next, and (for bad input) the field at fault, e.g. `locations.prod[0].topic`.
 */
export type CatalogErrorCode =
  | 'invalid_field'
  | 'invalid_document'
  | 'not_found'
  | 'unknown_cluster'
  | 'already_exists'
  | 'in_use'
  | 'no_location'
  | 'secrets_forbidden'
  | 'secret_unavailable'
  /** A `file:` secret outside the directory the server may read secrets from. */
  | 'secret_file_refused'
  /** A schema in a catalog document was refused by the registry (invalid, incompatible, ...). */
  | 'schema_rejected'
  /** The CLI could not reach the server it was pointed at. */
  | 'unreachable'
  /** A Kafka topic a dataset's location names does not exist on its cluster (weir topic create makes it). */
  | 'no_topic'
  /** A Kafka cluster of the catalog did not answer a topic administration request. */
  | 'cluster_failed'

export class CatalogError extends Error {
  override readonly name = 'CatalogError'
  constructor(
    readonly status: number,
    readonly code: CatalogErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }

  /** The same error with its field placed under `prefix` (a dataset inside a catalog document, say). */
  under(prefix: string): CatalogError {
    const field = this.field === undefined ? prefix : joinField(prefix, this.field)
    return new CatalogError(this.status, this.code, this.message, field)
  }
}

export function invalidField(field: string, message: string): CatalogError {
  return new CatalogError(400, 'invalid_field', `${field}: ${message}`, field)
}

export function notFound(what: string, name: string, hint: string): CatalogError {
  return new CatalogError(404, 'not_found', `${what} '${name}' does not exist; ${hint}`)
}

/** `a` + `b` → `a.b`; `a` + `[0]` → `a[0]`. */
export function joinField(prefix: string, field: string): string {
  if (prefix === '') return field
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`
}
