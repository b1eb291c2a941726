/** /api/v1 datasets, resolve, search and whole-catalog apply. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Catalog } from '../../catalog/catalog.ts'
import { readCatalogDocument } from '../../catalog/catalog-document.ts'
import { CatalogError } from '../../catalog/locations/errors.ts'
import { DATASET_KINDS, type DatasetFilter, type DatasetKind } from '../../catalog/locations/model.ts'
import { flag, param, text } from '../http.ts'
import { readLocationFilter } from '../location-filter.ts'
import { apiError, nameParams, objectBody, UDM_TAG } from '../openapi.ts'
import { withName } from './udm-clusters.ts'

const searchQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', description: 'Substring of the name or description' },
    tag: { type: 'string' },
    field: {
      type: 'string',
      description: 'A field name of the key/value schema, primary key or event-time column',
    },
    namespace: { type: 'string' },
    kind: { type: 'string', enum: [...DATASET_KINDS] },
  },
} as const

function readFilter(request: FastifyRequest): DatasetFilter {
  const filter: DatasetFilter = {}
  const query = text(request, 'q')
  const tag = text(request, 'tag')
  const field = text(request, 'field')
  const namespace = text(request, 'namespace')
  const kind = text(request, 'kind')
  if (query !== undefined) filter.query = query
  if (tag !== undefined) filter.tag = tag
  if (field !== undefined) filter.field = field
  if (namespace !== undefined) filter.namespace = namespace
  if (kind !== undefined) {
    if (!DATASET_KINDS.includes(kind as DatasetKind)) {
      throw new CatalogError(
        400,
        'invalid_field',
        `kind: '${kind}' is not one of ${DATASET_KINDS.join(', ')}`,
        'kind',
      )
    }
    filter.kind = kind as DatasetKind
  }
  return filter
}

export function registerDatasetRoutes(app: FastifyInstance, catalog: Catalog): void {
  const tags = [UDM_TAG]
  const locations = catalog.locations

  app.get(
    '/api/v1/datasets',
    { schema: { tags, summary: 'List or filter datasets', querystring: searchQuery } },
    async (request) => ({
      datasets: await locations.listDatasets(readFilter(request)),
    }),
  )

  app.get(
    '/api/v1/search',
    { schema: { tags, summary: 'Search datasets by name, tag or field name', querystring: searchQuery } },
    async (request) => ({ datasets: await locations.listDatasets(readFilter(request)) }),
  )

  app.post(
    '/api/v1/datasets',
    {
      schema: {
        tags,
        summary: 'Create a dataset',
        description:
          'Body: { name: namespace.name, kind: stream|table|kv, value: { format, subject? }, key?, primaryKey?, eventTime?, description?, owner?, tags?, locations: { <env>: [ { cluster, ...system fields } ] } }. See docs/udm.md.',
        body: objectBody,
        response: { 201: objectBody, 400: apiError, 404: apiError, 409: apiError },
      },
    },
    async (request, reply) => {
      const { dataset } = await locations.putDataset(request.body, 'create')
      reply.code(201)
      return dataset
    },
  )

  app.put(
    '/api/v1/datasets/:name',
    { schema: { tags, summary: 'Create or replace a dataset', params: nameParams, body: objectBody } },
    async (request, reply) => {
      const { dataset, change } = await locations.putDataset(
        withName(request.body, param(request, 'name')),
        'upsert',
      )
      reply.code(change === 'created' ? 201 : 200)
      return dataset
    },
  )

  app.get(
    '/api/v1/datasets/:name',
    { schema: { tags, summary: 'Get a dataset', params: nameParams } },
    async (request) => locations.getDataset(param(request, 'name')),
  )

  app.delete(
    '/api/v1/datasets/:name',
    { schema: { tags, summary: 'Delete a dataset', params: nameParams } },
    async (request, reply) => {
      await locations.deleteDataset(param(request, 'name'))
      await catalog.governance.forgetDataset(param(request, 'name'))
      reply.code(204)
    },
  )

  const resolveOptions = {
    schema: {
      tags,
      summary: 'Resolve a logical name to its physical locations in an environment',
      description:
        'Cluster connection properties come with secret references (env:/file:) as written, unless includeSecrets=true, the server allows it (--allow-secrets; file: only inside --secrets-dir) and the caller owns the dataset and each cluster in the answer (cluster:<name>). system= and cluster= keep only the matching locations, so secrets are asked for those alone.',
      params: nameParams,
      querystring: {
        type: 'object',
        properties: {
          environment: { type: 'string' },
          includeSecrets: { type: 'boolean' },
          system: { type: 'string', description: 'Only the locations on this system (kafka, redis, ...)' },
          cluster: { type: 'string', description: 'Only the locations on this cluster' },
        },
      },
    },
  }
  const resolve = async (request: FastifyRequest) => {
    const environment = text(request, 'environment') ?? text(request, 'env')
    return locations.resolve(param(request, 'name'), {
      ...(environment === undefined ? {} : { environment }),
      includeSecrets: flag(request, 'includeSecrets'),
      only: readLocationFilter(request),
    })
  }
  app.get('/api/v1/resolve/:name', resolveOptions, resolve)
  app.get('/api/v1/datasets/:name/resolve', resolveOptions, resolve)

  app.post(
    '/api/v1/catalog/apply',
    {
      schema: {
        tags,
        summary: 'Apply a whole catalog document in one transaction',
        description:
          'Body: { schemas?: [ { subject, schema, schemaType?, references? } ], clusters?: [...], datasets?: [...] }. With dryRun=true nothing is written; the answer says what would change.',
        querystring: { type: 'object', properties: { dryRun: { type: 'boolean' } } },
        body: objectBody,
      },
    },
    async (request) => catalog.apply(readCatalogDocument(request.body), { dryRun: flag(request, 'dryRun') }),
  )
}
