/**
 * The authorization decision, one pure function for every route: deny unless a grant of the principal (or of
 * one of its groups) gives a high enough role on a scope covering the resource. The reason explains the decision
 * in the audit log; clients are only ever told "forbidden", so reasons may name grants and groups.
 */
import {
  formatGrantScope,
  type Grant,
  type GrantScope,
  type Role,
  roleRank,
  scopeCoversCluster,
  scopeCoversDataset,
  scopeCoversNamespace,
} from './grants.ts'
import type { Principal } from './principals.ts'
import { formatResource, GLOBAL, type Resource, type ResourceKind } from './resources.ts'

/** `authenticated`: any principal with a valid token; list routes then show only what it may read. */
export type Requirement = Role | 'authenticated'

export interface ActionRule {
  requires: Requirement
  /** The resource kinds the action is checked on; anything else is denied as a wiring mistake. */
  on: readonly ResourceKind[]
}

export const ACTIONS = {
  'dataset.list': { requires: 'authenticated', on: ['global'] },
  /** Metadata, location and schema of a dataset, and its data through the SDK. */
  'dataset.read': { requires: 'viewer', on: ['dataset'] },
  /** Writing data through the SDK. */
  'dataset.write': { requires: 'editor', on: ['dataset'] },
  /**
   * Connection secrets in a resolve (`includeSecrets=true`): they open the data to anyone holding them, outside
   * every grant, so only the dataset's owners get them (and only on a server started with --allow-secrets),
   * and only when they also hold `cluster.secrets` on each cluster of the answer.
   */
  'dataset.secrets': { requires: 'owner', on: ['dataset'] },
  /** Creating or changing a dataset's definition. */
  'dataset.update': { requires: 'editor', on: ['dataset'] },
  /**
   * Pointing a dataset at a physical location (topic, table, path, key pattern) another dataset already uses:
   * the new dataset's viewers could then read that data, so it takes what granting them would, owner of each
   * dataset there. Checked on each of those other datasets.
   */
  'location.share': { requires: 'owner', on: ['dataset'] },
  /**
   * Making a dataset govern a registry subject it does not govern yet (naming it as key/value subject, or
   * moving onto the topic of a topic-named subject). The binding decides who may register, reconfigure and
   * delete the subject's schemas, so taking it over takes owner of every dataset governing it now; a subject
   * that already exists without any dataset is admin-only (see dataset-claims.ts for the whole rule).
   */
  'subject.bind': { requires: 'owner', on: ['subject'] },
  /** Deleting a dataset breaks every job reading it, so it takes an owner. */
  'dataset.delete': { requires: 'owner', on: ['dataset'] },
  'schema.list': { requires: 'authenticated', on: ['global'] },
  'schema.read': { requires: 'viewer', on: ['subject'] },
  /** Registering schemas and setting a subject's compatibility. */
  'schema.write': { requires: 'editor', on: ['subject'] },
  /** Deleting versions breaks consumers that still read them, so it takes an owner. */
  'schema.delete': { requires: 'owner', on: ['subject'] },
  /** The grant list, filtered to the grants on scopes the caller may read. */
  'grant.list': { requires: 'authenticated', on: ['global'] },
  /**
   * Who holds which role on a scope: for its owners (as Confluent's ResourceOwner sees role bindings), since
   * grants name principals and groups. Everyone sees their own grants (and their groups') regardless.
   */
  'grant.read': { requires: 'owner', on: ['dataset', 'namespace', 'cluster', 'global'] },
  'grant.manage': { requires: 'owner', on: ['dataset', 'namespace', 'cluster', 'global'] },
  'cluster.read': { requires: 'authenticated', on: ['cluster', 'global'] },
  'cluster.manage': { requires: 'admin', on: ['cluster', 'global'] },
  /** Placing a dataset location on a cluster the dataset is not on yet (a grant on `cluster:<name>`). */
  'cluster.use': { requires: 'editor', on: ['cluster'] },
  /** The cluster's resolved connection secrets (with `dataset.secrets` on the dataset being resolved). */
  'cluster.secrets': { requires: 'owner', on: ['cluster'] },
  /** Principals, groups and tokens. */
  'principal.manage': { requires: 'admin', on: ['principal', 'global'] },
  /** The registry's global compatibility and mode. */
  'registry.manage': { requires: 'admin', on: ['global'] },
  /** The audit trail of one dataset or namespace (its access statistics too), or all of it on `global`. */
  'audit.read': { requires: 'owner', on: ['dataset', 'namespace', 'global'] },
  /** A lineage graph starting at a Weir dataset, or at a job or external dataset (`global`). */
  'lineage.read': { requires: 'viewer', on: ['dataset', 'global'] },
  /** OpenLineage events name arbitrary datasets, so reporting lineage needs editor on `*`. */
  'lineage.write': { requires: 'editor', on: ['global'] },
  /** Prometheus metrics, when the server is configured to protect them. */
  'metrics.read': { requires: 'authenticated', on: ['global'] },
  /** The OpenAPI document. */
  'docs.read': { requires: 'authenticated', on: ['global'] },
} as const satisfies Record<string, ActionRule>

export type Action = keyof typeof ACTIONS

export const ACTION_NAMES = Object.keys(ACTIONS) as Action[]

export function isAction(value: string): value is Action {
  return Object.hasOwn(ACTIONS, value)
}

export interface AuthorizationPolicy {
  /**
   * The role needed on `*` for any action on a subject that belongs to no dataset. Admin by default: such a
   * subject is outside every dataset's grants, so letting editors write it would let anyone squat the schema of
   * a topic before it is registered as a dataset, and letting viewers read it would expose ungoverned schemas.
   */
  unboundSubjectRole: Role
}

export const DEFAULT_POLICY: AuthorizationPolicy = { unboundSubjectRole: 'admin' }

export interface Decision {
  allowed: boolean
  reason: string
}

export function authorize(
  principal: Principal,
  grants: readonly Grant[],
  action: Action,
  resource: Resource,
  policy: AuthorizationPolicy = DEFAULT_POLICY,
): Decision {
  const rule: ActionRule = ACTIONS[action]
  const target = `${action} on ${formatResource(resource)}`
  if (!rule.on.includes(resource.kind)) {
    return deny(`${target}: ${action} does not apply to a ${resource.kind} (a wiring mistake in the route)`)
  }
  const held = grants.filter((grant) => heldBy(grant, principal))
  const admin = held.find((grant) => grant.role === 'admin')
  if (admin !== undefined) return allow(`${target}: ${principal.name} is admin${via(admin)}`)
  if (rule.requires === 'authenticated') return allow(`${target}: open to every authenticated principal`)
  if (rule.requires === 'admin') return deny(`${target} needs admin; ${principal.name} is not an admin`)
  const required = rule.requires
  if (resource.kind !== 'subject') return decide(principal, held, required, resource, target)
  if (resource.datasets.length === 0) {
    const unboundRequired = higher(required, policy.unboundSubjectRole)
    const prefix = `${target}: the subject belongs to no dataset, so it`
    if (unboundRequired === 'admin') return deny(`${prefix} needs admin; ${principal.name} is not an admin`)
    return decide(principal, held, unboundRequired, resource, prefix)
  }
  // A schema change under a shared subject reaches every dataset on that topic, so each must allow it.
  const perDataset = resource.datasets.map((dataset) =>
    decide(principal, held, required, { kind: 'dataset', name: dataset }, `${target} via dataset:${dataset}`),
  )
  const denied = perDataset.find((decision) => !decision.allowed)
  return denied ?? { allowed: true, reason: perDataset.map((decision) => decision.reason).join('; ') }
}

/**
 * Allowed when any of the resources allows it: a schema fetched by its global id may be read by anyone who may
 * read one of the subjects using it (as Confluent's RBAC does).
 */
export function authorizeAny(
  principal: Principal,
  grants: readonly Grant[],
  action: Action,
  resources: readonly Resource[],
  policy: AuthorizationPolicy = DEFAULT_POLICY,
): Decision {
  const decisions = resources.map((resource) => authorize(principal, grants, action, resource, policy))
  const allowed = decisions.find((decision) => decision.allowed)
  if (allowed !== undefined) return allowed
  if (decisions.length === 0) {
    return isAdmin(principal, grants)
      ? allow(`${action}: ${principal.name} is admin (no resource to check)`)
      : deny(`${action}: no resource to check, and only admins may act without one`)
  }
  return { allowed: false, reason: decisions.map((decision) => decision.reason).join('; ') }
}

/** Creating or revoking a grant: owner on its scope, and admin to hand out admin. */
export function authorizeGrantChange(principal: Principal, grants: readonly Grant[], grant: Grant): Decision {
  if (grant.role === 'admin') return authorize(principal, grants, 'principal.manage', GLOBAL)
  return authorize(principal, grants, 'grant.manage', scopeResource(grant.scope))
}

export function scopeResource(scope: GrantScope): Resource {
  switch (scope.kind) {
    case 'all':
      return GLOBAL
    case 'namespace':
      return { kind: 'namespace', name: scope.namespace }
    case 'dataset':
      return { kind: 'dataset', name: scope.dataset }
    case 'cluster':
      return { kind: 'cluster', name: scope.cluster }
  }
}

export function isAdmin(principal: Principal, grants: readonly Grant[]): boolean {
  return grants.some((grant) => grant.role === 'admin' && heldBy(grant, principal))
}

function decide(
  principal: Principal,
  held: readonly Grant[],
  required: Role,
  resource: Resource,
  target: string,
): Decision {
  let best: Grant | undefined
  for (const grant of held) {
    if (!scopeCovers(grant.scope, resource)) continue
    if (best === undefined || roleRank(grant.role) > roleRank(best.role)) best = grant
  }
  if (best === undefined) {
    return deny(`${target} needs ${required}; no grant of ${principal.name} or its groups covers it`)
  }
  const holds = `${principal.name} holds ${best.role} on ${formatGrantScope(best.scope)}${via(best)}`
  if (roleRank(best.role) >= roleRank(required)) return allow(`${target}: ${holds}`)
  return deny(`${target} needs ${required}; ${holds}`)
}

function scopeCovers(scope: GrantScope, resource: Resource): boolean {
  switch (resource.kind) {
    case 'dataset':
      return scopeCoversDataset(scope, resource.name)
    case 'namespace':
      return scopeCoversNamespace(scope, resource.name)
    case 'cluster':
      return scopeCoversCluster(scope, resource.name)
    default:
      return scope.kind === 'all'
  }
}

function heldBy(grant: Grant, principal: Principal): boolean {
  return grant.grantee.kind === 'principal'
    ? grant.grantee.name === principal.name
    : principal.groups.includes(grant.grantee.name)
}

function via(grant: Grant): string {
  return grant.grantee.kind === 'group' ? ` via group ${grant.grantee.name}` : ''
}

function higher(a: Role, b: Role): Role {
  return roleRank(a) >= roleRank(b) ? a : b
}

function allow(reason: string): Decision {
  return { allowed: true, reason: `allowed: ${reason}` }
}

function deny(reason: string): Decision {
  return { allowed: false, reason: `denied: ${reason}` }
}
