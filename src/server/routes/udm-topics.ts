/**
 * /api/v1 topic administration: the Kafka topics of a dataset (by logical name, with its locations'
 * partitions and replication), and topics named directly on a catalog cluster. Who may do what is in
 * governance/route-table.ts (docs/udm.md#topics).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Catalog } from '../../catalog/catalog.ts'
import { isRecord, readPositiveInteger, readString } from '../../catalog/locations/input.ts'
import { param, text } from '../http.ts'
import { nameParams, objectBody, UDM_TAG } from '../openapi.ts'
import { TopicService } from '../topic-service.ts'

const environmentQuery = {
  type: 'object',
  properties: { environment: { type: 'string' } },
} as const

const topicParams = {
  type: 'object',
  properties: { name: { type: 'string' }, topic: { type: 'string' } },
  required: ['name', 'topic'],
} as const

function environmentOf(request: FastifyRequest): string | undefined {
  return text(request, 'environment') ?? text(request, 'env')
}

export function registerTopicRoutes(app: FastifyInstance, catalog: Catalog): void {
  const tags = [UDM_TAG]
  const topics = new TopicService(catalog.locations)

  app.post(
    '/api/v1/datasets/:name/topics',
    {
      schema: {
        tags,
        summary: "Create the dataset's Kafka topics (those that do not exist yet)",
        description:
          "One topic per Kafka location of the dataset in the environment, with the location's partitions and replicationFactor (the broker's defaults when absent). Needs editor on the dataset and on each cluster (cluster:<name>).",
        params: nameParams,
        querystring: environmentQuery,
      },
    },
    async (request) => {
      const targets = await topics.datasetTargets(param(request, 'name'), environmentOf(request))
      return { topics: await topics.create(targets) }
    },
  )

  app.get(
    '/api/v1/datasets/:name/topics',
    {
      schema: {
        tags,
        summary: "Describe the dataset's Kafka topics: partitions, leaders, replicas",
        params: nameParams,
        querystring: environmentQuery,
      },
    },
    async (request) => {
      const targets = await topics.datasetTargets(param(request, 'name'), environmentOf(request))
      return { topics: await topics.describe(targets) }
    },
  )

  app.delete(
    '/api/v1/datasets/:name/topics',
    {
      schema: {
        tags,
        summary: "Delete the dataset's Kafka topics and their data (the dataset stays in the catalog)",
        description: 'Needs owner on the dataset and editor on each cluster (cluster:<name>).',
        params: nameParams,
        querystring: environmentQuery,
      },
    },
    async (request) => {
      const targets = await topics.datasetTargets(param(request, 'name'), environmentOf(request))
      return { topics: await topics.delete(targets) }
    },
  )

  app.get(
    '/api/v1/clusters/:name/topics',
    { schema: { tags, summary: "List a Kafka cluster's topics", params: nameParams } },
    async (request) => ({ topics: await topics.list(param(request, 'name')) }),
  )

  app.post(
    '/api/v1/clusters/:name/topics',
    {
      schema: {
        tags,
        summary: 'Create a topic by its name on a Kafka cluster (admin)',
        description: 'Body: { topic, partitions?, replicationFactor? }.',
        params: nameParams,
        body: objectBody,
      },
    },
    async (request) => {
      const body = isRecord(request.body) ? request.body : {}
      const spec = {
        partitions: readPositiveInteger(body, 'partitions', ''),
        replicationFactor: readPositiveInteger(body, 'replicationFactor', ''),
      }
      const target = await topics.clusterTarget(
        param(request, 'name'),
        readString(body, 'topic', '', true),
        Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)),
      )
      return { topics: await topics.create([target]) }
    },
  )

  app.get(
    '/api/v1/clusters/:name/topics/:topic',
    { schema: { tags, summary: 'Describe a topic of a Kafka cluster', params: topicParams } },
    async (request) => {
      const target = await topics.clusterTarget(param(request, 'name'), param(request, 'topic'))
      return { topics: await topics.describe([target]) }
    },
  )

  app.delete(
    '/api/v1/clusters/:name/topics/:topic',
    {
      schema: {
        tags,
        summary: 'Delete a topic of a Kafka cluster and its data (admin)',
        params: topicParams,
      },
    },
    async (request) => {
      const target = await topics.clusterTarget(param(request, 'name'), param(request, 'topic'))
      return { topics: await topics.delete([target]) }
    },
  )
}
