/**
 * Which datasets each registry subject belongs to, and which subjects use each schema id, for authorizing
 * registry routes. Built from the datasets' named subjects and their Kafka topics, cached, and rebuilt after
 * this server changes a dataset or a subject (or after a short time, so changes made by another server are
 * picked up too). Without it every schema read would cost database round trips before its answer.
 */
import { sql } from 'kysely'
import type { Catalog } from '../../catalog/catalog.ts'
import type { ClaimIndex } from '../../catalog/governance/dataset-claims.ts'
import {
  buildSubjectIndex,
  type DatasetSubjects,
  type SubjectIndex,
} from '../../catalog/governance/subject-binding.ts'
import { locationIdentity } from '../../catalog/locations/location-identity.ts'
import type { ClusterSystem } from '../../catalog/locations/model.ts'

const MAX_AGE_MS = 5_000

export class SubjectIndexCache {
  private index: Promise<SubjectIndex> | undefined
  private builtAt = 0
  private readonly subjectsById = new Map<number, Promise<string[]>>()

  constructor(private readonly catalog: Catalog) {}

  get(): Promise<SubjectIndex> {
    if (this.index === undefined || Date.now() - this.builtAt > MAX_AGE_MS) {
      this.builtAt = Date.now()
      this.subjectsById.clear()
      this.index = this.build().catch((error: unknown) => {
        this.index = undefined
        throw error
      })
    }
    return this.index
  }

  /** The subjects using a schema id; the index must be fresh first (get() clears these when it rebuilds). */
  subjectsOf(id: number): Promise<string[]> {
    let subjects = this.subjectsById.get(id)
    if (subjects === undefined) {
      subjects = this.catalog.registry.subjectsForId(id).catch((error: unknown) => {
        this.subjectsById.delete(id)
        throw error
      })
      this.subjectsById.set(id, subjects)
    }
    return subjects
  }

  invalidate(): void {
    this.index = undefined
    this.subjectsById.clear()
  }

  /**
   * Everything `datasetClaims` needs, read fresh from the database (not cached): it guards writes, which are
   * rare, and must not miss a dataset another server created a moment ago.
   */
  async claimIndex(): Promise<ClaimIndex> {
    const db = this.catalog.database.db
    const [subjects, clusters, locations, registered] = await Promise.all([
      this.build(),
      db.selectFrom('udm_clusters').select(['name', 'system']).execute(),
      db
        .selectFrom('udm_locations')
        .innerJoin('udm_clusters', 'udm_clusters.id', 'udm_locations.cluster_id')
        .innerJoin('udm_datasets', 'udm_datasets.id', 'udm_locations.dataset_id')
        .select([
          'udm_datasets.name as dataset',
          'udm_clusters.name as cluster',
          'udm_clusters.system',
          'spec',
        ])
        .execute(),
      this.catalog.registry.listSubjects({ deleted: true }),
    ])
    const byIdentity = new Map<string, string[]>()
    const clustersOf = new Map<string, string[]>()
    for (const row of locations) {
      const identity = locationIdentity(row.cluster, row.system as ClusterSystem, row.spec)
      addOnce(byIdentity, identity, row.dataset)
      addOnce(clustersOf, row.dataset, row.cluster)
    }
    return {
      subjects,
      locations: byIdentity,
      clustersOf,
      clusterSystems: new Map(clusters.map((row) => [row.name, row.system as ClusterSystem])),
      registeredSubjects: new Set(registered),
    }
  }

  private async build(): Promise<SubjectIndex> {
    const db = this.catalog.database.db
    const datasets = await db
      .selectFrom('udm_datasets')
      .select(['id', 'name', 'key_subject', 'value_subject'])
      .execute()
    const topics = await db
      .selectFrom('udm_locations')
      .innerJoin('udm_clusters', 'udm_clusters.id', 'udm_locations.cluster_id')
      .select(['udm_locations.dataset_id', sql<string | null>`udm_locations.spec->>'topic'`.as('topic')])
      .where('udm_clusters.system', '=', 'kafka')
      .execute()
    const entries = new Map<number, DatasetSubjects & { subjects: string[]; topics: string[] }>()
    for (const row of datasets) {
      const subjects = [row.key_subject, row.value_subject].filter((subject) => subject !== null)
      entries.set(row.id, { name: row.name, subjects, topics: [] })
    }
    for (const row of topics) {
      if (row.topic !== null) entries.get(row.dataset_id)?.topics.push(row.topic)
    }
    return buildSubjectIndex(entries.values())
  }
}

function addOnce(index: Map<string, string[]>, key: string, value: string): void {
  const values = index.get(key)
  if (values === undefined) index.set(key, [value])
  else if (!values.includes(value)) values.push(value)
}
