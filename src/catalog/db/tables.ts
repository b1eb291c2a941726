/**
 * The catalog's tables as Kysely sees them. Later migrations add tables (principals, grants, audit, lineage):
 * add their interfaces here and a key to `CatalogTables`; nothing else in this file needs to change.
 *
 * JSON columns are written as JSON text (the `pg` driver would turn JS arrays into PostgreSQL arrays, not JSON)
 * and come back parsed on both PGlite and PostgreSQL.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'
import type { GovernanceTables } from '../governance/tables.ts'

/** A JSON column: read as a parsed value, written as JSON text. */
export type JsonColumn<T> = ColumnType<T, string, string>
/** A timestamp the database fills in on insert. */
export type CreatedAt = ColumnType<Date, never, never>
export type UpdatedAt = ColumnType<Date, never, string>

export type PropertyValue = string | number | boolean

export interface ClusterTable {
  id: Generated<number>
  name: string
  system: string
  description: string
  properties: JsonColumn<Record<string, PropertyValue>>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface DatasetTable {
  id: Generated<number>
  name: string
  namespace: string
  description: string
  owner: string
  tags: JsonColumn<string[]>
  kind: string
  key_format: string | null
  key_subject: string | null
  value_format: string
  value_subject: string | null
  /** Protobuf only: the fully-qualified message a side's records are (by default the schema's first). */
  key_message: string | null
  value_message: string | null
  primary_key: JsonColumn<string[]>
  event_time_column: string | null
  watermark_delay_ms: number | null
  properties: JsonColumn<Record<string, PropertyValue>>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface LocationTable {
  id: Generated<number>
  dataset_id: number
  environment: string
  position: number
  cluster_id: number
  spec: JsonColumn<Record<string, unknown>>
}

export interface SchemaTable {
  /** The global schema id; from a sequence, or given by the client in IMPORT mode. */
  id: Generated<number>
  guid: string
  schema_type: string
  schema: string
  refs: JsonColumn<StoredReference[]>
  /** Identity of the stored text (type, text, references): registering the same again reuses the id. */
  fingerprint: string
  /** Identity of the normalized form, for `normalize=true` lookups. */
  canonical_fingerprint: string
  created_at: CreatedAt
}

export interface StoredReference {
  name: string
  subject: string
  version: number
}

export interface SchemaFieldTable {
  schema_id: number
  field: string
}

export interface SubjectVersionTable {
  subject: string
  version: number
  schema_id: number
  deleted: Generated<boolean>
  created_at: CreatedAt
}

export interface SchemaReferenceTable {
  schema_id: number
  name: string
  subject: string
  version: number
}

/** Compatibility, normalize and mode settings; `scope` is a subject name or '' for the global defaults. */
export interface RegistryConfigTable {
  scope: string
  compatibility: string | null
  normalize: boolean | null
  mode: string | null
  updated_at: UpdatedAt
}

export interface CatalogTables extends GovernanceTables {
  udm_clusters: ClusterTable
  udm_datasets: DatasetTable
  udm_locations: LocationTable
  sr_schemas: SchemaTable
  sr_schema_fields: SchemaFieldTable
  sr_versions: SubjectVersionTable
  sr_references: SchemaReferenceTable
  sr_config: RegistryConfigTable
}

export type ClusterRow = Selectable<ClusterTable>
export type DatasetRow = Selectable<DatasetTable>
export type LocationRow = Selectable<LocationTable>
export type SchemaRow = Selectable<SchemaTable>
export type SubjectVersionRow = Selectable<SubjectVersionTable>
export type NewSchemaRow = Insertable<SchemaTable>
