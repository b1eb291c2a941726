/**
 * Plumbing shared by the UDM commands (udm, schema, cluster, dataset, catalog): where to find the catalog,
 * reading YAML/JSON definition files, printing, and turning failures into one clear line and exit code 1.
 */
import { readFileSync } from 'node:fs'
import { type Command, InvalidArgumentError } from 'commander'
import { parseDefinitionText } from '../../catalog/catalog-document.ts'
import { CatalogError } from '../../catalog/locations/errors.ts'
import { RegistryError } from '../../catalog/registry/errors.ts'
import { EmbeddedUdmClient, HttpUdmClient, type UdmClient } from './udm-client.ts'

export const DEFAULT_DATA_DIR = './.weir/catalog'
export const DEFAULT_PORT = 8081

export interface TargetOptions {
  url?: string
  token?: string
  dataDir?: string
  databaseUrl?: string
}

/** Adds --url / --data-dir / --database-url to a command that works on a catalog. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('--url <url>', 'a running UDM server, e.g. http://127.0.0.1:8081 (default: $WEIR_UDM_URL)')
    .option('--token <token>', 'the API token to call the server with (default: $WEIR_TOKEN)')
    .option(
      '--data-dir <dir>',
      `the embedded catalog's data directory, used when no --url is given (default: ${DEFAULT_DATA_DIR})`,
    )
    .option('--database-url <url>', 'work on a PostgreSQL catalog directly (default: $WEIR_DATABASE_URL)')
}

export async function openClient(options: TargetOptions): Promise<UdmClient> {
  const url = options.url ?? process.env.WEIR_UDM_URL
  const databaseUrl = options.databaseUrl ?? process.env.WEIR_DATABASE_URL
  if (url !== undefined && url !== '') {
    if (options.dataDir !== undefined || options.databaseUrl !== undefined) {
      throw new CatalogError(
        400,
        'invalid_field',
        'give either --url (a server) or --data-dir / --database-url (a catalog), not both',
      )
    }
    return new HttpUdmClient(url, tokenOf(options))
  }
  if (databaseUrl !== undefined && databaseUrl !== '')
    return EmbeddedUdmClient.open({ databaseUrl, poolSize: 2 })
  return EmbeddedUdmClient.open({ dataDir: options.dataDir ?? DEFAULT_DATA_DIR })
}

export function tokenOf(options: TargetOptions): string | undefined {
  return options.token ?? process.env.WEIR_TOKEN
}

/** Opens the client, runs the action, closes the client; failures print one line and set exit code 1. */
export async function withClient(
  options: TargetOptions,
  action: (client: UdmClient) => Promise<void>,
): Promise<void> {
  await reportFailures(async () => {
    const client = await openClient(options)
    try {
      await action(client)
    } finally {
      await client.close()
    }
  })
}

export async function reportFailures(action: () => Promise<void>): Promise<void> {
  try {
    await action()
  } catch (error) {
    process.stderr.write(`error: ${describeFailure(error)}\n`)
    process.exitCode = 1
  }
}

export function describeFailure(error: unknown): string {
  if (error instanceof RegistryError) return `${error.message} (error ${error.errorCode})`
  if (error instanceof CatalogError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function printLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`)
}

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new CatalogError(400, 'invalid_document', `cannot read ${what} ${path} (${reason}); check the path`)
  }
}

/** A YAML or JSON file, parsed (JSON is YAML, so one parser serves both). */
export function readDefinitionFile(path: string): unknown {
  return parseDefinitionText(readTextFile(path, 'the definition file'), path)
}

/** `--property key=value`, repeatable. */
export function collectPairs(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = value.indexOf('=')
  if (equals <= 0)
    throw new InvalidArgumentError(
      `'${value}' is not key=value; write e.g. --property bootstrap.servers=localhost:9092`,
    )
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) }
}

export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
