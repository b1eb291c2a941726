/**
 * Errors of the schema registry, with Confluent's HTTP statuses and error codes (clients branch on them, e.g.
 * a 40401 on GET /config/{subject} means "first registration"). The server maps any RegistryError to
 * Confluent's body `{ "error_code": ..., "message": ... }` in one place.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError'
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message)
  }
}

export const ErrorCodes = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  ID_DOES_NOT_MATCH: 42207,
  INVALID_SUBJECT: 42208,
  STORE_ERROR: 50001,
} as const

export function subjectNotFound(subject: string): RegistryError {
  return new RegistryError(
    404,
    ErrorCodes.SUBJECT_NOT_FOUND,
    `Subject '${subject}' not found. Register a schema under it first, or list subjects with GET /subjects.`,
  )
}

export function versionNotFound(subject: string, version: number | string): RegistryError {
  return new RegistryError(
    404,
    ErrorCodes.VERSION_NOT_FOUND,
    `Version ${version} not found for subject '${subject}'. List its versions with GET /subjects/${subject}/versions.`,
  )
}

export function schemaNotFound(detail: string): RegistryError {
  return new RegistryError(404, ErrorCodes.SCHEMA_NOT_FOUND, detail)
}

export function invalidSchema(message: string): RegistryError {
  return new RegistryError(422, ErrorCodes.INVALID_SCHEMA, message)
}

export function invalidVersion(version: string): RegistryError {
  return new RegistryError(
    422,
    ErrorCodes.INVALID_VERSION,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest".`,
  )
}

export function invalidCompatibilityLevel(level: unknown): RegistryError {
  return new RegistryError(
    422,
    ErrorCodes.INVALID_COMPATIBILITY_LEVEL,
    `Invalid compatibility level${typeof level === 'string' ? ` '${level}'` : ''}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive.`,
  )
}

export function invalidMode(mode: unknown): RegistryError {
  return new RegistryError(
    422,
    ErrorCodes.INVALID_MODE,
    `Invalid mode${typeof mode === 'string' ? ` '${mode}'` : ''}. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.`,
  )
}

export function operationNotPermitted(message: string): RegistryError {
  return new RegistryError(422, ErrorCodes.OPERATION_NOT_PERMITTED, message)
}

export function invalidSubject(subject: string): RegistryError {
  return new RegistryError(
    422,
    ErrorCodes.INVALID_SUBJECT,
    `The specified subject '${subject}' is not valid: use 1 to 255 characters without control characters.`,
  )
}

/** A request body the registry cannot use (not JSON, wrong field types); Confluent answers 422 with code 422. */
export function unprocessable(message: string): RegistryError {
  return new RegistryError(422, 422, message)
}
