import type { BoundExpr } from '../../expr/bound-expr.ts'
import { literalValue } from '../../expr/bound-expr.ts'
import { type LogicalType, types } from '../../types/logical-type.ts'
import {
  evaluateJsonPath,
  JsonDocumentCache,
  type JsonPath,
  jsonPath,
  jsonScalarText,
  jsonStructureText,
} from '../runtime/json-path.ts'
import type { RuntimeEnv, ScalarFunction } from '../scalar-function.ts'
import { scalar } from '../scalar-function.ts'
import { P } from '../signature.ts'

/** One document cache per runtime environment, so all JSON calls of a compiled plan share the last parse. */
const documentCaches = new WeakMap<RuntimeEnv, JsonDocumentCache>()

function documentCache(env: RuntimeEnv): JsonDocumentCache {
  let cache = documentCaches.get(env)
  if (cache === undefined) {
    cache = new JsonDocumentCache()
    documentCaches.set(env, cache)
  }
  return cache
}

function validPath(args: readonly BoundExpr[]): string | undefined {
  const path = literalValue(args[1])
  if (typeof path !== 'string') return undefined
  try {
    jsonPath(path)
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/** Evaluates the path at each call; a literal path is compiled once, a computed one through the path cache. */
function jsonFunction(
  name: string,
  resultType: LogicalType,
  result: (value: unknown) => unknown,
): ScalarFunction {
  return scalar({
    name,
    signatures: { params: [P.string, P.string] },
    returnType: resultType,
    nulls: 'strict-nullable',
    validate: validPath,
    implement: (args, env) => {
      const documents = documentCache(env)
      const fixed = literalValue(args[1])
      const compiled: JsonPath | undefined = typeof fixed === 'string' ? jsonPath(fixed) : undefined
      return {
        fn: (json: string, path: string) => {
          const document = documents.parse(json)
          if (document === undefined) return null
          let resolved = compiled
          if (resolved === undefined) {
            try {
              resolved = jsonPath(path)
            } catch {
              return null
            }
          }
          return result(evaluateJsonPath(document, resolved))
        },
      }
    },
  })
}

export const JSON_FUNCTIONS: readonly ScalarFunction[] = [
  jsonFunction('JSON_VALUE', types.string(), jsonScalarText),
  jsonFunction('JSON_QUERY', types.string(), jsonStructureText),
  jsonFunction('JSON_EXISTS', types.boolean(), (value) => value !== undefined),
  scalar({
    name: 'CARDINALITY',
    signatures: { params: [P.collection] },
    returnType: types.int(),
    implement: () => ({
      fn: (value: unknown[] | Map<unknown, unknown>) => (Array.isArray(value) ? value.length : value.size),
    }),
  }),
]
