/**
 * The Location Manager: clusters, datasets and their locations, and `resolve` (logical name + environment →
 * physical locations with connection info). Writes are transactional: a dataset and its locations change
 * together or not at all, and `apply` changes a whole catalog document in one transaction.
 */
import type { Kysely } from 'kysely'
import type { CatalogTables, ClusterRow, DatasetRow } from '../db/tables.ts'
import { parseClusterDefinition, parseDatasetDefinition } from './definitions.ts'
import { formatDuration } from './durations.ts'
import { CatalogError, joinField, notFound } from './errors.ts'
import { readLocationSpec } from './location-specs.ts'
import type {
  Cluster,
  ClusterDefinition,
  ClusterSystem,
  DataFormat,
  Dataset,
  DatasetDefinition,
  DatasetFilter,
  DatasetKind,
  DatasetSummary,
  FormatBinding,
  LocationFilter,
  LocationView,
  ResolvedBinding,
  ResolvedDataset,
  ResolvedLocation,
  SubjectSchemaInfo,
} from './model.ts'
import { matchesLocationFilter } from './model.ts'
import { validateClusterName, validateDatasetName } from './names.ts'
import {
  assertSecretAccess,
  DENY_SECRETS,
  resolveProperties,
  type SecretAccessPolicy,
  type SecretFilePolicy,
} from './secrets.ts'
import {
  type Db,
  datasetsUsingCluster,
  deleteClusterRow,
  deleteDatasetRow,
  findCluster,
  findDataset,
  insertCluster,
  type LocationRecord,
  listClusterRows,
  locationsOf,
  replaceLocations,
  saveDatasetRow,
  searchDatasetRows,
  updateCluster,
} from './store.ts'

export interface LocationServiceOptions {
  /** Who may receive resolved secrets; denies everyone unless configured. */
  secretAccess?: SecretAccessPolicy
  /** Looks up a subject's newest live schema, so `resolve` can report it. */
  subjectInfo?: (subject: string) => Promise<SubjectSchemaInfo | undefined>
  /** The environment `resolve` uses when the caller names none. */
  defaultEnvironment?: string
  /** Where `env:` secret references are looked up. */
  env?: NodeJS.ProcessEnv
  /** Which files `file:` secret references may name; none unless configured. */
  secretFiles?: SecretFilePolicy
}

export type WriteMode = 'create' | 'upsert'
export type ChangeKind = 'created' | 'updated' | 'unchanged'

export interface ResolveOptions {
  environment?: string
  includeSecrets?: boolean
  principal?: string
  /** Only the locations the caller will use: secrets are then resolved for their clusters alone. */
  only?: LocationFilter
}

export interface CatalogChanges {
  clusters: Array<{ name: string; change: ChangeKind }>
  datasets: Array<{ name: string; change: ChangeKind }>
}

export class LocationService {
  private readonly secretAccess: SecretAccessPolicy
  readonly defaultEnvironment: string

  constructor(
    private readonly db: Kysely<CatalogTables>,
    private readonly options: LocationServiceOptions = {},
  ) {
    this.secretAccess = options.secretAccess ?? DENY_SECRETS
    this.defaultEnvironment = options.defaultEnvironment ?? 'prod'
  }

  // ---- clusters

  async putCluster(input: unknown, mode: WriteMode): Promise<{ cluster: Cluster; change: ChangeKind }> {
    const definition = parseClusterDefinition(input)
    const change = await this.db.transaction().execute((trx) => this.saveCluster(trx, definition, mode))
    return { cluster: await this.getCluster(definition.name), change }
  }

  private async saveCluster(db: Db, definition: ClusterDefinition, mode: WriteMode): Promise<ChangeKind> {
    const existing = await findCluster(db, definition.name)
    if (existing === undefined) {
      await insertCluster(db, definition)
      return 'created'
    }
    if (mode === 'create') {
      throw new CatalogError(
        409,
        'already_exists',
        `cluster '${definition.name}' already exists; update it with PUT /api/v1/clusters/${definition.name} (weir cluster add --replace) or pick another name`,
        'name',
      )
    }
    if (existing.system !== definition.system) {
      const users = await datasetsUsingCluster(db, existing.id)
      if (users.length > 0) {
        throw new CatalogError(
          409,
          'in_use',
          `cluster '${definition.name}' is a ${existing.system} cluster used by ${users.join(', ')}; its system cannot become ${definition.system}. Register a new cluster instead`,
          'system',
        )
      }
    }
    if (sameCluster(existing, definition)) return 'unchanged'
    await updateCluster(db, definition)
    return 'updated'
  }

  async getCluster(name: string): Promise<Cluster> {
    const row = await findCluster(this.db, name)
    if (row === undefined) throw unknownCluster(name)
    return toCluster(row)
  }

  async listClusters(): Promise<Cluster[]> {
    return (await listClusterRows(this.db)).map(toCluster)
  }

  async deleteCluster(name: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await findCluster(trx, name)
      if (row === undefined) throw unknownCluster(name)
      const users = await datasetsUsingCluster(trx, row.id)
      if (users.length > 0) {
        throw new CatalogError(
          409,
          'in_use',
          `cluster '${name}' still holds locations of ${users.join(', ')}; move or delete those datasets first`,
        )
      }
      await deleteClusterRow(trx, name)
    })
  }

  // ---- datasets

  async putDataset(input: unknown, mode: WriteMode): Promise<{ dataset: Dataset; change: ChangeKind }> {
    const definition = parseDatasetDefinition(input)
    const change = await this.db.transaction().execute((trx) => this.saveDataset(trx, definition, mode, ''))
    return { dataset: await this.getDataset(definition.name), change }
  }

  private async saveDataset(
    db: Db,
    definition: DatasetDefinition,
    mode: WriteMode,
    field: string,
  ): Promise<ChangeKind> {
    const locations: Array<{
      environment: string
      position: number
      clusterId: number
      spec: Record<string, unknown>
    }> = []
    const records: LocationRecord[] = []
    const clusters = new Map<string, ClusterRow>()
    for (const [environment, list] of Object.entries(definition.locations)) {
      for (const [position, location] of list.entries()) {
        const locationField = joinField(field, `locations.${environment}[${position}]`)
        let cluster = clusters.get(location.cluster)
        if (cluster === undefined) {
          cluster = await findCluster(db, location.cluster)
          if (cluster === undefined)
            throw unknownCluster(location.cluster, joinField(locationField, 'cluster'))
          clusters.set(location.cluster, cluster)
        }
        const system = cluster.system as ClusterSystem
        const spec = readLocationSpec(system, location.spec, locationField)
        locations.push({ environment, position, clusterId: cluster.id, spec })
        records.push({ environment, position, cluster: cluster.name, system, spec })
      }
    }
    const existing = await findDataset(db, definition.name)
    if (existing !== undefined && mode === 'create') {
      throw new CatalogError(
        409,
        'already_exists',
        `dataset '${definition.name}' already exists; update it with PUT /api/v1/datasets/${definition.name} (weir dataset create --replace) or pick another name`,
        joinField(field, 'name'),
      )
    }
    if (existing !== undefined) {
      const current = (await locationsOf(db, [existing.id])).get(existing.id) ?? []
      if (sameDataset(toDataset(existing, current), definition, records)) return 'unchanged'
    }
    const id = await saveDatasetRow(db, definition, existing?.id)
    await replaceLocations(db, id, locations)
    return existing === undefined ? 'created' : 'updated'
  }

  async getDataset(name: string): Promise<Dataset> {
    const row = await findDataset(this.db, name)
    if (row === undefined) throw unknownDataset(name)
    const locations = await locationsOf(this.db, [row.id])
    return toDataset(row, locations.get(row.id) ?? [])
  }

  async listDatasets(filter: DatasetFilter = {}): Promise<DatasetSummary[]> {
    const rows = await searchDatasetRows(this.db, filter)
    const locations = await locationsOf(
      this.db,
      rows.map((row) => row.id),
    )
    return rows.map((row) => ({
      name: row.name,
      kind: row.kind as DatasetKind,
      description: row.description,
      owner: row.owner,
      tags: row.tags,
      environments: [...new Set((locations.get(row.id) ?? []).map((location) => location.environment))],
    }))
  }

  async deleteDataset(name: string): Promise<void> {
    validateDatasetName(name)
    if (!(await deleteDatasetRow(this.db, name))) throw unknownDataset(name)
  }

  // ---- resolve

  async resolve(name: string, options: ResolveOptions = {}): Promise<ResolvedDataset> {
    const dataset = await this.getDataset(name)
    const environment = options.environment ?? this.defaultEnvironment
    const all = dataset.locations[environment]
    if (all === undefined || all.length === 0) {
      const known = Object.keys(dataset.locations)
      throw new CatalogError(
        404,
        'no_location',
        `dataset '${name}' has no location in environment '${environment}'; it has ${known.join(', ') || 'none'}. Pass one of those (environment=${known[0] ?? 'prod'}) or add a location for '${environment}'`,
        'environment',
      )
    }
    const only = options.only ?? {}
    const views = all.filter((view) => matchesLocationFilter(view, only))
    if (views.length === 0) {
      const asked = [only.system, only.cluster && `cluster '${only.cluster}'`].filter(Boolean).join(' on ')
      const present = all.map((view) => `${view.system} on cluster '${view.cluster}'`).join(', ')
      throw new CatalogError(
        404,
        'no_location',
        `dataset '${name}' has no ${asked} location in environment '${environment}'; it has ${present}`,
        'environment',
      )
    }
    const includeSecrets = options.includeSecrets === true
    const clusterNames = [...new Set(views.map((view) => view.cluster))]
    if (includeSecrets) {
      await assertSecretAccess(this.secretAccess, {
        dataset: name,
        environment,
        clusters: clusterNames,
        ...(options.principal === undefined ? {} : { principal: options.principal }),
      })
    }
    const clusters = new Map<string, Cluster>()
    for (const clusterName of clusterNames) clusters.set(clusterName, await this.getCluster(clusterName))
    const locations: ResolvedLocation[] = views.map((view) => {
      const { cluster: clusterName, system, ...spec } = view
      const cluster = clusters.get(clusterName)!
      const properties = includeSecrets
        ? resolveProperties(cluster.properties, cluster.name, this.options.env, this.options.secretFiles)
        : cluster.properties
      return { system, cluster: { name: cluster.name, system: cluster.system, properties }, ...spec }
    })
    return {
      dataset: dataset.name,
      environment,
      kind: dataset.kind,
      key: dataset.key === null ? null : await this.resolveBinding(dataset.key),
      value: await this.resolveBinding(dataset.value),
      primaryKey: dataset.primaryKey,
      eventTime: dataset.eventTime,
      locations,
      secretsResolved: includeSecrets,
    }
  }

  private async resolveBinding(binding: FormatBinding): Promise<ResolvedBinding> {
    const lookup = this.options.subjectInfo
    const schema =
      binding.subject !== undefined && lookup !== undefined ? await lookup(binding.subject) : undefined
    return { ...binding, schema: schema ?? null }
  }

  // ---- whole documents

  /**
   * Creates or updates every cluster, then every dataset, in one transaction; on any error nothing changes.
   * With `dryRun` the transaction is rolled back after validation, so the report says what would change.
   */
  async apply(
    clusters: readonly unknown[],
    datasets: readonly unknown[],
    dryRun = false,
  ): Promise<CatalogChanges> {
    const prepared = prepareApply(clusters, datasets)
    let changes: CatalogChanges = { clusters: [], datasets: [] }
    try {
      await this.db.transaction().execute(async (trx) => {
        changes = await this.applyWithin(trx, prepared)
        if (dryRun) throw new DryRunRollback()
      })
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error
    }
    return changes
  }

  /** Saves prepared definitions inside the caller's transaction (which may also register schemas). */
  async applyWithin(trx: Db, prepared: PreparedApply): Promise<CatalogChanges> {
    const changes: CatalogChanges = { clusters: [], datasets: [] }
    for (const cluster of prepared.clusters) {
      changes.clusters.push({ name: cluster.name, change: await this.saveCluster(trx, cluster, 'upsert') })
    }
    for (const [index, dataset] of prepared.datasets.entries()) {
      const change = await this.saveDataset(trx, dataset, 'upsert', `datasets[${index}]`)
      changes.datasets.push({ name: dataset.name, change })
    }
    return changes
  }
}

export interface PreparedApply {
  clusters: ClusterDefinition[]
  datasets: DatasetDefinition[]
}

/** Validates everything that needs no database, before any transaction starts. */
export function prepareApply(clusters: readonly unknown[], datasets: readonly unknown[]): PreparedApply {
  const prepared = {
    clusters: clusters.map((cluster, index) => parseClusterDefinition(cluster, `clusters[${index}]`)),
    datasets: datasets.map((dataset, index) => parseDatasetDefinition(dataset, `datasets[${index}]`)),
  }
  rejectDuplicates(
    prepared.clusters.map((cluster) => cluster.name),
    'clusters',
  )
  rejectDuplicates(
    prepared.datasets.map((dataset) => dataset.name),
    'datasets',
  )
  return prepared
}

/** Thrown inside a dry run's transaction to roll it back after everything was checked. */
export class DryRunRollback extends Error {}

function rejectDuplicates(names: readonly string[], field: string): void {
  const seen = new Set<string>()
  for (const [index, name] of names.entries()) {
    if (seen.has(name)) {
      throw new CatalogError(
        400,
        'invalid_document',
        `${field}[${index}]: '${name}' is defined twice; keep one definition`,
        `${field}[${index}].name`,
      )
    }
    seen.add(name)
  }
}

function unknownCluster(name: string, field?: string): CatalogError {
  validateClusterName(name, field ?? 'name')
  return new CatalogError(
    404,
    'unknown_cluster',
    `${field === undefined ? '' : `${field}: `}cluster '${name}' does not exist; register it first (POST /api/v1/clusters or weir cluster add), or check the name with weir cluster list`,
    field,
  )
}

function unknownDataset(name: string): CatalogError {
  validateDatasetName(name)
  return notFound(
    'dataset',
    name,
    'create it with POST /api/v1/datasets (weir dataset create), or search with weir dataset list',
  )
}

function toCluster(row: ClusterRow): Cluster {
  return {
    name: row.name,
    system: row.system as ClusterSystem,
    description: row.description,
    properties: row.properties,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

function toBinding(
  format: string | null,
  subject: string | null,
  message: string | null,
): FormatBinding | null {
  if (format === null) return null
  const binding: FormatBinding = { format: format as DataFormat }
  if (subject !== null) binding.subject = subject
  if (message !== null) binding.message = message
  return binding
}

function toDataset(row: DatasetRow, locations: readonly LocationRecord[]): Dataset {
  const byEnvironment: Record<string, LocationView[]> = {}
  for (const location of locations) {
    const list = byEnvironment[location.environment] ?? []
    list.push({ cluster: location.cluster, system: location.system, ...location.spec })
    byEnvironment[location.environment] = list
  }
  return {
    name: row.name,
    namespace: row.namespace,
    description: row.description,
    owner: row.owner,
    tags: row.tags,
    kind: row.kind as DatasetKind,
    key: toBinding(row.key_format, row.key_subject, row.key_message),
    value: toBinding(row.value_format, row.value_subject, row.value_message)!,
    primaryKey: row.primary_key,
    eventTime:
      row.event_time_column === null
        ? null
        : {
            column: row.event_time_column,
            watermarkDelay: formatDuration(row.watermark_delay_ms ?? 0),
            watermarkDelayMs: row.watermark_delay_ms ?? 0,
          },
    locations: byEnvironment,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

function sameCluster(row: ClusterRow, definition: ClusterDefinition): boolean {
  return (
    row.system === definition.system &&
    row.description === definition.description &&
    stableJson(row.properties) === stableJson(definition.properties)
  )
}

function sameDataset(
  current: Dataset,
  definition: DatasetDefinition,
  locations: readonly LocationRecord[],
): boolean {
  const wanted = toDataset(
    {
      id: 0,
      name: definition.name,
      namespace: current.namespace,
      description: definition.description,
      owner: definition.owner,
      tags: definition.tags,
      kind: definition.kind,
      key_format: definition.key?.format ?? null,
      key_subject: definition.key?.subject ?? null,
      value_format: definition.value.format,
      value_subject: definition.value.subject ?? null,
      key_message: definition.key?.message ?? null,
      value_message: definition.value.message ?? null,
      primary_key: definition.primaryKey,
      event_time_column: definition.eventTime?.column ?? null,
      watermark_delay_ms: definition.eventTime?.watermarkDelayMs ?? null,
      properties: {},
      created_at: new Date(current.createdAt),
      updated_at: new Date(current.updatedAt),
    },
    locations,
  )
  return stableJson(wanted) === stableJson(current)
}

/** JSON with sorted keys, so that two equal values compare equal whatever order their keys came in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  )
}
