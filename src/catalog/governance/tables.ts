/**
 * The governance tables of migration `0003_governance` as Kysely sees them. The storage step adds
 * `GovernanceTables` to `CatalogTables` (db/tables.ts) with `extends`.
 */
import type { ColumnType, Generated } from 'kysely'
import type { CreatedAt, JsonColumn, UpdatedAt } from '../db/tables.ts'
import type { JsonObject } from './canonical-json.ts'

/** Set once on insert, never changed. */
type Immutable<T> = ColumnType<T, T, never>
/** `bigint` comes back as a string from `pg` and as a number from PGlite; convert with Number(). */
type BigintColumn = ColumnType<string | number, number, never>

export interface PrincipalTable {
  id: Generated<number>
  name: string
  kind: string
  description: string
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface GroupTable {
  id: Generated<number>
  name: string
  description: string
  created_at: CreatedAt
}

export interface GroupMemberTable {
  group_id: number
  principal_id: number
}

export interface TokenTable {
  /** The public id inside `weir_<id>_<secret>`. */
  id: string
  principal_id: number
  /** SHA-256 hex of the whole token. */
  hash: string
  description: string
  created_by: string
  created_at: CreatedAt
  expires_at: Date | null
  revoked_at: ColumnType<Date | null, never, Date>
}

export interface GrantTable {
  id: Generated<number>
  /** Exactly one of principal_id and group_id is set. */
  principal_id: number | null
  group_id: number | null
  role: string
  /** `*`, `namespace.*` or a dataset name (see grants.ts). */
  scope: string
  created_by: string
  created_at: CreatedAt
}

/** Insert-only: the database refuses UPDATE and DELETE, and the types offer neither. */
export interface AuditTable {
  sequence: BigintColumn
  occurred_at: ColumnType<Date, string, never>
  principal: Immutable<string | null>
  client_address: Immutable<string | null>
  action: Immutable<string>
  resource: Immutable<string>
  result: Immutable<string>
  reason: Immutable<string>
  request_id: Immutable<string>
  change: ColumnType<JsonObject | null, string | null, never>
  prev_hash: Immutable<string>
  hash: Immutable<string>
}

export interface LineageJobTable {
  id: Generated<number>
  namespace: string
  name: string
  facets: JsonColumn<Record<string, unknown>>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface LineageRunTable {
  /** The OpenLineage runId. */
  id: string
  job_id: number
  state: string
  started_at: Date | null
  ended_at: Date | null
  last_event_at: Date
  facets: JsonColumn<Record<string, unknown>>
}

export interface LineageDatasetTable {
  id: Generated<number>
  /** The graph id without `dataset:`: a Weir dataset name or an external `namespace/name`. */
  node: string
  namespace: string
  name: string
  facets: JsonColumn<Record<string, unknown>>
  updated_at: UpdatedAt
}

export interface LineageRunIoTable {
  run_id: string
  dataset_id: number
  direction: 'input' | 'output'
}

export interface LineageColumnEdgeTable {
  run_id: string
  input_dataset_id: number
  input_field: string
  output_dataset_id: number
  output_field: string
}

export interface GovernanceTables {
  gov_principals: PrincipalTable
  gov_groups: GroupTable
  gov_group_members: GroupMemberTable
  gov_tokens: TokenTable
  gov_grants: GrantTable
  gov_audit: AuditTable
  lineage_jobs: LineageJobTable
  lineage_runs: LineageRunTable
  lineage_datasets: LineageDatasetTable
  lineage_run_io: LineageRunIoTable
  lineage_column_edges: LineageColumnEdgeTable
}
