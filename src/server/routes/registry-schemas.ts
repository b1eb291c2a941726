/** Confluent routes under /schemas: schemas by global id (the serializers' hot path), by guid, and listings. */
import type { FastifyInstance } from 'fastify'
import { readSchemaId, schemaByIdBody, subjectVersionBody } from '../../catalog/registry/model.ts'
import type { SchemaRegistry } from '../../catalog/registry/service.ts'
import { flag, integer, param, REGISTRY_CONTENT_TYPE, text } from '../http.ts'
import { booleanQuery, idParams, REGISTRY_TAG } from '../openapi.ts'

export function registerSchemaRoutes(app: FastifyInstance, registry: SchemaRegistry): void {
  const tags = [REGISTRY_TAG]

  app.get(
    '/schemas/types',
    { schema: { tags, summary: 'Supported schema types' } },
    async (_request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.schemaTypes()
    },
  )

  app.get(
    '/schemas',
    {
      schema: {
        tags,
        summary: 'List schemas (subject versions)',
        querystring: {
          type: 'object',
          properties: {
            subjectPrefix: { type: 'string' },
            deleted: { type: 'boolean' },
            latestOnly: { type: 'boolean' },
            offset: { type: 'integer' },
            limit: { type: 'integer' },
          },
        },
      },
    },
    async (request, reply) => {
      const subjectPrefix = text(request, 'subjectPrefix')
      const offset = integer(request, 'offset')
      const limit = integer(request, 'limit')
      const versions = await registry.listSchemas({
        ...(subjectPrefix === undefined ? {} : { subjectPrefix }),
        deleted: flag(request, 'deleted'),
        latestOnly: flag(request, 'latestOnly'),
        ...(offset === undefined ? {} : { offset }),
        ...(limit === undefined ? {} : { limit }),
      })
      reply.type(REGISTRY_CONTENT_TYPE)
      return versions.map(subjectVersionBody)
    },
  )

  app.get(
    '/schemas/ids/:id',
    {
      schema: {
        tags,
        summary: 'Get a schema by its global id',
        description: 'Served from memory after the first read: ids never change meaning.',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            subject: { type: 'string' },
            fetchMaxId: { type: 'boolean' },
            format: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const id = readSchemaId(param(request, 'id'))
      reply.type(REGISTRY_CONTENT_TYPE)
      const format = text(request, 'format')
      if (flag(request, 'fetchMaxId') || format !== undefined) {
        const body = schemaByIdBody(await registry.inFormat(await registry.getSchemaById(id), format))
        return flag(request, 'fetchMaxId') ? { ...body, maxId: await registry.maxId() } : body
      }
      // The cached body is sent as is: no serialization on the hot path.
      return registry.getSchemaByIdBody(id)
    },
  )

  app.get(
    '/schemas/ids/:id/schema',
    { schema: { tags, summary: 'Get only the schema text of an id', params: idParams } },
    async (request, reply) => {
      const schema = await registry.inFormat(
        await registry.getSchemaById(readSchemaId(param(request, 'id'))),
        text(request, 'format'),
      )
      reply.type(REGISTRY_CONTENT_TYPE)
      return schema.schema
    },
  )

  app.get(
    '/schemas/ids/:id/subjects',
    {
      schema: {
        tags,
        summary: 'Subjects registering this id',
        params: idParams,
        querystring: booleanQuery('deleted'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.subjectsForId(readSchemaId(param(request, 'id')), flag(request, 'deleted'))
    },
  )

  app.get(
    '/schemas/ids/:id/versions',
    {
      schema: {
        tags,
        summary: 'Subject versions registering this id',
        params: idParams,
        querystring: booleanQuery('deleted'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.versionsForId(readSchemaId(param(request, 'id')), flag(request, 'deleted'))
    },
  )

  app.get(
    '/schemas/guids/:guid',
    {
      schema: {
        tags,
        summary: 'Get a schema by its guid',
        params: {
          type: 'object',
          properties: { guid: { type: 'string', format: 'uuid' } },
          required: ['guid'],
        },
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return schemaByIdBody(
        await registry.inFormat(
          await registry.getSchemaByGuid(param(request, 'guid')),
          text(request, 'format'),
        ),
      )
    },
  )
}
