/**
 * Every route of the server and what it takes to call it: the action and the resource(s) it acts on. The
 * enforcement hook (enforcement.ts) reads only this table; a route missing from it stops the server at
 * startup, so no route can be added without deciding who may call it.
 */
import type { FastifyRequest } from 'fastify'
import type { Catalog } from '../../catalog/catalog.ts'
import type { ClaimIndex } from '../../catalog/governance/dataset-claims.ts'
import { datasetClaims } from '../../catalog/governance/dataset-claims.ts'
import { type Grantee, parseGrantScope } from '../../catalog/governance/grants.ts'
import { type LineageGraph, parseNodeId } from '../../catalog/governance/lineage-graph.ts'
import { type Action, scopeResource } from '../../catalog/governance/permissions.ts'
import type { Principal } from '../../catalog/governance/principals.ts'
import { GLOBAL, type Resource } from '../../catalog/governance/resources.ts'
import { bindSubject, type SubjectIndex, subjectResource } from '../../catalog/governance/subject-binding.ts'
import { parseDatasetDefinition } from '../../catalog/locations/definitions.ts'
import { invalidField } from '../../catalog/locations/errors.ts'
import { flag, param, text } from '../http.ts'
import { matchesLocationFilter, readLocationFilter } from '../location-filter.ts'
import type { SubjectIndexCache } from './subject-index.ts'

export interface RouteContext {
  catalog: Catalog
  subjects: SubjectIndexCache
}

/** Allowed when the action is allowed on any of the resources (a schema id shared by several subjects). */
export interface Check {
  action: Action
  resources: readonly Resource[]
}

export type Allows = (action: Action, resource: Resource) => boolean

export interface RouteRule {
  /** Answers without a token (health and readiness only). */
  public?: boolean
  checks?: (request: FastifyRequest, context: RouteContext) => Promise<Check[]> | Check[]
  /** Narrows a list answer to the items the caller may read. */
  filter?: (payload: unknown, allows: Allows, subjects: SubjectIndex, caller: Principal) => unknown
  /** The route changes which datasets subjects belong to, or which subjects use a schema. */
  changesBindings?: boolean
}

const one = (action: Action, resource: Resource): Check[] => [{ action, resources: [resource] }]
const onGlobal = (action: Action) => () => one(action, GLOBAL)

function bodyField(request: FastifyRequest, name: string): string {
  const body = request.body
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  if (typeof value !== 'string') throw invalidField(name, 'give it as text')
  return value
}

const dataset = (action: Action) => (request: FastifyRequest) =>
  one(action, { kind: 'dataset', name: param(request, 'name') })

const cluster = (action: Action) => (request: FastifyRequest) =>
  one(action, { kind: 'cluster', name: param(request, 'name') })

const subject = (action: Action) => async (request: FastifyRequest, context: RouteContext) =>
  one(action, subjectResource(bindSubject(param(request, 'subject'), await context.subjects.get())))

/** A schema is readable by whoever may read one of the subjects using it (as in Confluent's RBAC). */
async function schemaById(id: number, context: RouteContext): Promise<Check[]> {
  const index = await context.subjects.get()
  const subjects = await context.subjects.subjectsOf(id)
  return [
    { action: 'schema.read', resources: subjects.map((name) => subjectResource(bindSubject(name, index))) },
  ]
}

/** Ids are 32-bit integers in the database: a larger one names no schema, and must not reach a query. */
function schemaId(request: FastifyRequest): number {
  const id = Number(param(request, 'id'))
  return Number.isSafeInteger(id) && id > 0 && id <= 2 ** 31 - 1 ? id : 0
}

/**
 * Secrets need the dataset's owner and, since a cluster's credentials open every dataset on it, the owner of
 * each cluster the answer would carry (a `cluster:<name>` grant).
 */
async function resolveChecks(request: FastifyRequest, context: RouteContext): Promise<Check[]> {
  const name = param(request, 'name')
  const resource: Resource = { kind: 'dataset', name }
  const access = text(request, 'access')
  if (access !== undefined && access !== 'read' && access !== 'write')
    throw invalidField('access', 'use read or write')
  const checks = one(access === 'write' ? 'dataset.write' : 'dataset.read', resource)
  if (!flag(request, 'includeSecrets')) return checks
  checks.push(...one('dataset.secrets', resource))
  const environment =
    text(request, 'environment') ?? text(request, 'env') ?? context.catalog.locations.defaultEnvironment
  // An unknown dataset or environment: the handler answers 404 with the reason, to those allowed to ask.
  const dataset = await context.catalog.locations.getDataset(name).catch(() => undefined)
  // Only the clusters the answer carries: a caller asking for one location (system=, cluster=) needs no
  // rights on the clusters of the others.
  const filter = readLocationFilter(request)
  const clusters = new Set(
    (dataset?.locations[environment] ?? [])
      .filter((location) => matchesLocationFilter(location, filter))
      .map((location) => location.cluster),
  )
  for (const cluster of clusters) checks.push(...one('cluster.secrets', { kind: 'cluster', name: cluster }))
  return checks
}

/**
 * Topics of a dataset: creating or deleting them is changing where its data can go, so it takes what editing the
 * dataset takes (`dataset.update`; owner, `dataset.delete`, to delete, since the records go with the topic)
 * plus `cluster.use` on each Kafka cluster touched. Describing takes viewer.
 */
async function datasetTopicChecks(
  request: FastifyRequest,
  context: RouteContext,
  action: 'dataset.update' | 'dataset.delete',
): Promise<Check[]> {
  const name = param(request, 'name')
  const checks = one(action, { kind: 'dataset', name })
  const environment =
    text(request, 'environment') ?? text(request, 'env') ?? context.catalog.locations.defaultEnvironment
  const dataset = await context.catalog.locations.getDataset(name).catch(() => undefined)
  const clusters = new Set(
    (dataset?.locations[environment] ?? [])
      .filter((location) => location.system === 'kafka')
      .map((location) => location.cluster),
  )
  for (const cluster of clusters) checks.push(...one('cluster.use', { kind: 'cluster', name: cluster }))
  return checks
}

/**
 * What a dataset definition reaches beyond its own name: clusters, other datasets' locations and registry
 * subjects (dataset-claims.ts). A definition that does not parse gets no extra checks: the write fails anyway.
 */
function claimChecks(definition: unknown, index: ClaimIndex): Check[] {
  let parsed: ReturnType<typeof parseDatasetDefinition>
  try {
    parsed = parseDatasetDefinition(definition)
  } catch {
    return []
  }
  return datasetClaims(parsed, index).map((claim) => ({ action: claim.action, resources: [claim.resource] }))
}

async function datasetWriteChecks(
  request: FastifyRequest,
  context: RouteContext,
  name: string,
): Promise<Check[]> {
  const body = typeof request.body === 'object' && request.body !== null ? request.body : {}
  return [
    ...one('dataset.update', { kind: 'dataset', name }),
    ...claimChecks({ ...body, name }, await context.subjects.claimIndex()),
  ]
}

/** A catalog document changes clusters, datasets and subjects: each needs its own permission. */
async function applyChecks(request: FastifyRequest, context: RouteContext): Promise<Check[]> {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >
  const named = (key: string, field: string): string[] =>
    Array.isArray(body[key])
      ? body[key].flatMap((item: unknown) => {
          const value =
            typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[field] : undefined
          return typeof value === 'string' ? [value] : []
        })
      : []
  const index = await context.subjects.get()
  const claims = await context.subjects.claimIndex()
  const datasets = Array.isArray(body.datasets) ? (body.datasets as unknown[]) : []
  const checks = [
    ...named('clusters', 'name').flatMap((name) => one('cluster.manage', { kind: 'cluster', name })),
    ...named('datasets', 'name').flatMap((name) => one('dataset.update', { kind: 'dataset', name })),
    ...datasets.flatMap((definition) => claimChecks(definition, claims)),
    ...named('schemas', 'subject').flatMap((name) =>
      one('schema.write', subjectResource(bindSubject(name, index))),
    ),
  ]
  return checks.length > 0 ? checks : one('cluster.manage', GLOBAL)
}

async function grantRemovalChecks(request: FastifyRequest, context: RouteContext): Promise<Check[]> {
  const grant = await context.catalog.governance.findGrant(Number(param(request, 'id')))
  // An unknown grant: checked on `*`, so only an admin learns that it does not exist.
  if (grant === undefined) return one('grant.manage', GLOBAL)
  return one(grant.role === 'admin' ? 'principal.manage' : 'grant.manage', scopeResource(grant.scope))
}

function grantChecks(request: FastifyRequest): Check[] {
  const role = bodyField(request, 'role')
  if (role === 'admin') return one('principal.manage', GLOBAL)
  return one('grant.manage', scopeResource(parseGrantScope(bodyField(request, 'scope'))))
}

/** Audit of one dataset or namespace for its owners; everything else (or no filter) takes audit on `*`. */
function auditChecks(request: FastifyRequest): Check[] {
  const filter = text(request, 'resource')
  const match = filter === undefined ? null : /^(dataset|namespace):(.+)$/.exec(filter)
  if (match === null) return one('audit.read', GLOBAL)
  return one('audit.read', { kind: match[1] as 'dataset' | 'namespace', name: match[2]! })
}

/** A graph starting at a Weir dataset needs viewer on it; one starting at a job or external dataset, on `*`. */
function lineageChecks(request: FastifyRequest): Check[] {
  const node = parseNodeId(text(request, 'node') ?? '')
  if (node?.type === 'dataset' && !node.name.includes('/'))
    return one('lineage.read', { kind: 'dataset', name: node.name })
  return one('lineage.read', GLOBAL)
}

function filterDatasets(payload: unknown, allows: Allows): unknown {
  const datasets = (payload as { datasets: Array<{ name: string }> }).datasets
  return {
    ...(payload as object),
    datasets: datasets.filter((item) => allows('dataset.read', { kind: 'dataset', name: item.name })),
  }
}

/** One's own grants (and one's groups'), and the grants on scopes one owns: grants name principals. */
function filterGrants(payload: unknown, allows: Allows, _subjects: SubjectIndex, caller: Principal): unknown {
  const grants = (payload as { grants: Array<{ scope: string; grantee: Grantee }> }).grants
  const own = (grantee: Grantee) =>
    grantee.kind === 'principal' ? grantee.name === caller.name : caller.groups.includes(grantee.name)
  return {
    grants: grants.filter(
      (grant) => own(grant.grantee) || allows('grant.read', scopeResource(parseGrantScope(grant.scope))),
    ),
  }
}

const readableSubject = (allows: Allows, subjects: SubjectIndex) => (name: string) =>
  allows('schema.read', subjectResource(bindSubject(name, subjects)))

/**
 * A schema id may be read through any subject using it, but the other subjects' names are not the caller's to
 * see: the lists of subjects and versions using an id keep only the readable subjects.
 */
function filterIdSubjects(payload: unknown, allows: Allows, subjects: SubjectIndex): unknown {
  return (payload as string[]).filter(readableSubject(allows, subjects))
}

function filterIdVersions(payload: unknown, allows: Allows, subjects: SubjectIndex): unknown {
  const readable = readableSubject(allows, subjects)
  return (payload as Array<{ subject: string }>).filter((entry) => readable(entry.subject))
}

/**
 * A lineage graph keeps the nodes the caller could start a query at: Weir datasets it may read, and jobs and
 * external datasets only for those with lineage on `*`; edges between kept nodes only.
 */
function filterLineage(payload: unknown, allows: Allows): unknown {
  const graph = payload as LineageGraph
  const visible = new Set(
    graph.nodes
      .filter((node) =>
        node.type === 'dataset' && !node.name.includes('/')
          ? allows('lineage.read', { kind: 'dataset', name: node.name })
          : allows('lineage.read', GLOBAL),
      )
      .map((node) => node.id),
  )
  return {
    ...graph,
    nodes: graph.nodes.filter((node) => visible.has(node.id)),
    edges: graph.edges.filter((edge) => visible.has(edge.origin) && visible.has(edge.destination)),
    columnEdges: graph.columnEdges.filter(
      (edge) =>
        visible.has(edge.origin.dataset) && visible.has(edge.destination.dataset) && visible.has(edge.job),
    ),
  }
}

function filterSubjects(payload: unknown, allows: Allows, subjects: SubjectIndex): unknown {
  return (payload as string[]).filter((name) =>
    allows('schema.read', subjectResource(bindSubject(name, subjects))),
  )
}

const datasetList: RouteRule = { checks: onGlobal('dataset.list'), filter: filterDatasets }
const schemaRead: RouteRule = { checks: subject('schema.read') }
const schemaList: RouteRule = { checks: onGlobal('schema.list') }
const schemaListing: RouteRule = {
  checks: onGlobal('schema.list'),
  filter: (payload, allows, subjects) =>
    (payload as Array<{ subject: string }>).filter((schema) =>
      allows('schema.read', subjectResource(bindSubject(schema.subject, subjects))),
    ),
}
const registryManage: RouteRule = { checks: onGlobal('registry.manage') }
const schemaByIdRule: RouteRule = { checks: (request, context) => schemaById(schemaId(request), context) }

export const ROUTE_TABLE: Readonly<Record<string, RouteRule>> = {
  'GET /health': { public: true },
  'GET /ready': { public: true },
  'GET /metrics': { checks: onGlobal('metrics.read') },
  'GET /api/docs': { checks: onGlobal('docs.read') },

  'GET /api/v1/clusters': { checks: onGlobal('cluster.read') },
  'POST /api/v1/clusters': {
    checks: (request) => one('cluster.manage', { kind: 'cluster', name: bodyField(request, 'name') }),
  },
  'GET /api/v1/clusters/:name': { checks: cluster('cluster.read') },
  'PUT /api/v1/clusters/:name': { checks: cluster('cluster.manage') },
  'DELETE /api/v1/clusters/:name': { checks: cluster('cluster.manage') },

  'GET /api/v1/datasets': datasetList,
  'GET /api/v1/search': datasetList,
  'POST /api/v1/datasets': {
    checks: (request, context) => datasetWriteChecks(request, context, bodyField(request, 'name')),
    changesBindings: true,
  },
  'GET /api/v1/datasets/:name': { checks: dataset('dataset.read') },
  'PUT /api/v1/datasets/:name': {
    checks: (request, context) => datasetWriteChecks(request, context, param(request, 'name')),
    changesBindings: true,
  },
  'DELETE /api/v1/datasets/:name': { checks: dataset('dataset.delete'), changesBindings: true },
  'GET /api/v1/resolve/:name': { checks: resolveChecks },
  'GET /api/v1/datasets/:name/resolve': { checks: resolveChecks },
  'GET /api/v1/datasets/:name/stats': { checks: dataset('audit.read') },
  'POST /api/v1/catalog/apply': { checks: applyChecks, changesBindings: true },
  'POST /api/v1/datasets/:name/topics': {
    checks: (request, context) => datasetTopicChecks(request, context, 'dataset.update'),
  },
  'GET /api/v1/datasets/:name/topics': { checks: dataset('dataset.read') },
  'DELETE /api/v1/datasets/:name/topics': {
    checks: (request, context) => datasetTopicChecks(request, context, 'dataset.delete'),
  },
  // Topics named directly are outside every dataset's grants: listing is metadata, changing them is admin's.
  'GET /api/v1/clusters/:name/topics': { checks: cluster('cluster.read') },
  'GET /api/v1/clusters/:name/topics/:topic': { checks: cluster('cluster.read') },
  'POST /api/v1/clusters/:name/topics': { checks: cluster('cluster.manage') },
  'DELETE /api/v1/clusters/:name/topics/:topic': { checks: cluster('cluster.manage') },

  'GET /api/v1/principals': { checks: onGlobal('principal.manage') },
  'POST /api/v1/principals': { checks: onGlobal('principal.manage') },
  'GET /api/v1/principals/:name/tokens': {
    checks: (request) => one('principal.manage', { kind: 'principal', name: param(request, 'name') }),
  },
  'POST /api/v1/principals/:name/tokens': {
    checks: (request) => one('principal.manage', { kind: 'principal', name: param(request, 'name') }),
  },
  'DELETE /api/v1/tokens/:id': { checks: onGlobal('principal.manage') },
  'GET /api/v1/groups': { checks: onGlobal('principal.manage') },
  'POST /api/v1/groups': { checks: onGlobal('principal.manage') },
  'PUT /api/v1/groups/:name/members/:principal': { checks: onGlobal('principal.manage') },
  'GET /api/v1/grants': { checks: onGlobal('grant.list'), filter: filterGrants },
  'POST /api/v1/grants': { checks: grantChecks },
  'DELETE /api/v1/grants/:id': { checks: grantRemovalChecks },
  'GET /api/v1/audit': { checks: auditChecks },
  'GET /api/v1/audit/verify': { checks: onGlobal('audit.read') },
  'GET /api/v1/audit/anchor': { checks: onGlobal('audit.read') },
  'POST /api/v1/lineage': { checks: onGlobal('lineage.write') },
  'GET /api/v1/lineage': { checks: lineageChecks, filter: filterLineage },

  'GET /': schemaList,
  'GET /contexts': schemaList,
  'GET /schemas/types': schemaList,
  'GET /schemas': schemaListing,
  'GET /subjects': { checks: onGlobal('schema.list'), filter: filterSubjects },
  'GET /schemas/ids/:id': schemaByIdRule,
  'GET /schemas/ids/:id/schema': schemaByIdRule,
  'GET /schemas/ids/:id/subjects': { ...schemaByIdRule, filter: filterIdSubjects },
  'GET /schemas/ids/:id/versions': { ...schemaByIdRule, filter: filterIdVersions },
  'GET /schemas/guids/:guid': {
    checks: async (request, context) => {
      const schema = await context.catalog.registry
        .getSchemaByGuid(param(request, 'guid'))
        .catch(() => undefined)
      return schemaById(schema?.id ?? 0, context)
    },
  },
  'POST /subjects/:subject': schemaRead,
  'DELETE /subjects/:subject': { checks: subject('schema.delete'), changesBindings: true },
  'GET /subjects/:subject/versions': schemaRead,
  'POST /subjects/:subject/versions': { checks: subject('schema.write'), changesBindings: true },
  'GET /subjects/:subject/versions/:version': schemaRead,
  'DELETE /subjects/:subject/versions/:version': { checks: subject('schema.delete'), changesBindings: true },
  'GET /subjects/:subject/versions/:version/schema': schemaRead,
  'GET /subjects/:subject/versions/:version/referencedby': schemaRead,
  'POST /compatibility/subjects/:subject/versions': schemaRead,
  'POST /compatibility/subjects/:subject/versions/:version': schemaRead,
  'GET /config': schemaList,
  'PUT /config': registryManage,
  'DELETE /config': registryManage,
  'GET /config/:subject': schemaRead,
  'PUT /config/:subject': { checks: subject('schema.write') },
  'DELETE /config/:subject': { checks: subject('schema.write') },
  'GET /mode': schemaList,
  'PUT /mode': registryManage,
  'DELETE /mode': registryManage,
  'GET /mode/:subject': schemaRead,
  // IMPORT mode lets a writer choose schema ids, which are global: that is the registry admin's call.
  'PUT /mode/:subject': registryManage,
  'DELETE /mode/:subject': registryManage,
}

export function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`
}
