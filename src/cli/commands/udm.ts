/** `weir udm serve`: the UDM server (catalog API + Confluent-compatible schema registry). */
import { type Command, InvalidArgumentError } from 'commander'
import { useJsonLogFormat } from '../../logging.ts'
import { startServer, stopOnSignals } from '../../server/serve.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { addDeprecatedAlias } from '../deprecated-option.ts'
import { DEFAULT_DATA_DIR, DEFAULT_PORT, reportFailures } from './udm-options.ts'

interface ServeFlags {
  dataDir?: string
  databaseUrl?: string
  port: number
  host: string
  allowSecrets?: boolean
  secretsDir?: string
  env?: string
  logLevel: string
  bodyLimit?: number
  protectMetrics?: boolean
}

function port(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0 || number > 65_535) {
    throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`)
  }
  return number
}

function bodyLimit(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`'${value}' is not a byte count`)
  return number
}

export function registerUdmCommands(program: Command): void {
  const udm = program.command('udm').description(TOP_LEVEL_DESCRIPTIONS.udm)

  addDeprecatedAlias(
    udm
      .command('serve')
      .description(
        'run the UDM server: UDM API at /api/v1, Confluent-compatible schema registry at /, OpenAPI at /api/docs',
      )
      .option('--data-dir <dir>', `embedded catalog (PGlite) data directory (default: ${DEFAULT_DATA_DIR})`)
      .option(
        '--database-url <url>',
        'use PostgreSQL instead, e.g. postgres://weir@db:5432/weir (default: $WEIR_DATABASE_URL)',
      )
      .option(
        '--port <port>',
        `port to listen on (default: ${DEFAULT_PORT}, Confluent's registry port)`,
        port,
        DEFAULT_PORT,
      )
      .option('--host <host>', 'address to listen on; 0.0.0.0 to accept remote clients', '127.0.0.1')
      .option(
        '--allow-secrets',
        'let resolve?includeSecrets=true return resolved secrets, to callers that own the dataset (or admins)',
      )
      .option(
        '--secrets-dir <dir>',
        'the only directory file: secret references may point into (default: none, file secrets are refused)',
      )
      .option(
        '--body-limit <bytes>',
        'refuse request bodies larger than this with 413 (default: 1 MiB)',
        bodyLimit,
      )
      .option('--protect-metrics', 'require a token for /metrics too')
      .option('--env <environment>', 'environment that resolve uses when the caller names none', 'prod'),
    '--environment <environment>',
    '--env',
  )
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .action(async (flags: ServeFlags) => {
      useJsonLogFormat()
      await reportFailures(async () => {
        const databaseUrl = flags.databaseUrl ?? process.env.WEIR_DATABASE_URL
        if (databaseUrl !== undefined && flags.dataDir !== undefined) {
          throw new Error('give either --data-dir (embedded PGlite) or --database-url (PostgreSQL), not both')
        }
        const server = await startServer({
          database: databaseUrl ? { databaseUrl } : { dataDir: flags.dataDir ?? DEFAULT_DATA_DIR },
          host: flags.host,
          port: flags.port,
          allowSecrets: flags.allowSecrets === true,
          ...(flags.secretsDir === undefined ? {} : { secretsDir: flags.secretsDir }),
          defaultEnvironment: flags.env ?? 'prod',
          logLevel: flags.logLevel,
          ...(flags.bodyLimit === undefined ? {} : { bodyLimit: flags.bodyLimit }),
          protectMetrics: flags.protectMetrics === true,
        })
        stopOnSignals(server)
      })
    })
}
