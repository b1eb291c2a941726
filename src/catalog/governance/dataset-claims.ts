/**
 * What a dataset definition takes hold of beyond its own name, and the rights each of those needs. Creating or
 * changing a dataset is checked as `dataset.update` on the dataset; this adds the checks for what the
 * definition reaches into, so an editor of `ns1` cannot use a definition of `ns1.x` to take what belongs to
 * `ns2` (or to nobody yet):
 *
 * - a cluster the dataset has no location on yet: `cluster.use` on it (a `cluster:<name>` grant). Clusters it
 *   is already on stay usable, so catalogs written before cluster grants existed keep working.
 * - a physical location (topic, table, path, key pattern) other datasets use and it does not:
 *   `location.share`, owner of each.
 * - a registry subject the dataset would govern and does not govern yet, named as key/value subject or
 *   reached by Confluent's TopicNameStrategy through one of its Kafka topics (`<topic>-value`):
 *   - governed now by other datasets: `subject.bind`, owner of every one of them;
 *   - registered, but governed by no dataset (an admin's subject): admin;
 *   - not registered yet: free when it is the dataset's own, i.e. its name starts with the dataset's
 *     namespace (`ns1.…`) or it is `<topic>-key|value` of one of the dataset's own topics; admin otherwise,
 *     so nobody can reserve the subject of another namespace's future dataset or topic.
 */
import { locationIdentity } from '../locations/location-identity.ts'
import { readLocationSpec } from '../locations/location-specs.ts'
import type { ClusterSystem, DatasetDefinition } from '../locations/model.ts'
import { namespaceOf } from '../locations/names.ts'
import type { Action } from './permissions.ts'
import type { Resource } from './resources.ts'
import { bindSubject, type SubjectIndex, subjectResource } from './subject-binding.ts'

export interface ClaimIndex {
  subjects: SubjectIndex
  /** Location identity (location-identity.ts) → datasets with a location there. */
  locations: ReadonlyMap<string, readonly string[]>
  /** Dataset → clusters it has locations on. */
  clustersOf: ReadonlyMap<string, readonly string[]>
  clusterSystems: ReadonlyMap<string, ClusterSystem>
  /** Every registered subject, soft-deleted ones included (their versions can come back). */
  registeredSubjects: ReadonlySet<string>
}

export interface ClaimCheck {
  action: Action
  resource: Resource
}

const TOPIC_SUBJECT = /^(.+)-(key|value)$/

export function datasetClaims(definition: DatasetDefinition, index: ClaimIndex): ClaimCheck[] {
  const name = definition.name
  const checks: ClaimCheck[] = []
  const seen = new Set<string>()
  const add = (check: ClaimCheck) => {
    const key = `${check.action} ${JSON.stringify(check.resource)}`
    if (seen.has(key)) return
    seen.add(key)
    checks.push(check)
  }
  const currentClusters = new Set(index.clustersOf.get(name) ?? [])
  const topics = new Set<string>()
  for (const list of Object.values(definition.locations)) {
    for (const location of list) {
      const system = index.clusterSystems.get(location.cluster)
      // An unknown cluster or an invalid spec: the write itself fails with the precise error.
      if (system === undefined) continue
      if (!currentClusters.has(location.cluster)) {
        add({ action: 'cluster.use', resource: { kind: 'cluster', name: location.cluster } })
      }
      let spec: Record<string, unknown>
      try {
        spec = readLocationSpec(system, location.spec, 'location')
      } catch {
        continue
      }
      if (system === 'kafka' && typeof spec.topic === 'string') topics.add(spec.topic)
      // A location the dataset already has stays its own, even where an admin let others share it.
      const there = index.locations.get(locationIdentity(location.cluster, system, spec)) ?? []
      if (there.includes(name)) continue
      for (const other of there) add({ action: 'location.share', resource: { kind: 'dataset', name: other } })
    }
  }
  const named = [definition.key?.subject, definition.value.subject].filter((s) => s !== undefined)
  for (const subject of named) {
    const check = subjectClaim(subject, true, definition, topics, index)
    if (check !== undefined) add(check)
  }
  for (const topic of topics) {
    for (const subject of [`${topic}-key`, `${topic}-value`]) {
      const check = subjectClaim(subject, false, definition, topics, index)
      if (check !== undefined) add(check)
    }
  }
  return checks
}

function subjectClaim(
  subject: string,
  explicit: boolean,
  definition: DatasetDefinition,
  topics: ReadonlySet<string>,
  index: ClaimIndex,
): ClaimCheck | undefined {
  const name = definition.name
  const binding = bindSubject(subject, index.subjects)
  // A topic only reaches a subject no dataset names: explicit bindings win (subject-binding.ts).
  if (!explicit && binding.via === 'explicit') return undefined
  const datasets: readonly string[] = binding.datasets
  const others = datasets.filter((dataset) => dataset !== name)
  const governs = datasets.includes(name)
  if (others.length > 0) {
    // Naming a subject explicitly shadows its topic binding: the datasets on that topic would lose it.
    if (governs && (binding.via === 'explicit' || !explicit)) return undefined
    return { action: 'subject.bind', resource: { kind: 'subject', name: subject, datasets: others } }
  }
  if (governs) return undefined
  const unbound = subjectResource({ subject, via: 'none', datasets: [] })
  if (index.registeredSubjects.has(subject)) return { action: 'subject.bind', resource: unbound }
  if (!explicit) return undefined
  const topic = TOPIC_SUBJECT.exec(subject)?.[1]
  const own = subject.startsWith(`${namespaceOf(name)}.`) || (topic !== undefined && topics.has(topic))
  return own ? undefined : { action: 'subject.bind', resource: unbound }
}
