/** Confluent routes under /subjects: register, look up, list, fetch and delete subject versions. */
import type { FastifyInstance } from 'fastify'
import { readVersion, subjectVersionBody } from '../../catalog/registry/model.ts'
import type { SchemaRegistry } from '../../catalog/registry/service.ts'
import { flag, param, REGISTRY_CONTENT_TYPE, text } from '../http.ts'
import {
  booleanQuery,
  REGISTRY_TAG,
  registryError,
  schemaRequestBody,
  subjectParams,
  subjectVersionParams,
} from '../openapi.ts'

export function registerSubjectRoutes(app: FastifyInstance, registry: SchemaRegistry): void {
  const tags = [REGISTRY_TAG]

  app.get(
    '/subjects',
    {
      schema: {
        tags,
        summary: 'List subjects',
        querystring: {
          type: 'object',
          properties: {
            subjectPrefix: { type: 'string' },
            deleted: { type: 'boolean' },
            deletedOnly: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      const prefix = text(request, 'subjectPrefix')
      return registry.listSubjects({
        ...(prefix === undefined ? {} : { prefix }),
        deleted: flag(request, 'deleted'),
        deletedOnly: flag(request, 'deletedOnly'),
      })
    },
  )

  app.get(
    '/subjects/:subject/versions',
    {
      schema: {
        tags,
        summary: 'List the versions of a subject',
        params: subjectParams,
        querystring: booleanQuery('deleted', 'deletedOnly'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.listVersions(param(request, 'subject'), {
        deleted: flag(request, 'deleted'),
        deletedOnly: flag(request, 'deletedOnly'),
      })
    },
  )

  app.post(
    '/subjects/:subject/versions',
    {
      schema: {
        tags,
        summary: 'Register a schema under a subject',
        description:
          'Returns the global id. Registering a schema the subject already has returns its existing id and version. 409 when incompatible, 422 (42201) when invalid.',
        params: subjectParams,
        querystring: booleanQuery('normalize'),
        body: schemaRequestBody,
        response: { 409: registryError, 422: registryError },
      },
    },
    async (request, reply) => {
      const result = await registry.register(param(request, 'subject'), request.body, {
        normalize: flag(request, 'normalize'),
      })
      reply.type(REGISTRY_CONTENT_TYPE)
      return { id: result.id, version: result.version, guid: result.guid }
    },
  )

  app.get(
    '/subjects/:subject/versions/:version',
    {
      schema: {
        tags,
        summary: 'Get a subject version',
        description: 'format=serialized returns a Protobuf schema as a base64 FileDescriptorProto.',
        params: subjectVersionParams,
        querystring: {
          type: 'object',
          properties: { deleted: { type: 'boolean' }, format: { type: 'string', enum: ['serialized'] } },
        },
      },
    },
    async (request, reply) => {
      const version = await registry.getVersion(
        param(request, 'subject'),
        readVersion(param(request, 'version')),
        {
          deleted: flag(request, 'deleted'),
        },
      )
      reply.type(REGISTRY_CONTENT_TYPE)
      return subjectVersionBody(await registry.inFormat(version, text(request, 'format')))
    },
  )

  app.get(
    '/subjects/:subject/versions/:version/schema',
    {
      schema: {
        tags,
        summary: 'Get only the schema text of a subject version',
        params: subjectVersionParams,
      },
    },
    async (request, reply) => {
      const version = await registry.getVersion(
        param(request, 'subject'),
        readVersion(param(request, 'version')),
        {
          deleted: flag(request, 'deleted'),
        },
      )
      reply.type(REGISTRY_CONTENT_TYPE)
      return (await registry.inFormat(version, text(request, 'format'))).schema
    },
  )

  app.get(
    '/subjects/:subject/versions/:version/referencedby',
    {
      schema: {
        tags,
        summary: 'Ids of the schemas that reference this version',
        params: subjectVersionParams,
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.referencedBy(param(request, 'subject'), readVersion(param(request, 'version')))
    },
  )

  app.delete(
    '/subjects/:subject/versions/:version',
    {
      schema: {
        tags,
        summary: 'Delete a subject version (soft, or permanent=true after a soft delete)',
        params: subjectVersionParams,
        querystring: booleanQuery('permanent'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.deleteVersion(param(request, 'subject'), readVersion(param(request, 'version')), {
        permanent: flag(request, 'permanent'),
      })
    },
  )

  app.post(
    '/subjects/:subject',
    {
      schema: {
        tags,
        summary: 'Look up a schema under a subject',
        description:
          'Returns the subject version holding the schema: 40401 when the subject is unknown, 40403 when the schema is not registered there.',
        params: subjectParams,
        querystring: booleanQuery('normalize', 'deleted'),
        body: schemaRequestBody,
      },
    },
    async (request, reply) => {
      const version = await registry.lookup(param(request, 'subject'), request.body, {
        normalize: flag(request, 'normalize'),
        deleted: flag(request, 'deleted'),
      })
      reply.type(REGISTRY_CONTENT_TYPE)
      return subjectVersionBody(version)
    },
  )

  app.delete(
    '/subjects/:subject',
    {
      schema: {
        tags,
        summary: 'Delete a subject (soft, or permanent=true after a soft delete)',
        params: subjectParams,
        querystring: booleanQuery('permanent'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.deleteSubject(param(request, 'subject'), { permanent: flag(request, 'permanent') })
    },
  )
}
