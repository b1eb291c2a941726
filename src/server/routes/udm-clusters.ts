/** /api/v1/clusters: where data lives. Secret properties are references; responses never carry secret values. */
import type { FastifyInstance } from 'fastify'
import { CatalogError } from '../../catalog/locations/errors.ts'
import { isRecord } from '../../catalog/locations/input.ts'
import type { LocationService } from '../../catalog/locations/service.ts'
import { param } from '../http.ts'
import { apiError, nameParams, objectBody, UDM_TAG } from '../openapi.ts'

export function registerClusterRoutes(app: FastifyInstance, locations: LocationService): void {
  const tags = [UDM_TAG]

  app.get('/api/v1/clusters', { schema: { tags, summary: 'List clusters' } }, async () => ({
    clusters: await locations.listClusters(),
  }))

  app.post(
    '/api/v1/clusters',
    {
      schema: {
        tags,
        summary: 'Register a cluster',
        description:
          'Body: { name, system: kafka|redis|hdfs|hive|hbase|mysql|postgres, description?, properties }. Secret properties must be references: env:NAME or file:/path.',
        body: objectBody,
        response: { 201: objectBody, 400: apiError, 409: apiError },
      },
    },
    async (request, reply) => {
      const { cluster } = await locations.putCluster(request.body, 'create')
      reply.code(201)
      return cluster
    },
  )

  app.put(
    '/api/v1/clusters/:name',
    { schema: { tags, summary: 'Create or replace a cluster', params: nameParams, body: objectBody } },
    async (request, reply) => {
      const { cluster, change } = await locations.putCluster(
        withName(request.body, param(request, 'name')),
        'upsert',
      )
      reply.code(change === 'created' ? 201 : 200)
      return cluster
    },
  )

  app.get(
    '/api/v1/clusters/:name',
    { schema: { tags, summary: 'Get a cluster', params: nameParams } },
    async (request) => locations.getCluster(param(request, 'name')),
  )

  app.delete(
    '/api/v1/clusters/:name',
    { schema: { tags, summary: 'Delete a cluster no dataset uses', params: nameParams } },
    async (request, reply) => {
      await locations.deleteCluster(param(request, 'name'))
      reply.code(204)
    },
  )
}

/** PUT /…/{name}: the path names the object; a body naming another is a mistake worth reporting. */
export function withName(body: unknown, name: string): unknown {
  if (!isRecord(body)) return body
  if (body.name !== undefined && body.name !== name) {
    throw new CatalogError(
      400,
      'invalid_field',
      `name: the body says '${String(body.name)}' but the path says '${name}'; make them match`,
      'name',
    )
  }
  return { ...body, name }
}
