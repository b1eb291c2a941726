/** Confluent routes for compatibility checks, config (compatibility level), mode, contexts and the root. */
import type { FastifyInstance } from 'fastify'
import { readVersion } from '../../catalog/registry/model.ts'
import type { SchemaRegistry } from '../../catalog/registry/service.ts'
import { flag, param, REGISTRY_CONTENT_TYPE } from '../http.ts'
import {
  booleanQuery,
  REGISTRY_TAG,
  schemaRequestBody,
  subjectParams,
  subjectVersionParams,
} from '../openapi.ts'

const compatibilityBody = {
  type: 'object',
  properties: {
    compatibility: {
      type: 'string',
      enum: [
        'NONE',
        'BACKWARD',
        'BACKWARD_TRANSITIVE',
        'FORWARD',
        'FORWARD_TRANSITIVE',
        'FULL',
        'FULL_TRANSITIVE',
      ],
    },
    normalize: { type: 'boolean' },
  },
} as const

const modeBody = {
  type: 'object',
  properties: { mode: { type: 'string', enum: ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] } },
} as const

export function registerConfigRoutes(app: FastifyInstance, registry: SchemaRegistry): void {
  const tags = [REGISTRY_TAG]

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(REGISTRY_CONTENT_TYPE)
    return {}
  })

  app.get(
    '/contexts',
    { schema: { tags, summary: 'Schema contexts (only the default context, ".")' } },
    async (_request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return ['.']
    },
  )

  const compatibilityOptions = (summary: string, withVersion: boolean) => ({
    schema: {
      tags,
      summary,
      params: withVersion ? subjectVersionParams : subjectParams,
      querystring: booleanQuery('verbose', 'normalize'),
      body: schemaRequestBody,
    },
  })
  app.post(
    '/compatibility/subjects/:subject/versions/:version',
    compatibilityOptions('Test a schema against one version of a subject', true),
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.checkCompatibility(
        param(request, 'subject'),
        readVersion(param(request, 'version')),
        request.body,
        {
          verbose: flag(request, 'verbose'),
          normalize: flag(request, 'normalize'),
        },
      )
    },
  )
  app.post(
    '/compatibility/subjects/:subject/versions',
    compatibilityOptions(
      "Test a schema against the subject's versions its compatibility level covers",
      false,
    ),
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.checkCompatibility(param(request, 'subject'), undefined, request.body, {
        verbose: flag(request, 'verbose'),
        normalize: flag(request, 'normalize'),
      })
    },
  )

  app.get('/config', { schema: { tags, summary: 'Global compatibility level' } }, async (_request, reply) => {
    reply.type(REGISTRY_CONTENT_TYPE)
    return registry.getConfig(undefined)
  })
  app.put(
    '/config',
    { schema: { tags, summary: 'Set the global compatibility level', body: compatibilityBody } },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.setConfig(undefined, request.body)
    },
  )
  app.delete(
    '/config',
    { schema: { tags, summary: 'Reset the global compatibility level to BACKWARD' } },
    async (_request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.deleteConfig(undefined)
    },
  )
  app.get(
    '/config/:subject',
    {
      schema: {
        tags,
        summary: "A subject's compatibility level",
        params: subjectParams,
        querystring: booleanQuery('defaultToGlobal'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.getConfig(param(request, 'subject'), {
        defaultToGlobal: flag(request, 'defaultToGlobal'),
      })
    },
  )
  app.put(
    '/config/:subject',
    {
      schema: {
        tags,
        summary: "Set a subject's compatibility level",
        params: subjectParams,
        body: compatibilityBody,
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.setConfig(param(request, 'subject'), request.body)
    },
  )
  app.delete(
    '/config/:subject',
    { schema: { tags, summary: "Remove a subject's level (the global one applies)", params: subjectParams } },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.deleteConfig(param(request, 'subject'))
    },
  )

  app.get('/mode', { schema: { tags, summary: 'Global mode' } }, async (_request, reply) => {
    reply.type(REGISTRY_CONTENT_TYPE)
    return registry.getMode(undefined)
  })
  app.put(
    '/mode',
    { schema: { tags, summary: 'Set the global mode', body: modeBody, querystring: booleanQuery('force') } },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.setMode(undefined, request.body, { force: flag(request, 'force') })
    },
  )
  app.get(
    '/mode/:subject',
    {
      schema: {
        tags,
        summary: "A subject's mode",
        params: subjectParams,
        querystring: booleanQuery('defaultToGlobal'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.getMode(param(request, 'subject'), {
        defaultToGlobal: flag(request, 'defaultToGlobal'),
      })
    },
  )
  app.put(
    '/mode/:subject',
    {
      schema: {
        tags,
        summary: "Set a subject's mode",
        params: subjectParams,
        body: modeBody,
        querystring: booleanQuery('force'),
      },
    },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.setMode(param(request, 'subject'), request.body, { force: flag(request, 'force') })
    },
  )
  app.delete(
    '/mode/:subject',
    { schema: { tags, summary: "Remove a subject's mode (the global one applies)", params: subjectParams } },
    async (request, reply) => {
      reply.type(REGISTRY_CONTENT_TYPE)
      return registry.deleteMode(param(request, 'subject'))
    },
  )
}
