/**
 * What the CLI needs from UDM, behind one interface with two implementations: over HTTP to a running server
 * (`--url` or WEIR_UDM_URL), or directly on the embedded catalog in a data directory (the default,
 * ./.weir/catalog). Commands are written once against `UdmClient`.
 */
import type { ApplyReport } from '../../catalog/catalog.ts'
import { Catalog } from '../../catalog/catalog.ts'
import type { CatalogDocument } from '../../catalog/catalog-document.ts'
import type { CatalogDatabaseOptions } from '../../catalog/db/connection.ts'
import { CatalogError } from '../../catalog/locations/errors.ts'
import type {
  Cluster,
  Dataset,
  DatasetFilter,
  DatasetSummary,
  ResolvedDataset,
} from '../../catalog/locations/model.ts'
import { ALLOW_SECRETS, ANY_SECRET_FILE } from '../../catalog/locations/secrets.ts'
import { RegistryError } from '../../catalog/registry/errors.ts'
import {
  type CompatibilityCheck,
  readSchemaId,
  readVersion,
  schemaByIdBody,
  subjectVersionBody,
} from '../../catalog/registry/model.ts'
import { unreachableMessage } from '../../client/unreachable.ts'

export type Json = Record<string, unknown>

export interface ResolveRequest {
  environment?: string
  includeSecrets?: boolean
}

export interface UdmClient {
  /** Where the client talks to, for messages. */
  readonly target: string
  registerSchema(subject: string, body: Json, normalize: boolean): Promise<{ id: number; version: number }>
  getSchemaVersion(subject: string, version: string): Promise<Json>
  getSchemaById(id: number): Promise<Json>
  listSubjects(deleted: boolean): Promise<string[]>
  listVersions(subject: string, deleted: boolean): Promise<number[]>
  checkCompatibility(subject: string, body: Json, version: string | undefined): Promise<CompatibilityCheck>
  deleteSubject(subject: string, permanent: boolean): Promise<number[]>
  deleteVersion(subject: string, version: string, permanent: boolean): Promise<number>
  putCluster(definition: unknown, replace: boolean): Promise<Cluster>
  listClusters(): Promise<Cluster[]>
  putDataset(definition: unknown, replace: boolean): Promise<Dataset>
  getDataset(name: string): Promise<Dataset>
  listDatasets(filter: DatasetFilter): Promise<DatasetSummary[]>
  resolve(name: string, request: ResolveRequest): Promise<ResolvedDataset>
  apply(document: CatalogDocument, dryRun: boolean): Promise<ApplyReport>
  close(): Promise<void>
}

/** Runs commands on the embedded catalog: the local user owns the data directory, so secrets may be resolved. */
export class EmbeddedUdmClient implements UdmClient {
  private constructor(
    private readonly catalog: Catalog,
    readonly target: string,
  ) {}

  static async open(database: CatalogDatabaseOptions): Promise<EmbeddedUdmClient> {
    // The local user could read any of these files directly, so no secrets directory applies.
    const catalog = await Catalog.open({
      database,
      locations: { secretAccess: ALLOW_SECRETS, secretFiles: ANY_SECRET_FILE },
    })
    return new EmbeddedUdmClient(catalog, catalog.database.description)
  }

  async registerSchema(subject: string, body: Json, normalize: boolean) {
    const { id, version } = await this.catalog.registry.register(subject, body, { normalize })
    return { id, version }
  }
  async getSchemaVersion(subject: string, version: string) {
    return subjectVersionBody(await this.catalog.registry.getVersion(subject, readVersion(version)))
  }
  async getSchemaById(id: number) {
    return schemaByIdBody(await this.catalog.registry.getSchemaById(readSchemaId(id)))
  }
  listSubjects(deleted: boolean) {
    return this.catalog.registry.listSubjects({ deleted })
  }
  listVersions(subject: string, deleted: boolean) {
    return this.catalog.registry.listVersions(subject, { deleted })
  }
  checkCompatibility(subject: string, body: Json, version: string | undefined) {
    return this.catalog.registry.checkCompatibility(
      subject,
      version === undefined ? undefined : readVersion(version),
      body,
      {
        verbose: true,
      },
    )
  }
  deleteSubject(subject: string, permanent: boolean) {
    return this.catalog.registry.deleteSubject(subject, { permanent })
  }
  deleteVersion(subject: string, version: string, permanent: boolean) {
    return this.catalog.registry.deleteVersion(subject, readVersion(version), { permanent })
  }
  async putCluster(definition: unknown, replace: boolean) {
    return (await this.catalog.locations.putCluster(definition, replace ? 'upsert' : 'create')).cluster
  }
  listClusters() {
    return this.catalog.locations.listClusters()
  }
  async putDataset(definition: unknown, replace: boolean) {
    return (await this.catalog.locations.putDataset(definition, replace ? 'upsert' : 'create')).dataset
  }
  getDataset(name: string) {
    return this.catalog.locations.getDataset(name)
  }
  listDatasets(filter: DatasetFilter) {
    return this.catalog.locations.listDatasets(filter)
  }
  resolve(name: string, request: ResolveRequest) {
    return this.catalog.locations.resolve(name, request)
  }
  apply(document: CatalogDocument, dryRun: boolean) {
    return this.catalog.apply(document, { dryRun })
  }
  close() {
    return this.catalog.close()
  }
}

/** Talks to `weir udm serve` (or any Confluent-compatible registry, for the schema commands). */
export class HttpUdmClient implements UdmClient {
  readonly target: string
  private readonly base: string

  private readonly authorization: Record<string, string>

  /** `token` is sent as a bearer token on every route (the server accepts it on registry routes too). */
  constructor(url: string, token?: string) {
    this.base = url.replace(/\/+$/, '')
    this.target = this.base
    this.authorization = token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` }
  }

  /** One request; the answer's JSON, or the server's error as a typed error. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers:
          body === undefined
            ? this.authorization
            : { ...this.authorization, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (error) {
      throw new CatalogError(503, 'unreachable', unreachableMessage(this.base, error))
    }
    const text = await response.text()
    const parsed: unknown = text === '' ? undefined : safeJson(text)
    if (!response.ok) throw errorFrom(response.status, parsed, text)
    return parsed as T
  }

  registerSchema(subject: string, body: Json, normalize: boolean) {
    return this.call<{ id: number; version: number }>(
      'POST',
      `/subjects/${enc(subject)}/versions?normalize=${normalize}`,
      body,
    )
  }
  getSchemaVersion(subject: string, version: string) {
    return this.call<Json>('GET', `/subjects/${enc(subject)}/versions/${enc(version)}`)
  }
  getSchemaById(id: number) {
    return this.call<Json>('GET', `/schemas/ids/${id}`)
  }
  listSubjects(deleted: boolean) {
    return this.call<string[]>('GET', `/subjects?deleted=${deleted}`)
  }
  listVersions(subject: string, deleted: boolean) {
    return this.call<number[]>('GET', `/subjects/${enc(subject)}/versions?deleted=${deleted}`)
  }
  checkCompatibility(subject: string, body: Json, version: string | undefined) {
    const path = version === undefined ? '' : `/${enc(version)}`
    return this.call<CompatibilityCheck>(
      'POST',
      `/compatibility/subjects/${enc(subject)}/versions${path}?verbose=true`,
      body,
    )
  }
  deleteSubject(subject: string, permanent: boolean) {
    return this.call<number[]>('DELETE', `/subjects/${enc(subject)}?permanent=${permanent}`)
  }
  deleteVersion(subject: string, version: string, permanent: boolean) {
    return this.call<number>(
      'DELETE',
      `/subjects/${enc(subject)}/versions/${enc(version)}?permanent=${permanent}`,
    )
  }
  putCluster(definition: unknown, replace: boolean) {
    const name = nameOf(definition)
    return replace && name !== undefined
      ? this.call<Cluster>('PUT', `/api/v1/clusters/${enc(name)}`, definition)
      : this.call<Cluster>('POST', '/api/v1/clusters', definition)
  }
  async listClusters() {
    return (await this.call<{ clusters: Cluster[] }>('GET', '/api/v1/clusters')).clusters
  }
  putDataset(definition: unknown, replace: boolean) {
    const name = nameOf(definition)
    return replace && name !== undefined
      ? this.call<Dataset>('PUT', `/api/v1/datasets/${enc(name)}`, definition)
      : this.call<Dataset>('POST', '/api/v1/datasets', definition)
  }
  getDataset(name: string) {
    return this.call<Dataset>('GET', `/api/v1/datasets/${enc(name)}`)
  }
  async listDatasets(filter: DatasetFilter) {
    const query = new URLSearchParams()
    if (filter.query !== undefined) query.set('q', filter.query)
    if (filter.tag !== undefined) query.set('tag', filter.tag)
    if (filter.field !== undefined) query.set('field', filter.field)
    if (filter.namespace !== undefined) query.set('namespace', filter.namespace)
    if (filter.kind !== undefined) query.set('kind', filter.kind)
    return (await this.call<{ datasets: DatasetSummary[] }>('GET', `/api/v1/datasets?${query}`)).datasets
  }
  resolve(name: string, request: ResolveRequest) {
    const query = new URLSearchParams()
    if (request.environment !== undefined) query.set('environment', request.environment)
    if (request.includeSecrets === true) query.set('includeSecrets', 'true')
    return this.call<ResolvedDataset>('GET', `/api/v1/resolve/${enc(name)}?${query}`)
  }
  apply(document: CatalogDocument, dryRun: boolean) {
    const body = {
      clusters: document.clusters,
      datasets: document.datasets,
      schemas: document.schemas.map((entry) => ({
        subject: entry.subject,
        ...entry.body,
        normalize: entry.normalize,
      })),
    }
    return this.call<ApplyReport>('POST', `/api/v1/catalog/apply?dryRun=${dryRun}`, body)
  }
  async close() {}
}

function enc(segment: string): string {
  return encodeURIComponent(segment)
}

function nameOf(definition: unknown): string | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined
  const name = (definition as Json).name
  return typeof name === 'string' ? name : undefined
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Rebuilds the server's typed error, so HTTP and embedded modes fail with the same messages. */
function errorFrom(status: number, body: unknown, text: string): Error {
  if (typeof body === 'object' && body !== null) {
    const record = body as Json
    if (typeof record.error_code === 'number' && typeof record.message === 'string') {
      return new RegistryError(status, record.error_code, record.message)
    }
    const error = record.error
    if (typeof error === 'object' && error !== null) {
      const { code, message, field } = error as Json
      if (typeof message === 'string') {
        return new CatalogError(
          status,
          (typeof code === 'string' ? code : 'not_found') as CatalogError['code'],
          message,
          typeof field === 'string' ? field : undefined,
        )
      }
    }
  }
  return new Error(`the UDM server answered HTTP ${status}: ${text.slice(0, 500)}`)
}
