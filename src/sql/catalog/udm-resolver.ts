import type { ResolvedDataset } from '../../catalog/locations/model.ts'
import type { SchemaRegistrar } from '../../connectors/engine/avro-confluent.ts'
import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { SchemaSource } from '../../formats/index.ts'
import { CatalogTableError } from './catalog-table-error.ts'
import { tableOfDataset } from './dataset-table.ts'
import { columnsOfSchema } from './schema-columns.ts'
import type { ResolvedTable, TableResolver } from './table-resolver.ts'

/**
 * What the SQL engine needs from UDM, whichever way it is reached: a running server (HTTP, with a token whose
 * grants the server checks and audits) or the embedded catalog in a data directory.
 */
export interface UdmCatalogAccess {
  /** Where the catalog is, for messages: a URL or a data directory. */
  readonly target: string
  /** The registry's URL when the catalog is a server, so connector options can name it for Flink. */
  readonly registryUrl?: string
  /** A dataset's locations in the job's environment and its newest schemas; undefined when there is no such dataset. */
  resolve(dataset: string): Promise<ResolvedDataset | undefined>
  /** The names of the datasets the caller may read, to suggest one after a miss. */
  listDatasets(): Promise<readonly string[]>
  /** Schemas by id and by subject version: for the columns of a dataset and for decoding its records. */
  readonly schemas: SchemaSource
  /** Registers (or finds) a sink's schema under its subject. */
  readonly registerSchema: SchemaRegistrar
  close(): Promise<void>
}

/**
 * SQL tables by logical dataset name: `traffic.pageview` resolves through UDM to its columns (from the newest
 * value schema), primary key, event time and connector options. Each dataset is resolved once per resolver,
 * so a job sees one consistent catalog snapshot.
 */
export class UdmTableResolver implements TableResolver {
  private readonly tables = new Map<string, Promise<ResolvedTable | undefined>>()

  constructor(private readonly access: UdmCatalogAccess) {}

  resolveTable(path: readonly string[]): Promise<ResolvedTable | undefined> {
    // Dataset names are namespace.name; anything else (a CTE, a three-part path) is not in the catalog.
    if (path.length !== 2) return Promise.resolve(undefined)
    const name = path.join('.')
    let table = this.tables.get(name)
    if (table === undefined) {
      table = this.load(name)
      this.tables.set(name, table)
    }
    return table
  }

  async listTables(): Promise<readonly (readonly string[])[]> {
    return (await this.access.listDatasets()).map((name) => name.split('.'))
  }

  /** Where connectors get the catalog's schemas: decoding sources, registering sink schemas. */
  connectorContext(): ConnectorContext {
    return { schemaSource: this.access.schemas, schemaRegistrar: this.access.registerSchema }
  }

  private async load(name: string): Promise<ResolvedTable | undefined> {
    const resolved = await this.access.resolve(name)
    if (resolved === undefined) return undefined
    if (resolved.value.format === 'raw')
      throw new CatalogTableError(
        name,
        'its values are raw bytes, which have no columns; SQL needs a schema-bearing format',
      )
    const schema = resolved.value.schema
    if (schema === null)
      throw new CatalogTableError(
        name,
        `its value subject '${resolved.value.subject ?? `${name}-value`}' has no schema in ${this.access.target}; register one (weir schema register) before using the dataset in SQL`,
      )
    const registered = await this.access.schemas.schemaById(schema.id)
    if (registered === undefined)
      throw new CatalogTableError(
        name,
        `its value schema id ${schema.id} is missing from ${this.access.target}`,
      )
    const columns = await columnsOfSchema(name, registered, this.access.schemas, resolved.value.message)
    return tableOfDataset(resolved, {
      columns,
      valueSchema: registered.schema,
      ...(this.access.registryUrl === undefined ? {} : { registryUrl: this.access.registryUrl }),
    })
  }
}
