/**
 * Who acts on the catalog: users (people) and service accounts (jobs, SDK clients, Flink), each possibly in
 * groups. Names appear in grants, tokens and every audit record, so they are restricted to characters that
 * read unambiguously there and in URLs.
 */
import { invalidField } from '../locations/errors.ts'

export const PRINCIPAL_KINDS = ['user', 'service'] as const
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number]

/** An authenticated caller as authorization sees it: a name and the groups it belongs to. */
export interface Principal {
  name: string
  kind: PrincipalKind
  groups: readonly string[]
}

// User names may be e-mail addresses; no '/', ':' or whitespace, so a name never forges a path or a resource.
const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/
const GROUP_NAME = /^[a-z][a-z0-9_-]*$/
const MAX_NAME_LENGTH = 128

export function validatePrincipalName(name: string, field = 'name'): string {
  if (name.length > MAX_NAME_LENGTH || !PRINCIPAL_NAME.test(name)) {
    throw invalidField(
      field,
      `'${name}' is not a valid principal name; use letters, digits, '.', '_', '@' and '-', starting with a ` +
        `letter or digit (at most ${MAX_NAME_LENGTH} characters), e.g. alice@example.com or flink-prod`,
    )
  }
  return name
}

export function validateGroupName(name: string, field = 'name'): string {
  if (name.length > MAX_NAME_LENGTH || !GROUP_NAME.test(name)) {
    throw invalidField(
      field,
      `'${name}' is not a valid group name; use lower-case letters, digits, '-' and '_', starting with a ` +
        `letter (at most ${MAX_NAME_LENGTH} characters), e.g. analysts`,
    )
  }
  return name
}
