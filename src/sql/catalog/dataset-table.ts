import type { DataFormat, ResolvedDataset, ResolvedLocation } from '../../catalog/locations/model.ts'
import type { ConfluentFormat } from '../../connectors/engine/confluent-format.ts'
import { CatalogTableError } from './catalog-table-error.ts'
import type { ResolvedColumn, ResolvedTable } from './table-resolver.ts'

/** What a dataset's table needs besides the dataset itself. */
export interface DatasetTableInput {
  readonly columns: readonly ResolvedColumn[]
  /** The value schema's text, so that sinks write exactly the catalog's schema (Flink's `avro-confluent.schema`). */
  readonly valueSchema: string
  /** The registry's URL, when there is one to give Flink (`avro-confluent.url`). */
  readonly registryUrl?: string
}

/** The engine format of each schema-bearing dataset format: Confluent-framed records, schema id in each. */
const CONFLUENT_FORMAT_OF: Readonly<Partial<Record<DataFormat, ConfluentFormat>>> = {
  avro: 'avro-confluent',
  protobuf: 'protobuf-confluent',
  json: 'json-confluent',
}

/** The systems a SQL table can be placed on, in order of preference when a dataset has several locations. */
const SQL_SYSTEMS = ['kafka', 'redis'] as const

/**
 * A dataset as a SQL table: its value schema's columns, primary key, event time as the rowtime, and Flink
 * connector options for its first Kafka or Redis location in the environment.
 */
export function tableOfDataset(resolved: ResolvedDataset, input: DatasetTableInput): ResolvedTable {
  const name = resolved.dataset
  const location = SQL_SYSTEMS.map((system) =>
    resolved.locations.find((candidate) => candidate.system === system),
  ).find((candidate) => candidate !== undefined)
  if (location === undefined) {
    const systems = resolved.locations.map((candidate) => candidate.system).join(', ')
    throw new CatalogTableError(
      name,
      `only its Kafka or Redis locations can be SQL tables yet, and in environment '${resolved.environment}' it has ${systems} ones; pick an environment with one (--env)`,
    )
  }
  const primaryKey = resolved.primaryKey.length > 0 ? resolved.primaryKey : undefined
  const upsert = location.system === 'kafka' && primaryKey !== undefined && resolved.kind === 'table'
  return {
    name,
    columns: input.columns,
    ...(primaryKey === undefined ? {} : { primaryKey }),
    ...(resolved.eventTime === null
      ? {}
      : {
          rowtime: {
            column: resolved.eventTime.column,
            watermarkDelayMs: resolved.eventTime.watermarkDelayMs,
          },
        }),
    connector: {
      options:
        location.system === 'kafka'
          ? kafkaOptions(resolved, location, input, upsert)
          : redisOptions(resolved, location),
    },
    kind: location.system === 'redis' ? 'kv' : resolved.kind,
    ...(upsert ? { changelog: true } : {}),
  }
}

function kafkaOptions(
  resolved: ResolvedDataset,
  location: ResolvedLocation,
  input: DatasetTableInput,
  upsert: boolean,
): Record<string, string> {
  const format = CONFLUENT_FORMAT_OF[resolved.value.format]
  if (format === undefined)
    throw new CatalogTableError(
      resolved.dataset,
      `its values are ${resolved.value.format}; SQL jobs read and write Avro, Protobuf and JSON Schema datasets on Kafka`,
    )
  const servers = location.cluster.properties['bootstrap.servers']
  if (typeof servers !== 'string')
    throw new CatalogTableError(
      resolved.dataset,
      `its Kafka cluster '${location.cluster.name}' has no bootstrap.servers property; add it with weir cluster add`,
    )
  return {
    connector: upsert ? 'upsert-kafka' : 'kafka',
    topic: String(location.topic),
    'properties.bootstrap.servers': servers,
    [upsert ? 'value.format' : 'format']: format,
    ...(upsert ? { 'key.format': 'json' } : {}),
    ...(input.registryUrl === undefined ? {} : { [`${format}.url`]: input.registryUrl }),
    [`${format}.subject`]: resolved.value.schema?.subject ?? `${resolved.dataset}-value`,
    [`${format}.schema`]: input.valueSchema,
    ...(format === 'protobuf-confluent' && resolved.value.message !== undefined
      ? { [`${format}.message`]: resolved.value.message }
      : {}),
  }
}

/**
 * Lookup joins on Redis come later; the options say where the data is, with the cluster's connection
 * properties passed through as `properties.*`, as Kafka's are.
 */
function redisOptions(resolved: ResolvedDataset, location: ResolvedLocation): Record<string, string> {
  const connection = Object.entries(location.cluster.properties).map(
    ([key, value]) => [`properties.${key}`, String(value)] as const,
  )
  return {
    connector: 'redis',
    'key-pattern': String(location.keyPattern),
    'data-type': String(location.dataType ?? 'string'),
    format: resolved.value.format,
    ...Object.fromEntries(connection),
  }
}
