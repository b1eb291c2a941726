/**
 * Grants: a role given to a principal or a group on a scope. Roles nest (an owner can do what an editor can,
 * an editor what a viewer can); `admin` is global and stands above all of them.
 *
 * Scopes, as written in the API and stored:
 *   `*`                every dataset (and the catalog-wide resources that are not admin-only)
 *   `traffic.*`        every dataset of the namespace `traffic`, and the namespace itself
 *   `traffic.pageview` that one dataset
 *   `cluster:kafka-main` one cluster: `editor` places dataset locations on it, `owner` also receives its
 *                      connection secrets in a resolve and grants roles on it. Dataset grants never reach a
 *                      cluster, since a cluster's credentials open every dataset on it.
 */
import { invalidField } from '../locations/errors.ts'
import { validateClusterName, validateDatasetName } from '../locations/names.ts'
import { validateGroupName, validatePrincipalName } from './principals.ts'

export const ROLES = ['viewer', 'editor', 'owner', 'admin'] as const
export type Role = (typeof ROLES)[number]

export function roleRank(role: Role): number {
  return ROLES.indexOf(role)
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

export type GrantScope =
  | { kind: 'all' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'dataset'; dataset: string }
  | { kind: 'cluster'; cluster: string }

export type Grantee = { kind: 'principal'; name: string } | { kind: 'group'; name: string }

export interface Grant {
  grantee: Grantee
  role: Role
  scope: GrantScope
}

const NAMESPACE = /^[a-z][a-z0-9_]*$/

const CLUSTER_PREFIX = 'cluster:'

export function parseGrantScope(text: string, field = 'scope'): GrantScope {
  if (text === '*') return { kind: 'all' }
  if (text.startsWith(CLUSTER_PREFIX)) {
    return { kind: 'cluster', cluster: validateClusterName(text.slice(CLUSTER_PREFIX.length), field) }
  }
  if (text.endsWith('.*')) {
    const namespace = text.slice(0, -2)
    if (!NAMESPACE.test(namespace)) {
      throw invalidField(
        field,
        `'${text}' is not a valid namespace pattern; write the namespace followed by '.*', e.g. traffic.*`,
      )
    }
    return { kind: 'namespace', namespace }
  }
  return { kind: 'dataset', dataset: validateDatasetName(text, field) }
}

export function formatGrantScope(scope: GrantScope): string {
  switch (scope.kind) {
    case 'all':
      return '*'
    case 'namespace':
      return `${scope.namespace}.*`
    case 'dataset':
      return scope.dataset
    case 'cluster':
      return `${CLUSTER_PREFIX}${scope.cluster}`
  }
}

/** A grant as the API receives it, checked: admin exists only on `*`, since it is not tied to any data. */
export function parseGrant(input: { grantee: Grantee; role: string; scope: string }): Grant {
  if (!isRole(input.role)) {
    throw invalidField('role', `'${input.role}' is not a role; use one of ${ROLES.join(', ')}`)
  }
  const scope = parseGrantScope(input.scope)
  if (input.role === 'admin' && scope.kind !== 'all') {
    throw invalidField('scope', `admin is a global role; grant it on '*', not on '${input.scope}'`)
  }
  const grantee: Grantee =
    input.grantee.kind === 'principal'
      ? { kind: 'principal', name: validatePrincipalName(input.grantee.name, 'grantee') }
      : { kind: 'group', name: validateGroupName(input.grantee.name, 'grantee') }
  return { grantee, role: input.role, scope }
}

export function scopeCoversDataset(scope: GrantScope, dataset: string): boolean {
  switch (scope.kind) {
    case 'all':
      return true
    case 'namespace':
      return dataset.length > scope.namespace.length + 1 && dataset.startsWith(`${scope.namespace}.`)
    case 'dataset':
      return scope.dataset === dataset
    case 'cluster':
      return false
  }
}

export function scopeCoversNamespace(scope: GrantScope, namespace: string): boolean {
  return scope.kind === 'all' || (scope.kind === 'namespace' && scope.namespace === namespace)
}

export function scopeCoversCluster(scope: GrantScope, cluster: string): boolean {
  return scope.kind === 'all' || (scope.kind === 'cluster' && scope.cluster === cluster)
}
