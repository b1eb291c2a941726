/**
 * The UDM server: the UDM API under /api/v1, the Confluent-compatible schema registry at the root (where
 * serializers expect it), health/readiness/metrics, and the OpenAPI document at /api/docs.
 *
 * `buildServer` returns the Fastify instance without listening: tests use `app.inject` or listen on port 0;
 * `startServer` (serve.ts) listens and handles signals.
 */
import swagger from '@fastify/swagger'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify'
import type { Catalog } from '../catalog/catalog.ts'
import { createCatalogMetrics } from '../catalog/governance/metrics.ts'
import { ADMIN_TOKEN_ENV, redactTokens } from '../catalog/governance/tokens.ts'
import { WEIR_VERSION } from '../version.ts'
import { clientErrorHandler } from './client-errors.ts'
import { checkBody, registerEdgeValidation } from './edge-validation.ts'
import { frameworkErrors, MAX_PATH_PARAM_LENGTH, registerErrorHandling } from './errors.ts'
import { registerEnforcement } from './governance/enforcement.ts'
import { SubjectIndexCache } from './governance/subject-index.ts'
import { registerBodyParsers } from './http.ts'
import { OPS_TAG, REGISTRY_TAG, UDM_TAG } from './openapi.ts'
import { requestIdGenerator } from './request-id.ts'
import { registerGovernanceRoutes, registerLineageRoutes } from './routes/governance.ts'
import { type OperationsState, registerOperationRoutes } from './routes/operations.ts'
import { registerConfigRoutes } from './routes/registry-config.ts'
import { registerSchemaRoutes } from './routes/registry-schemas.ts'
import { registerSubjectRoutes } from './routes/registry-subjects.ts'
import { registerClusterRoutes } from './routes/udm-clusters.ts'
import { registerDatasetRoutes } from './routes/udm-datasets.ts'
import { registerTopicRoutes } from './routes/udm-topics.ts'

export interface ServerOptions {
  catalog: Catalog
  /** Fastify's logger: false (tests), true, or pino options such as { level: 'debug' }. */
  logger?: FastifyServerOptions['logger']
  /** A ready pino logger to use instead (the serve command shares one with its startup messages). */
  loggerInstance?: FastifyBaseLogger
  /** Closes the catalog when the server closes (the server opened it). */
  closeCatalog?: boolean
  /** The bootstrap admin token of an empty catalog; default WEIR_ADMIN_TOKEN, else a new one is logged once. */
  adminToken?: string
  /** Request bodies larger than this are refused with 413; 1 MiB by default. */
  bodyLimit?: number
  /** Require a token for /metrics. */
  protectMetrics?: boolean
}

export type WeirServer = FastifyInstance & { readonly operations: OperationsState }

/** Schemas and catalog documents are kilobytes; a megabyte leaves room without inviting memory exhaustion. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export async function buildServer(options: ServerOptions): Promise<WeirServer> {
  const app = Fastify({
    ...(options.loggerInstance === undefined
      ? { logger: options.logger ?? false }
      : { loggerInstance: options.loggerInstance }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Subject names are often long (com.example.events.PageView-value) and may be URL-encoded.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors,
    // A URL over Node's 16 KiB header limit answers 414 instead of a reset connection.
    clientErrorHandler,
    // One line per request is logged by the hook below, at a level that keeps the hot path quiet.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Audit records carry the request id: it must not repeat after a restart (see request-id.ts).
    genReqId: requestIdGenerator(),
  })
  const operations: OperationsState = { shuttingDown: false }

  // Route schemas document the API; validation happens in the domain code, which knows the right error codes.
  app.setValidatorCompiler(() => () => true)
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  registerBodyParsers(app, checkBody)
  registerErrorHandling(app)
  // Before enforcement: a path or query the storage cannot keep is refused before it reaches auth or audit.
  registerEdgeValidation(app)
  const metrics = createCatalogMetrics({
    catalogSizes: () => options.catalog.governance.catalogSizes(),
    auditWriteFailures: () => options.catalog.governance.audit.failedRecords,
  })
  registerEnforcement(app, {
    context: { catalog: options.catalog, subjects: new SubjectIndexCache(options.catalog) },
    metrics,
    protectMetrics: options.protectMetrics === true,
  })
  const bootstrap = await options.catalog.governance.bootstrap({
    [ADMIN_TOKEN_ENV]: options.adminToken ?? process.env[ADMIN_TOKEN_ENV],
  })
  if (bootstrap?.source === 'generated') {
    app.log.warn(
      { adminToken: bootstrap.token },
      'empty catalog: created principal admin with this token; it is shown only now, so store it (set WEIR_ADMIN_TOKEN to choose it instead)',
    )
  }

  if (options.logger || options.loggerInstance !== undefined) {
    // The level is fixed for the process; checking it once keeps the hot path free of log-line building.
    const logReads = app.log.level === 'debug' || app.log.level === 'trace'
    app.addHook('onResponse', (request, reply, done) => {
      // Reads are the bulk of the traffic (serializers fetching schemas): debug; writes and failures: info.
      const read = request.method === 'GET' && reply.statusCode < 400
      if (!read || logReads) {
        const line = {
          method: request.method,
          // A token pasted into a path or query (`DELETE /api/v1/tokens/<token>`) must not reach the log.
          url: redactTokens(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        }
        if (read) request.log.debug(line, 'request')
        else request.log.info(line, 'request')
      }
      done()
    })
  }

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Weir UDM',
        version: WEIR_VERSION,
        description:
          'Unified data management: clusters, datasets and their locations (/api/v1), and a schema registry compatible with Confluent Schema Registry clients (root paths).',
      },
      tags: [{ name: UDM_TAG }, { name: REGISTRY_TAG }, { name: OPS_TAG }],
    },
  })

  registerOperationRoutes(app, options.catalog, operations, metrics.registry)
  registerGovernanceRoutes(app, options.catalog.governance)
  registerLineageRoutes(app, options.catalog.governance)
  registerClusterRoutes(app, options.catalog.locations)
  registerDatasetRoutes(app, options.catalog)
  registerTopicRoutes(app, options.catalog)
  registerSubjectRoutes(app, options.catalog.registry)
  registerSchemaRoutes(app, options.catalog.registry)
  registerConfigRoutes(app, options.catalog.registry)

  app.addHook('preClose', (done) => {
    operations.shuttingDown = true
    done()
  })
  if (options.closeCatalog === true) {
    app.addHook('onClose', async () => {
      await options.catalog.close()
    })
  }
  await app.ready()
  return Object.assign(app, { operations }) as WeirServer
}
