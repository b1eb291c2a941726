/**
 * Every error a route throws is turned into a response here, and only here. Registry routes answer in
 * Confluent's shape `{ error_code, message }` (clients parse it); the UDM API answers
 * `{ error: { code, message, field? } }`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DataDirInUseError } from '../catalog/db/data-dir-lock.ts'
import { redactTokens } from '../catalog/governance/tokens.ts'
import { CatalogError } from '../catalog/locations/errors.ts'
import { RegistryError } from '../catalog/registry/errors.ts'
import { REGISTRY_CONTENT_TYPE } from './http.ts'

export const API_PREFIX = '/api/'

/** The longest name a path may carry (subjects like com.example.events.PageView-value, URL-encoded, fit). */
export const MAX_PATH_PARAM_LENGTH = 1000

function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith(API_PREFIX)
}

interface Mapped {
  status: number
  registry: { error_code: number; message: string }
  api: { error: { code: string; message: string; field?: string } }
}

function map(error: unknown, request: FastifyRequest): Mapped {
  if (error instanceof RegistryError) {
    return {
      status: error.httpStatus,
      registry: { error_code: error.errorCode, message: error.message },
      api: { error: { code: `registry_${error.errorCode}`, message: error.message } },
    }
  }
  if (error instanceof CatalogError) {
    return {
      status: error.status,
      registry: { error_code: error.status, message: error.message },
      api: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.field === undefined ? {} : { field: error.field }),
        },
      },
    }
  }
  const fastifyError = error as Partial<FastifyError>
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = describeClientError(fastifyError, request)
    return {
      status,
      registry: { error_code: status, message },
      api: { error: { code: fastifyError.code ?? 'bad_request', message } },
    }
  }
  const busy = error instanceof DataDirInUseError
  const message = busy
    ? (error as Error).message
    : `Error in the backend data store; the server log has the details (request ${request.id}). Retry, and check that the catalog database is reachable.`
  return {
    status: busy ? 503 : 500,
    registry: { error_code: 50001, message },
    api: { error: { code: 'internal', message } },
  }
}

function describeClientError(error: Partial<FastifyError>, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Unsupported Content-Type '${request.headers['content-type'] ?? ''}'; send application/json or application/vnd.schemaregistry.v1+json.`
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large; send a smaller document (the server sets the limit, 1 MiB by default).'
    case 'FST_ERR_BAD_URL':
      return 'The URL path is not valid: a percent-escape (%XX) is malformed or does not decode to UTF-8; encode each name with encodeURIComponent.'
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return `A name in the URL path is longer than ${MAX_PATH_PARAM_LENGTH} characters; use a shorter name.`
    default:
      return error.message ?? 'Bad request.'
  }
}

/** Error messages may echo the input, and a token in the input must not reach the log (tokens.ts). */
function loggable(error: unknown): unknown {
  if (!(error instanceof Error)) return error
  const message = redactTokens(error.message)
  const stack = error.stack === undefined ? undefined : redactTokens(error.stack)
  if (message === error.message && stack === error.stack) return error
  const copy = Object.assign(new Error(message), {
    name: error.name,
    code: (error as { code?: unknown }).code,
  })
  copy.stack = stack ?? ''
  return copy
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = map(error, request)
  if (mapped.status >= 500) request.log.error({ err: loggable(error) }, 'request failed')
  else request.log.debug({ err: loggable(error) }, 'request rejected')
  reply.code(mapped.status)
  if (isApiRequest(request)) return reply.send(mapped.api)
  return reply.type(REGISTRY_CONTENT_TYPE).send(mapped.registry)
}

/**
 * Fastify's `frameworkErrors` option: a URL the router cannot decode (400) or a path name over the length
 * limit (414) is answered before any route or hook runs; this gives those answers the same shape as the rest.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(error, request, reply)
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) =>
    sendError(error, request, reply),
  )

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    reply.code(404)
    if (isApiRequest(request)) {
      return reply.send({
        error: {
          code: 'no_such_route',
          message: `No route ${request.method} ${request.url.split('?')[0]}; the API is described at /api/docs.`,
        },
      })
    }
    return reply.type(REGISTRY_CONTENT_TYPE).send({ error_code: 404, message: 'HTTP 404 Not Found' })
  })
}
