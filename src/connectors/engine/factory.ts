import type { Sink, Source } from '../../engine/index.ts'
import { BlackholeSink } from '../blackhole/blackhole-sink.ts'
import { DATAGEN_PARTITIONS_OPTION, DatagenEngineSource } from '../datagen/engine-source.ts'
import { DATAGEN_OPTION_NAMES } from '../datagen/options.ts'
import { FileSystemSink } from '../filesystem/sink.ts'
import { FileSystemSource } from '../filesystem/source.ts'
import { KafkaEngineSink } from '../kafka/engine-sink.ts'
import { KafkaEngineSource } from '../kafka/engine-source.ts'
import { PrintSink } from '../print/print-sink.ts'
import { closestName } from './closest-name.ts'
import { type ConnectorContext, malformedInputHandler, SINGLE_SUBTASK } from './context.ts'
import { kafkaSink, kafkaSource, upsertKafkaSink, upsertKafkaSource } from './kafka-connector.ts'
import { ConnectorOptionError, ConnectorOptions, type OptionSpec } from './options.ts'
import { projectingDecoder } from './record-decoder.ts'
import { textRowFormat } from './row-format.ts'
import { type ConnectorTable, projectColumns } from './table.ts'

/**
 * Engine sources and sinks from a table's WITH options, with Flink's connector and option names. Each
 * connector checks its options: an unknown name is reported with the valid ones, a missing required
 * one with what to add. Rows are positional, in column order (after the projection, for sources).
 */

type SourceFactory = (
  table: ConnectorTable,
  projection: readonly number[] | undefined,
  context: ConnectorContext,
) => Source
type SinkFactory = (table: ConnectorTable, context: ConnectorContext) => Sink

const FILE_FORMATS = ['json', 'csv'] as const
const FILESYSTEM_OPTIONS: OptionSpec = {
  required: ['path', 'format'],
  optional: [
    'json.ignore-parse-errors',
    'csv.field-delimiter',
    'csv.ignore-parse-errors',
    'sink.rolling-policy.file-size',
  ],
}
/** datagen's own options check their values; the names are checked here so the Weir one is listed too. */
const DATAGEN_OPTIONS: OptionSpec = {
  required: ['generator'],
  optional: [
    ...DATAGEN_OPTION_NAMES.filter((name) => name !== 'connector' && name !== 'generator'),
    DATAGEN_PARTITIONS_OPTION,
  ],
}
const PRINT_OPTIONS: OptionSpec = { required: [], optional: ['print-identifier', 'standard-error'] }
const BLACKHOLE_OPTIONS: OptionSpec = { required: [], optional: [] }
const DEFAULT_ROLLING_FILE_SIZE = 128 * 2 ** 20

const SOURCES: Readonly<Record<string, SourceFactory>> = {
  datagen: (table, projection, context) => {
    ConnectorOptions.validate(table.options, DATAGEN_OPTIONS)
    return new DatagenEngineSource(
      table.options,
      projectColumns(table.columns, projection),
      context.subtask ?? SINGLE_SUBTASK,
    )
  },
  kafka: kafkaSource,
  'upsert-kafka': upsertKafkaSource,
  filesystem: (table, projection, context) => {
    const options = ConnectorOptions.validate(table.options, FILESYSTEM_OPTIONS)
    const format = options.choice('format', FILE_FORMATS, 'json')
    return new FileSystemSource(
      table.name,
      options.required('path'),
      projectingDecoder(textRowFormat(format, table.columns, options), projection),
      malformedInputHandler(context),
      context.subtask ?? SINGLE_SUBTASK,
    )
  },
}

const SINKS: Readonly<Record<string, SinkFactory>> = {
  kafka: kafkaSink,
  'upsert-kafka': upsertKafkaSink,
  filesystem: (table) => {
    const options = ConnectorOptions.validate(table.options, FILESYSTEM_OPTIONS)
    const format = options.choice('format', FILE_FORMATS, 'json')
    return new FileSystemSink({
      directory: options.required('path'),
      extension: format,
      format: textRowFormat(format, table.columns, options),
      rollingFileSize: options.memorySize('sink.rolling-policy.file-size', DEFAULT_ROLLING_FILE_SIZE),
    })
  },
  print: (table, context) => {
    const options = ConnectorOptions.validate(table.options, PRINT_OPTIONS)
    const output =
      context.printOutput ?? (options.boolean('standard-error', false) ? process.stderr : process.stdout)
    const identifier = options.optional('print-identifier')
    return new PrintSink(table.columns, identifier === undefined ? { output } : { output, identifier })
  },
  blackhole: (table) => {
    ConnectorOptions.validate(table.options, BLACKHOLE_OPTIONS)
    return new BlackholeSink()
  },
}

export function createSource(
  table: ConnectorTable,
  projection?: readonly number[],
  context: ConnectorContext = {},
): Source {
  return connectorOf(table, SOURCES, 'source')(table, projection, context)
}

/**
 * `createSource`, plus what a source can only learn asynchronously before it starts: a Kafka source's
 * partitions, so that each holds the watermark back from the first record on.
 */
export async function openSource(
  table: ConnectorTable,
  projection?: readonly number[],
  context: ConnectorContext = {},
): Promise<Source> {
  const source = createSource(table, projection, context)
  if (source instanceof KafkaEngineSource) await source.discoverPartitions()
  return source
}

/** Sources whose rows are upserts and deletions keyed by the PRIMARY KEY, to be normalized into a changelog. */
const UPSERT_SOURCES: ReadonlySet<string> = new Set(['upsert-kafka'])

/**
 * The positions (in `table.columns`) of the key an upsert source's rows are keyed by, or undefined for a
 * source whose rows are inserts (or already a full changelog).
 */
export function upsertKeyOf(table: ConnectorTable): readonly number[] | undefined {
  if (!UPSERT_SOURCES.has(table.options.connector ?? '')) return undefined
  return (table.primaryKey ?? []).map((name) => {
    const index = table.columns.findIndex((column) => column.name === name)
    if (index < 0) {
      throw new ConnectorOptionError(
        `PRIMARY KEY names '${name}', which is not a stored column of '${table.name}'`,
      )
    }
    return index
  })
}

export function createSink(table: ConnectorTable, context: ConnectorContext = {}): Sink {
  return connectorOf(table, SINKS, 'sink')(table, context)
}

/** `createSink`, plus what must hold before the job starts: a Kafka sink's topic exists. */
export async function openSink(table: ConnectorTable, context: ConnectorContext = {}): Promise<Sink> {
  const sink = createSink(table, context)
  if (sink instanceof KafkaEngineSink) await sink.checkTopic()
  return sink
}

function connectorOf<F>(table: ConnectorTable, factories: Readonly<Record<string, F>>, role: string): F {
  const connector = table.options.connector
  const supported = Object.keys(factories).join(', ')
  if (connector === undefined) {
    throw new ConnectorOptionError(
      `table '${table.name}' has no 'connector' option; supported ${role} connectors: ${supported}`,
      'connector',
    )
  }
  const factory = Object.hasOwn(factories, connector) ? factories[connector] : undefined
  if (factory === undefined) {
    const guess = closestName(connector, Object.keys(factories))
    const hint = guess === undefined ? '' : ` did you mean '${guess}'?`
    throw new ConnectorOptionError(
      `table '${table.name}': connector '${connector}' cannot be used as a ${role};${hint} supported ${role} connectors: ${supported}`,
      'connector',
    )
  }
  return factory
}
