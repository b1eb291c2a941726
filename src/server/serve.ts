/**
 * Runs the UDM server as a process: opens the catalog (PGlite data directory or PostgreSQL), listens, and
 * shuts down gracefully on SIGTERM/SIGINT: readiness turns 503, in-flight requests finish, the listener and the
 * database close, then the process exits. A second signal, or a stuck shutdown, exits at once.
 */
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import { Catalog } from '../catalog/catalog.ts'
import type { CatalogDatabaseOptions } from '../catalog/db/connection.ts'
import {
  ALLOW_SECRETS,
  DENY_SECRETS,
  NO_SECRET_FILES,
  secretFilesWithin,
} from '../catalog/locations/secrets.ts'
import { buildServer, type WeirServer } from './app.ts'
import { logAuditAnchors } from './audit-anchor-log.ts'

export interface ServeOptions {
  database: CatalogDatabaseOptions
  host: string
  port: number
  /** Let `resolve?includeSecrets=true` hand out secrets, to callers that own the dataset. */
  allowSecrets?: boolean
  /** The only directory `file:` secret references may point into; without it, file secrets are refused. */
  secretsDir?: string
  /** See ServerOptions. */
  adminToken?: string
  bodyLimit?: number
  protectMetrics?: boolean
  defaultEnvironment?: string
  logLevel?: string
  /** A logger to use (tests pass a silent one); otherwise JSON lines on stdout at `logLevel`. */
  logger?: FastifyBaseLogger
}

export interface RunningServer {
  /** http://host:port, with the port actually bound (useful with port 0). */
  url: string
  app: WeirServer
  catalog: Catalog
  /** Graceful stop: refuses new requests, finishes in-flight ones, closes the listener and the database. */
  stop(): Promise<void>
}

const SHUTDOWN_TIMEOUT_MS = 10_000

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log =
    options.logger ??
    (pino({ level: options.logLevel ?? 'info', base: { service: 'weir-udm' } }) as FastifyBaseLogger)
  const began = Date.now()
  log.info(
    { database: describe(options.database) },
    'opening the catalog (a new embedded catalog takes a few seconds to initialize)',
  )
  const catalog = await Catalog.open({
    database: options.database,
    onAuditError: (error) => log.error({ err: error }, 'could not write audit records'),
    locations: {
      secretAccess: options.allowSecrets === true ? ALLOW_SECRETS : DENY_SECRETS,
      secretFiles: options.secretsDir === undefined ? NO_SECRET_FILES : secretFilesWithin(options.secretsDir),
      ...(options.defaultEnvironment === undefined ? {} : { defaultEnvironment: options.defaultEnvironment }),
    },
  })
  let app: WeirServer
  try {
    app = await buildServer({
      catalog,
      loggerInstance: log,
      ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
      ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
      ...(options.protectMetrics === undefined ? {} : { protectMetrics: options.protectMetrics }),
    })
    await app.listen({ host: options.host, port: options.port })
  } catch (error) {
    await catalog.close()
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port} on ${options.host} is already in use (another weir udm serve, or a schema registry?); stop it or pick another port with --port`,
      )
    }
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`
  log.info(
    {
      url,
      database: catalog.database.description,
      migrations: catalog.database.appliedMigrations,
      startupMs: Date.now() - began,
    },
    `UDM server ready: schema registry at ${url}, UDM API at ${url}/api/v1, OpenAPI at ${url}/api/docs`,
  )
  const anchors = await logAuditAnchors(catalog.governance, log)
  let stopping: Promise<void> | undefined
  return {
    url,
    app,
    catalog,
    stop() {
      // The database closes only after Fastify has closed: every in-flight request has had its answer.
      stopping ??= app
        .close()
        .then(() => anchors.stop())
        .then(() => catalog.close())
      return stopping
    },
  }
}

/** Installs SIGTERM/SIGINT handlers that stop the server gracefully and then exit the process. */
export function stopOnSignals(server: RunningServer): void {
  const log = server.app.log
  let signalled = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting without waiting for the shutdown to finish')
      process.exit(1)
    }
    signalled = true
    log.info({ signal }, 'shutting down: finishing in-flight requests, then closing the database')
    const timer = setTimeout(() => {
      log.error(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS} ms; exiting anyway`)
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS)
    timer.unref()
    server.stop().then(
      () => {
        log.info('stopped')
        process.exit(0)
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

function describe(database: CatalogDatabaseOptions): string {
  if ('databaseUrl' in database) return 'PostgreSQL'
  if ('dataDir' in database) return `PGlite in ${database.dataDir}`
  return 'PGlite in memory'
}
