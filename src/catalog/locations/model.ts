/**
 * The Location Manager's vocabulary: clusters (where data lives), datasets (logical names with formats and
 * schema subjects) and their physical locations per environment. These are the shapes of the API and of
 * catalog files alike, so a `get` can be edited and applied back.
 */
import type { PropertyValue } from '../db/tables.ts'

export type { PropertyValue }

export const CLUSTER_SYSTEMS = ['kafka', 'redis', 'hdfs', 'hive', 'hbase', 'mysql', 'postgres'] as const
export type ClusterSystem = (typeof CLUSTER_SYSTEMS)[number]

export const DATASET_KINDS = ['stream', 'table', 'kv'] as const
export type DatasetKind = (typeof DATASET_KINDS)[number]

export const DATA_FORMATS = ['avro', 'protobuf', 'json', 'raw'] as const
export type DataFormat = (typeof DATA_FORMATS)[number]

export interface ClusterDefinition {
  name: string
  system: ClusterSystem
  description: string
  /** Connection properties; secrets appear only as references (`env:NAME`, `file:/path`). */
  properties: Record<string, PropertyValue>
}

export interface Cluster extends ClusterDefinition {
  createdAt: string
  updatedAt: string
}

/** How a key or value is encoded, and the schema registry subject that holds its schema. */
export interface FormatBinding {
  format: DataFormat
  /** Absent for `raw`; defaults to `<dataset>-key` / `<dataset>-value` for the schema-bearing formats. */
  subject?: string
  /** Protobuf only: the fully-qualified message the records are; the schema's first message by default. */
  message?: string
}

export interface EventTime {
  column: string
  /** How late rows may arrive, e.g. `5s`. */
  watermarkDelay: string
  watermarkDelayMs: number
}

/** A location as written by users: the cluster's name and the system-specific fields (topic, path, ...). */
export interface LocationDefinition {
  cluster: string
  spec: Record<string, unknown>
}

export interface DatasetDefinition {
  name: string
  description: string
  owner: string
  tags: string[]
  kind: DatasetKind
  key?: FormatBinding
  value: FormatBinding
  primaryKey: string[]
  eventTime?: EventTime
  /** Environment name (prod, staging, ...) → locations there, in order of preference. */
  locations: Record<string, LocationDefinition[]>
}

/** A location as the API returns it: flat, with the cluster's system spelled out. */
export type LocationView = { cluster: string; system: ClusterSystem } & Record<string, unknown>

/** Which of an environment's locations a resolve answers with (all when empty). */
export interface LocationFilter {
  system?: ClusterSystem
  cluster?: string
}

export function matchesLocationFilter(
  location: { system: ClusterSystem; cluster: string },
  filter: LocationFilter,
): boolean {
  return (
    (filter.system === undefined || location.system === filter.system) &&
    (filter.cluster === undefined || location.cluster === filter.cluster)
  )
}

export interface Dataset {
  name: string
  namespace: string
  description: string
  owner: string
  tags: string[]
  kind: DatasetKind
  key: FormatBinding | null
  value: FormatBinding
  primaryKey: string[]
  eventTime: EventTime | null
  locations: Record<string, LocationView[]>
  createdAt: string
  updatedAt: string
}

/** What the registry knows about a subject's newest live version, as resolve reports it. */
export interface SubjectSchemaInfo {
  subject: string
  id: number
  version: number
  schemaType: string
}

export type ResolvedBinding = FormatBinding & { schema: SubjectSchemaInfo | null }

export interface ResolvedCluster {
  name: string
  system: ClusterSystem
  /** Secret references stay references unless the caller was allowed to resolve them. */
  properties: Record<string, PropertyValue>
}

export type ResolvedLocation = { system: ClusterSystem; cluster: ResolvedCluster } & Record<string, unknown>

export interface ResolvedDataset {
  dataset: string
  environment: string
  kind: DatasetKind
  key: ResolvedBinding | null
  value: ResolvedBinding
  primaryKey: string[]
  eventTime: EventTime | null
  locations: ResolvedLocation[]
  secretsResolved: boolean
}

export interface DatasetFilter {
  /** Substring of the name or description, case-insensitive. */
  query?: string
  tag?: string
  /** A field of the key or value schema (newest version), or the primary key / event-time column. */
  field?: string
  namespace?: string
  kind?: DatasetKind
}

export interface DatasetSummary {
  name: string
  kind: DatasetKind
  description: string
  owner: string
  tags: string[]
  environments: string[]
}
