/**
 * Input checks every request passes before anything else sees it: no authentication, audit record, log field
 * or database query is ever built from a path, query string or body holding text the storage cannot keep (a
 * NUL byte: PostgreSQL text and jsonb refuse it, and one such value used to fail a whole audit batch), text
 * that is not valid Unicode (a lone surrogate cannot be encoded as UTF-8), or a control character in a name.
 * The answer is a 400 naming the field, so the caller knows what to fix.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CatalogError } from '../catalog/locations/errors.ts'
import { ErrorCodes, RegistryError } from '../catalog/registry/errors.ts'
import { API_PREFIX } from './errors.ts'

/** Nesting deeper than this is refused: no catalog document, schema request or lineage event comes close. */
export const MAX_BODY_DEPTH = 64

/** Body fields that name things: names never contain control characters (they end up in URLs, logs, audit). */
const NAME_FIELDS = new Set([
  'name',
  'subject',
  'principal',
  'group',
  'scope',
  'namespace',
  'cluster',
  'role',
  'kind',
])

// A high surrogate not followed by a low one, or a low one not preceded by a high one (String#isWellFormed,
// which the TypeScript target here does not declare).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f]/

/** Why a text is refused, or undefined when it is fine; `name` texts (paths, queries, names) are stricter. */
export function textProblem(text: string, name: boolean): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL byte (%00 or \\u0000)'
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (it holds a lone UTF-16 surrogate)'
  if (name && CONTROL.test(text)) return 'contains a control character'
  return undefined
}

function invalid(field: string, problem: string, where: string): CatalogError {
  return new CatalogError(
    400,
    'invalid_field',
    `${field}: ${problem} in the ${where}; remove it and retry.`,
    field,
  )
}

/** Path parameters and query parameters (names and values) are names and filters: no control characters. */
export function checkUrlInput(request: FastifyRequest): void {
  const params = request.params
  if (typeof params === 'object' && params !== null) {
    for (const [field, value] of Object.entries(params as Record<string, unknown>)) {
      const problem = typeof value === 'string' ? textProblem(value, true) : undefined
      if (problem === undefined) continue
      // Confluent answers a bad subject name with 42208, and registry clients know that code.
      if (field === 'subject' && !request.url.startsWith(API_PREFIX)) {
        throw new RegistryError(
          422,
          ErrorCodes.INVALID_SUBJECT,
          `The specified subject is not valid: it ${problem}; use 1 to 255 characters without control characters.`,
        )
      }
      throw invalid(field, problem, 'path')
    }
  }
  const query = request.query
  if (typeof query === 'object' && query !== null) {
    for (const [field, value] of Object.entries(query as Record<string, unknown>)) {
      const keyProblem = textProblem(field, true)
      if (keyProblem !== undefined) throw invalid('(query parameter name)', keyProblem, 'query string')
      for (const item of Array.isArray(value) ? value : [value]) {
        const problem = typeof item === 'string' ? textProblem(item, true) : undefined
        if (problem !== undefined) throw invalid(field, problem, 'query string')
      }
    }
  }
}

/**
 * Walks a parsed JSON body without recursion (a hostile body may nest thousands of levels) and throws for
 * the first bad key or string, naming it the way the domain errors do: `references[0].subject`.
 */
export function checkBody(body: unknown): void {
  const stack: Array<{ value: unknown; field: string; depth: number; key: string | undefined }> = [
    { value: body, field: '', depth: 0, key: undefined },
  ]
  while (stack.length > 0) {
    const { value, field, depth, key } = stack.pop()!
    if (typeof value === 'string') {
      const problem = textProblem(value, key !== undefined && NAME_FIELDS.has(key))
      if (problem !== undefined) throw invalid(field || 'body', problem, 'request body')
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    if (depth >= MAX_BODY_DEPTH) {
      const at = field || 'body'
      throw new CatalogError(
        400,
        'invalid_field',
        `${at}: the request body nests deeper than ${MAX_BODY_DEPTH} levels; send a flatter document.`,
        at,
      )
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, field: `${field}[${index}]`, depth: depth + 1, key })
      })
      continue
    }
    for (const [name, item] of Object.entries(value)) {
      const child = field === '' ? name : `${field}.${name}`
      const problem = textProblem(name, true)
      if (problem !== undefined) throw invalid(child, `(a key) ${problem}`, 'request body')
      stack.push({ value: item, field: child, depth: depth + 1, key: name })
    }
  }
}

/**
 * Registers the checks. Call before the enforcement hooks: `onRequest` hooks run in the order they are added,
 * so a bad path or query is refused before authentication and audit see it; bodies are checked by the body
 * parser (see http.ts), before any handler or authorization check reads them.
 */
export function registerEdgeValidation(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    checkUrlInput(request)
  })
}
