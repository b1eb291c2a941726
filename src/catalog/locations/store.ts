/**
 * SQL for clusters, datasets and locations. Every function takes the Kysely handle to run on, so the service
 * can compose them inside one transaction.
 */
import { type Kysely, sql } from 'kysely'
import type { CatalogTables, ClusterRow, DatasetRow } from '../db/tables.ts'
import type { ClusterDefinition, ClusterSystem, DatasetDefinition, DatasetFilter } from './model.ts'
import { namespaceOf } from './names.ts'

export type Db = Kysely<CatalogTables>

export interface LocationRecord {
  environment: string
  position: number
  cluster: string
  system: ClusterSystem
  spec: Record<string, unknown>
}

export function findCluster(db: Db, name: string): Promise<ClusterRow | undefined> {
  return db.selectFrom('udm_clusters').selectAll().where('name', '=', name).executeTakeFirst()
}

export function listClusterRows(db: Db): Promise<ClusterRow[]> {
  return db.selectFrom('udm_clusters').selectAll().orderBy('name').execute()
}

export async function insertCluster(db: Db, cluster: ClusterDefinition): Promise<void> {
  await db
    .insertInto('udm_clusters')
    .values({
      name: cluster.name,
      system: cluster.system,
      description: cluster.description,
      properties: JSON.stringify(cluster.properties),
    })
    .execute()
}

export async function updateCluster(db: Db, cluster: ClusterDefinition): Promise<void> {
  await db
    .updateTable('udm_clusters')
    .set({
      system: cluster.system,
      description: cluster.description,
      properties: JSON.stringify(cluster.properties),
      updated_at: sql<string>`now()`,
    })
    .where('name', '=', cluster.name)
    .execute()
}

export async function deleteClusterRow(db: Db, name: string): Promise<void> {
  await db.deleteFrom('udm_clusters').where('name', '=', name).execute()
}

/** Names of the datasets with a location on the cluster. */
export async function datasetsUsingCluster(db: Db, clusterId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('udm_locations as l')
    .innerJoin('udm_datasets as d', 'd.id', 'l.dataset_id')
    .select('d.name')
    .distinct()
    .where('l.cluster_id', '=', clusterId)
    .orderBy('d.name')
    .execute()
  return rows.map((row) => row.name)
}

export function findDataset(db: Db, name: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('udm_datasets').selectAll().where('name', '=', name).executeTakeFirst()
}

export async function locationsOf(
  db: Db,
  datasetIds: readonly number[],
): Promise<Map<number, LocationRecord[]>> {
  const byDataset = new Map<number, LocationRecord[]>()
  if (datasetIds.length === 0) return byDataset
  const rows = await db
    .selectFrom('udm_locations as l')
    .innerJoin('udm_clusters as c', 'c.id', 'l.cluster_id')
    .select(['l.dataset_id', 'l.environment', 'l.position', 'l.spec', 'c.name as cluster', 'c.system'])
    .where('l.dataset_id', 'in', [...datasetIds])
    .orderBy('l.environment')
    .orderBy('l.position')
    .execute()
  for (const row of rows) {
    const list = byDataset.get(row.dataset_id) ?? []
    list.push({
      environment: row.environment,
      position: row.position,
      cluster: row.cluster,
      system: row.system as ClusterSystem,
      spec: row.spec,
    })
    byDataset.set(row.dataset_id, list)
  }
  return byDataset
}

function datasetColumns(dataset: DatasetDefinition) {
  return {
    namespace: namespaceOf(dataset.name),
    description: dataset.description,
    owner: dataset.owner,
    tags: JSON.stringify(dataset.tags),
    kind: dataset.kind,
    key_format: dataset.key?.format ?? null,
    key_subject: dataset.key?.subject ?? null,
    value_format: dataset.value.format,
    value_subject: dataset.value.subject ?? null,
    key_message: dataset.key?.message ?? null,
    value_message: dataset.value.message ?? null,
    primary_key: JSON.stringify(dataset.primaryKey),
    event_time_column: dataset.eventTime?.column ?? null,
    watermark_delay_ms: dataset.eventTime?.watermarkDelayMs ?? null,
    properties: '{}',
  }
}

/** Inserts or updates the dataset row; returns its id. */
export async function saveDatasetRow(
  db: Db,
  dataset: DatasetDefinition,
  existingId: number | undefined,
): Promise<number> {
  if (existingId === undefined) {
    const row = await db
      .insertInto('udm_datasets')
      .values({ name: dataset.name, ...datasetColumns(dataset) })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
  await db
    .updateTable('udm_datasets')
    .set({ ...datasetColumns(dataset), updated_at: sql<string>`now()` })
    .where('id', '=', existingId)
    .execute()
  return existingId
}

export async function replaceLocations(
  db: Db,
  datasetId: number,
  locations: ReadonlyArray<{
    environment: string
    position: number
    clusterId: number
    spec: Record<string, unknown>
  }>,
): Promise<void> {
  await db.deleteFrom('udm_locations').where('dataset_id', '=', datasetId).execute()
  if (locations.length === 0) return
  await db
    .insertInto('udm_locations')
    .values(
      locations.map((location) => ({
        dataset_id: datasetId,
        environment: location.environment,
        position: location.position,
        cluster_id: location.clusterId,
        spec: JSON.stringify(location.spec),
      })),
    )
    .execute()
}

export async function deleteDatasetRow(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('udm_datasets').where('name', '=', name).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** `%` and `_` in user text are literal characters, not LIKE wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}

export function searchDatasetRows(db: Db, filter: DatasetFilter): Promise<DatasetRow[]> {
  let query = db.selectFrom('udm_datasets as d').selectAll('d')
  if (filter.query !== undefined && filter.query !== '') {
    const pattern = likePattern(filter.query)
    query = query.where((eb) =>
      eb.or([eb('d.name', 'ilike', pattern), eb('d.description', 'ilike', pattern)]),
    )
  }
  if (filter.tag !== undefined && filter.tag !== '') {
    query = query.where(sql<boolean>`d.tags @> ${JSON.stringify([filter.tag])}::jsonb`)
  }
  if (filter.namespace !== undefined) query = query.where('d.namespace', '=', filter.namespace)
  if (filter.kind !== undefined) query = query.where('d.kind', '=', filter.kind)
  if (filter.field !== undefined && filter.field !== '') {
    const field = filter.field.toLowerCase()
    // Fields come from the newest live version of the key and value subjects (recorded at registration),
    // plus the dataset's own primary key and event-time column.
    query = query.where(
      sql<boolean>`(
        lower(d.event_time_column) = ${field}
        OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.primary_key) AS pk(name) WHERE lower(pk.name) = ${field})
        OR EXISTS (
          SELECT 1 FROM sr_versions v
          JOIN sr_schema_fields f ON f.schema_id = v.schema_id
          WHERE v.subject IN (d.key_subject, d.value_subject)
            AND NOT v.deleted
            AND v.version = (SELECT max(v2.version) FROM sr_versions v2 WHERE v2.subject = v.subject AND NOT v2.deleted)
            AND (lower(f.field) = ${field} OR lower(f.field) LIKE ${`%.${field.replace(/[\\%_]/g, (c) => `\\${c}`)}`})
        )
      )`,
    )
  }
  return query.orderBy('d.name').execute()
}
