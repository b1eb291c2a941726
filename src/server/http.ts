/**
 * Shared HTTP details: the registry's content types, body parsing for all JSON flavours Confluent clients send,
 * and readers for query parameters (which arrive as strings).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** What the registry answers with, like Confluent's. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

/** Bodies accepted as JSON. Confluent clients send the vnd types; curl users send application/json. */
export const JSON_CONTENT_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
]

export class MalformedBodyError extends Error {
  override readonly name = 'MalformedBodyError'
  readonly statusCode = 400
}

/**
 * One JSON parser for every accepted type. An empty body parses to undefined rather than failing, because
 * clients send `Content-Type: application/json` on DELETEs without a body; handlers that need a body say so.
 * `check` sees each parsed body before any hook or handler does (app.ts passes the edge checks) and throws to
 * refuse it.
 */
export function registerBodyParsers(app: FastifyInstance, check: (body: unknown) => void = () => {}): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(JSON_CONTENT_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      done(
        new MalformedBodyError(`The request body is not valid JSON (${reason}); send a JSON document.`),
        undefined,
      )
      return
    }
    try {
      check(parsed)
    } catch (error) {
      done(error as Error, undefined)
      return
    }
    done(null, parsed)
  })
}

type Query = Record<string, string | string[] | undefined>

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query)[name]
  return Array.isArray(value) ? value.at(-1) : value
}

/** `?deleted=true` style flags; anything but "true" (any case) is false, as in Confluent's JAX-RS resources. */
export function flag(request: FastifyRequest, name: string): boolean {
  return queryValue(request, name)?.toLowerCase() === 'true'
}

export function text(request: FastifyRequest, name: string): string | undefined {
  const value = queryValue(request, name)
  return value === undefined || value === '' ? undefined : value
}

export function integer(request: FastifyRequest, name: string): number | undefined {
  const value = queryValue(request, name)
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined
  return Number(value)
}

export function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? ''
}
