/** Liveness, readiness, Prometheus metrics and the OpenAPI document. */
import type { FastifyInstance } from 'fastify'
import { Gauge, type Registry } from 'prom-client'
import type { Catalog } from '../../catalog/catalog.ts'
import { WEIR_VERSION } from '../../version.ts'
import { OPS_TAG } from '../openapi.ts'

const READY_TIMEOUT_MS = 2_000

export interface OperationsState {
  /** Set when shutdown begins, so load balancers stop sending traffic before the listener closes. */
  shuttingDown: boolean
}

export function registerOperationRoutes(
  app: FastifyInstance,
  catalog: Catalog,
  state: OperationsState,
  metrics: Registry,
): void {
  const tags = [OPS_TAG]

  app.get('/health', { schema: { tags, summary: 'Liveness: the process answers' } }, async () => ({
    status: 'ok',
    version: WEIR_VERSION,
  }))

  app.get(
    '/ready',
    {
      schema: {
        tags,
        summary: 'Readiness: the catalog database answers and the server is not shutting down',
      },
    },
    async (_request, reply) => {
      if (state.shuttingDown) {
        reply.code(503)
        return { status: 'shutting_down' }
      }
      try {
        await withTimeout(catalog.database.ping(), READY_TIMEOUT_MS)
        return { status: 'ready', database: catalog.database.description }
      } catch (error) {
        reply.code(503)
        return {
          status: 'unavailable',
          reason: `the catalog database does not answer (${error instanceof Error ? error.message : String(error)}); check ${catalog.database.description}`,
        }
      }
    },
  )

  const cacheGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [metrics],
      collect() {
        this.set(read())
      },
    })
  cacheGauge(
    'weir_registry_id_cache_hits',
    'Schema-by-id reads served from memory',
    () => catalog.registry.stats().idCacheHits,
  )
  cacheGauge(
    'weir_registry_id_cache_misses',
    'Schema-by-id reads that went to the database',
    () => catalog.registry.stats().idCacheMisses,
  )
  cacheGauge(
    'weir_registry_lookup_cache_hits',
    'Subject lookups served from memory',
    () => catalog.registry.stats().lookupCacheHits,
  )
  cacheGauge(
    'weir_registry_lookup_cache_misses',
    'Subject lookups that went to the database',
    () => catalog.registry.stats().lookupCacheMisses,
  )

  app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.type(metrics.contentType)
    return metrics.metrics()
  })

  app.get('/api/docs', { schema: { tags, summary: 'This OpenAPI document' } }, async () => app.swagger())
}

function withTimeout<T>(promise: Promise<T>, millis: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${millis} ms`)), millis)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
