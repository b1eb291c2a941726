/**
 * The Prometheus metrics of the catalog server, defined once: the server observes them, `/metrics` serves the
 * registry. Each server gets its own registry (no prom-client global), so tests and several servers in one
 * process never collide. Label values come from bounded sets: the route pattern, never the raw URL, so a
 * client cannot mint new time series (or inject text into the exposition) by requesting odd paths.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { AuthenticationFailure } from './authorization-header.ts'

export const CATALOG_OBJECTS = [
  'clusters',
  'datasets',
  'subjects',
  'schemas',
  'principals',
  'groups',
  'tokens',
  'grants',
  'audit_records',
  'lineage_jobs',
  'lineage_datasets',
] as const
export type CatalogObject = (typeof CATALOG_OBJECTS)[number]

/** Counts of catalog objects, read from storage at each scrape; objects it leaves out are not reported. */
export type CatalogSizeSource = () => Promise<Partial<Record<CatalogObject, number>>>

export type HttpLabels = 'route' | 'method' | 'status'

export interface CatalogMetrics {
  registry: Registry
  httpRequests: Counter<HttpLabels>
  httpRequestDuration: Histogram<HttpLabels>
  authFailures: Counter<'reason'>
  schemaRegistrations: Counter<'schema_type'>
  catalogSize: Gauge<'object'>
  auditWriteFailures: Counter
}

export interface CatalogMetricsOptions {
  catalogSizes?: CatalogSizeSource
  /** Audit records the writer could not store even alone (AuditWriter.failedRecords), read at each scrape. */
  auditWriteFailures?: () => number
  /** Node.js process metrics (memory, event loop lag, GC); on by default. */
  processMetrics?: boolean
}

/** Down to half a millisecond: schema-by-id must answer within 5 ms at p99. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function createCatalogMetrics(options: CatalogMetricsOptions = {}): CatalogMetrics {
  const registry = new Registry()
  // The prefix server/routes/operations.ts already gives process metrics: this registry can replace that one.
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'weir_udm_' })
  const catalogSizes = options.catalogSizes
  const auditWriteFailures = options.auditWriteFailures
  return {
    registry,
    httpRequests: new Counter({
      name: 'weir_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: 'weir_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'weir_auth_failures_total',
      help: 'Requests refused with 401, by reason (missing, malformed, unknown, mismatch, expired, revoked, ...).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    schemaRegistrations: new Counter({
      name: 'weir_schema_registrations_total',
      help: 'Schema versions registered, by schema type (AVRO, PROTOBUF, JSON).',
      labelNames: ['schema_type'],
      registers: [registry],
    }),
    catalogSize: new Gauge({
      name: 'weir_catalog_objects',
      help: 'Objects in the catalog, by kind.',
      labelNames: ['object'],
      registers: [registry],
      async collect() {
        if (catalogSizes === undefined) return
        const sizes = await catalogSizes()
        for (const object of CATALOG_OBJECTS) {
          const size = sizes[object]
          if (size !== undefined) this.set({ object }, size)
        }
      },
    }),
    auditWriteFailures: new Counter({
      name: 'weir_audit_write_failures_total',
      help: 'Audit records the database refused even when written alone; each is also audited as audit.write_failed.',
      registers: [registry],
      collect() {
        // The writer keeps the count (it lives with the catalog, before any server); mirror it at scrape time.
        if (auditWriteFailures === undefined) return
        this.reset()
        this.inc(auditWriteFailures())
      },
    }),
  }
}

/** The `reason` label of an authentication failure, typed so only the bounded set can be recorded. */
export function recordAuthFailure(metrics: CatalogMetrics, reason: AuthenticationFailure): void {
  metrics.authFailures.inc({ reason })
}
