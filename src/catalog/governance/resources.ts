/**
 * What an action is taken on. Each resource has a stable text form (`dataset:traffic.pageview`), used in the
 * audit log and its filters.
 */
export type Resource =
  | { kind: 'global' }
  | { kind: 'namespace'; name: string }
  | { kind: 'dataset'; name: string }
  /** A schema-registry subject with the datasets it belongs to (see subject-binding.ts); none when unbound. */
  | { kind: 'subject'; name: string; datasets: readonly string[] }
  | { kind: 'cluster'; name: string }
  | { kind: 'principal'; name: string }

export type ResourceKind = Resource['kind']

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'global',
  'namespace',
  'dataset',
  'subject',
  'cluster',
  'principal',
]

export const GLOBAL: Resource = { kind: 'global' }

export function formatResource(resource: Resource): string {
  return resource.kind === 'global' ? 'global' : `${resource.kind}:${resource.name}`
}
