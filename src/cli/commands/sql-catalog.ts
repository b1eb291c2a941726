/**
 * The catalog `weir sql` resolves tables in: UDM, over HTTP (`--url URL --token T`, or $WEIR_UDM_URL) or on
 * the embedded catalog in `--data-dir` (default ./.weir/catalog, the one `weir udm serve` uses), through
 * the same `UdmClient` and the same option names the other commands use.
 */
import type { Command } from 'commander'
import { CatalogError } from '../../catalog/locations/errors.ts'
import type { ResolvedDataset } from '../../catalog/locations/model.ts'
import { RegistryError } from '../../catalog/registry/errors.ts'
import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { RegisteredSchema } from '../../formats/index.ts'
import { CatalogTableError } from '../../sql/catalog/catalog-table-error.ts'
import type { ResolvedTable, TableResolver } from '../../sql/catalog/table-resolver.ts'
import { type UdmCatalogAccess, UdmTableResolver } from '../../sql/catalog/udm-resolver.ts'
import { addDeprecatedAlias } from '../deprecated-option.ts'
import { HttpUdmClient, type UdmClient } from './udm-client.ts'
import { DEFAULT_DATA_DIR, openClient } from './udm-options.ts'

export interface SqlCatalogOptions {
  url?: string
  token?: string
  dataDir?: string
  env?: string
}

/**
 * Where the catalog is: the same --url / --token / --data-dir / --env as every other command. The names
 * `weir sql` had before #17 (--udm, --catalog-dir, --environment) still work, with a warning.
 */
export function withSqlCatalogOptions(command: Command): Command {
  command
    .option('--url <url>', 'resolve tables on a running UDM server (default: $WEIR_UDM_URL)')
    .option(
      '--token <token>',
      'the API token for --url; it needs viewer on datasets read (default: $WEIR_TOKEN)',
    )
    .option(
      '--data-dir <dir>',
      `resolve tables in the embedded catalog in this directory when no --url is given (default: ${DEFAULT_DATA_DIR})`,
    )
    .option('--env <environment>', "the environment whose locations are used (default: the catalog's, prod)")
  addDeprecatedAlias(command, '--udm <url>', '--url')
  addDeprecatedAlias(command, '--catalog-dir <dir>', '--data-dir')
  return addDeprecatedAlias(command, '--environment <environment>', '--env')
}

export interface SqlCatalog {
  readonly resolver: UdmTableResolver
  close(): Promise<void>
}

export async function openSqlCatalog(options: SqlCatalogOptions): Promise<SqlCatalog> {
  const client = await openClient({
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  })
  const access = catalogAccess(client, options.env)
  return { resolver: new UdmTableResolver(access), close: () => access.close() }
}

/** The SQL engine's view of a `UdmClient`: misses become undefined, refusals say what to ask for. */
export function catalogAccess(client: UdmClient, environment: string | undefined): UdmCatalogAccess {
  const schemaOrMissing = async (fetch: () => Promise<unknown>): Promise<RegisteredSchema | undefined> => {
    try {
      return (await fetch()) as RegisteredSchema
    } catch (error) {
      if (error instanceof RegistryError && error.httpStatus === 404) return undefined
      throw error
    }
  }
  return {
    target: client.target,
    ...(client instanceof HttpUdmClient ? { registryUrl: client.target } : {}),
    resolve: async (dataset) => {
      try {
        return await client.resolve(dataset, environment === undefined ? {} : { environment })
      } catch (error) {
        return missingOrRefused(dataset, client.target, error)
      }
    },
    listDatasets: async () => (await client.listDatasets({})).map((summary) => summary.name),
    schemas: {
      schemaById: (id) => schemaOrMissing(() => client.getSchemaById(id)),
      schemaBySubjectVersion: (subject, version) =>
        schemaOrMissing(() => client.getSchemaVersion(subject, String(version))),
    },
    registerSchema: async (subject, schema, schemaType) =>
      (
        await client.registerSchema(
          subject,
          schemaType === undefined ? { schema } : { schema, schemaType },
          false,
        )
      ).id,
    close: () => client.close(),
  }
}

function missingOrRefused(dataset: string, target: string, error: unknown): ResolvedDataset | undefined {
  if (!(error instanceof CatalogError)) throw error
  // An invalid dataset name cannot be in the catalog either: the session then suggests known names.
  if (error.code === 'not_found' || (error.code === 'invalid_field' && error.field === 'name'))
    return undefined
  if (error.status === 401)
    throw new CatalogTableError(
      dataset,
      `${target} did not accept the token (${error.message}): pass a valid one with --token or $WEIR_TOKEN`,
    )
  if (error.status === 403)
    throw new CatalogTableError(
      dataset,
      `${target} refused to resolve it (${error.message}): the token needs the viewer role on the dataset; an owner can grant it with \`weir grant add viewer ${dataset} --principal <you>\``,
    )
  throw error
}

/**
 * Opens the catalog only when the script asks for a table it does not create itself, so scripts with their
 * own DDL run without a catalog (and without creating ./.weir/catalog).
 */
export class LazyCatalogResolver implements TableResolver {
  private catalog: Promise<SqlCatalog> | undefined

  constructor(private readonly options: SqlCatalogOptions) {}

  async resolveTable(path: readonly string[]): Promise<ResolvedTable | undefined> {
    return (await this.open()).resolver.resolveTable(path)
  }

  async listTables(): Promise<readonly (readonly string[])[]> {
    return (await this.open()).resolver.listTables()
  }

  /** What connectors need from the catalog (its schemas); undefined while no catalog table was resolved. */
  async connectorContext(): Promise<ConnectorContext | undefined> {
    return this.catalog === undefined ? undefined : (await this.catalog).resolver.connectorContext()
  }

  async close(): Promise<void> {
    if (this.catalog !== undefined) await (await this.catalog).close()
  }

  private open(): Promise<SqlCatalog> {
    this.catalog ??= openSqlCatalog(this.options)
    return this.catalog
  }
}
