import type { LogicalType } from '../types/logical-type.ts'

/**
 * The binder's only view of the catalog. UDM implements it over datasets and schemas (a dataset such as
 * `traffic.pageview` resolves to its columns and Flink-style connector options); tests implement it over a
 * literal list; the session catalog layers `CREATE TEMPORARY TABLE/VIEW` of a script on top.
 */
export interface TableResolver {
  /** The table at `path` (e.g. ['traffic', 'pageview']), or undefined when there is none. */
  resolveTable(path: readonly string[]): Promise<ResolvedTable | undefined>
  /** All table paths, when cheap to list: used only to suggest a name after a miss. */
  listTables?(): Promise<readonly (readonly string[])[]>
}

export interface ResolvedColumn {
  readonly name: string
  readonly type: LogicalType
  /**
   * A computed column: a Flink SQL expression over the table's other columns, e.g. `PROCTIME()` or
   * `TO_TIMESTAMP_LTZ(ts_millis, 3)`. Computed by the scan's projection; never written by a sink.
   */
  readonly computed?: string
  /** A metadata column read from the connector (`timestamp`, `partition` …); virtual ones are not written. */
  readonly metadata?: { readonly key: string; readonly virtual: boolean }
}

/**
 * How a table behaves in a streaming job: `stream` is an append-only log (Kafka topic), `table` a table that
 * can be scanned and, with a primary key, upserted into (JDBC, upsert-kafka, HBase), `kv` a key-value store
 * that is looked up by key (Redis), usable in lookup joins and as an upsert sink.
 */
export type TableKind = 'stream' | 'table' | 'kv'

export interface ResolvedTable {
  /** The name to show in plans and messages: `traffic.pageview`. */
  readonly name: string
  readonly columns: readonly ResolvedColumn[]
  readonly primaryKey?: readonly string[]
  /** The event-time column and its bounded out-of-orderness: `WATERMARK FOR column AS column - delay`. */
  readonly rowtime?: { readonly column: string; readonly watermarkDelayMs: number }
  /** Flink connector options (`connector`, `topic`, `format`, …), as Flink's WITH clause spells them. */
  readonly connector: { readonly options: Readonly<Record<string, string>> }
  readonly kind: TableKind
  /**
   * Whether scanning yields updates (a CDC or upsert source). Defaults to false: the scan is insert-only.
   */
  readonly changelog?: boolean
}

/** A resolver over a fixed list of tables, keyed by their dotted path; for tests and embedded use. */
export class StaticTableResolver implements TableResolver {
  private readonly tables: ReadonlyMap<string, ResolvedTable>

  constructor(tables: Readonly<Record<string, ResolvedTable>>) {
    this.tables = new Map(Object.entries(tables))
  }

  async resolveTable(path: readonly string[]): Promise<ResolvedTable | undefined> {
    return this.tables.get(path.join('.'))
  }

  async listTables(): Promise<readonly (readonly string[])[]> {
    return [...this.tables.keys()].map((key) => key.split('.'))
  }
}
