import type { Kafka } from 'kafkajs'
import { UdmHttp } from '../../client/http.ts'
import { RegistrySchemaSource } from '../../client/registry-source.ts'
import type { Sink, Source } from '../../engine/index.ts'
import { CodecRegistry } from '../../formats/index.ts'
import { kafkaClient, parseBootstrapServers } from '../kafka/client.ts'
import { KafkaEngineSink, type KafkaRecordKey } from '../kafka/engine-sink.ts'
import { KafkaEngineSource } from '../kafka/engine-source.ts'
import { OffsetCommitter } from '../kafka/offset-committer.ts'
import type { TopicPlace } from '../kafka/topic-admin.ts'
import { httpSchemaRegistrar } from './avro-confluent.ts'
import {
  CONFLUENT_FORMAT_OPTIONS,
  CONFLUENT_FORMATS,
  type ConfluentFormat,
  confluentDecoder,
  confluentEncoder,
  isConfluentFormat,
} from './confluent-format.ts'
import type { ConnectorContext } from './context.ts'
import {
  autoCommitIntervalMs,
  boundedMode,
  OFFSET_COMMIT_OPTIONS,
  parseKeyFields,
  rejectPartitionDiscovery,
  startupMode,
} from './kafka-options.ts'
import { ConnectorOptionError, ConnectorOptions, type OptionSpec } from './options.ts'
import { projectingDecoder, type RecordDecoder } from './record-decoder.ts'
import type { RecordEncoder } from './record-encoder.ts'
import { TEXT_FORMAT_OPTIONS, TEXT_FORMATS, textRowFormat } from './row-format.ts'
import { type ConnectorColumn, type ConnectorTable, projectColumns } from './table.ts'

const FORMAT_OPTIONS = ['format', 'value.format', 'key.format', 'key.fields', ...TEXT_FORMAT_OPTIONS]

export const KAFKA_OPTIONS: OptionSpec = {
  required: ['topic', 'properties.bootstrap.servers'],
  optional: [
    'properties.group.id',
    'properties.client.id',
    ...FORMAT_OPTIONS,
    ...CONFLUENT_FORMAT_OPTIONS,
    ...OFFSET_COMMIT_OPTIONS,
    'properties.auto.offset.reset',
    'scan.startup.mode',
    'scan.startup.timestamp-millis',
    'scan.startup.specific-offsets',
    'scan.bounded.mode',
    'scan.bounded.timestamp-millis',
    'scan.bounded.specific-offsets',
    'dead-letter.topic',
    'sink.delivery-guarantee',
    'sink.transactional-id-prefix',
  ],
}

/** Flink's upsert-kafka reads the whole topic (no startup mode) and may stop where `scan.bounded.*` says. */
export const UPSERT_KAFKA_OPTIONS: OptionSpec = {
  required: ['topic', 'properties.bootstrap.servers', 'key.format', 'value.format'],
  optional: [
    'properties.group.id',
    'properties.client.id',
    ...TEXT_FORMAT_OPTIONS,
    ...CONFLUENT_FORMAT_OPTIONS,
    ...OFFSET_COMMIT_OPTIONS,
    'scan.bounded.mode',
    'scan.bounded.timestamp-millis',
    'scan.bounded.specific-offsets',
    'dead-letter.topic',
  ],
}

const VALUE_FORMATS = [...TEXT_FORMATS, ...CONFLUENT_FORMATS] as const
const DELIVERY_GUARANTEES = ['at-least-once', 'exactly-once'] as const

export function kafkaSource(
  table: ConnectorTable,
  projection: readonly number[] | undefined,
  context: ConnectorContext,
): Source {
  const options = ConnectorOptions.validate(table.options, KAFKA_OPTIONS)
  return new KafkaEngineSource({
    ...commonSourceOptions(table, options, projection, context),
    startup: startupMode(options),
  })
}

/** What a kafka and an upsert-kafka source read the same way: topic, group, bounds, values, dead letters. */
function commonSourceOptions(
  table: ConnectorTable,
  options: ConnectorOptions,
  projection: readonly number[] | undefined,
  context: ConnectorContext,
) {
  const topic = options.required('topic')
  const bounded = boundedMode(options)
  rejectPartitionDiscovery(options)
  const groupId = options.optional('properties.group.id') ?? `weir-${table.name}`
  const autoCommit = autoCommitIntervalMs(options)
  return {
    table: table.name,
    kafka: client(options, context),
    topic,
    groupId,
    committer: new OffsetCommitter({ ...connection(options), groupId, topic }),
    ...(autoCommit === undefined ? {} : { autoCommitIntervalMs: autoCommit }),
    ...(context.logger === undefined ? {} : { logger: context.logger }),
    ...(bounded === undefined ? {} : { bounded }),
    decoder: valueDecoder(options, table.columns, projection, context),
    deadLetterTopic: options.optional('dead-letter.topic') ?? `${topic}.dlq`,
    ...(context.registryRetry === undefined ? {} : { registryRetry: context.registryRetry }),
    ...(context.subtask === undefined ? {} : { subtask: context.subtask }),
  }
}

/**
 * upsert-kafka as a source: the topic is a changelog keyed by the PRIMARY KEY. A record with a value is the
 * key's new row (+U); a tombstone deletes the key (-D), its row holding only the key columns, decoded from
 * the record key. The planner puts a ChangelogNormalize behind it, which turns these into +I/-U/+U/-D.
 */
export function upsertKafkaSource(
  table: ConnectorTable,
  projection: readonly number[] | undefined,
  context: ConnectorContext,
): Source {
  const options = ConnectorOptions.validate(table.options, UPSERT_KAFKA_OPTIONS)
  const primaryKey = requirePrimaryKey(table)
  const key = recordKey(table, primaryKey, options, 'PRIMARY KEY')
  const deletion: RecordDecoder = {
    decode(bytes) {
      const keyRow = key.format.decode(bytes)
      const row = new Array<unknown>(table.columns.length).fill(null)
      key.fields.forEach((field, i) => {
        row[field] = keyRow[i]
      })
      return row
    },
  }
  return new KafkaEngineSource({
    ...commonSourceOptions(table, options, projection, context),
    startup: { mode: 'earliest-offset' },
    upsert: { deletionOfKey: projectingDecoder(deletion, projection) },
  })
}

export function kafkaSink(table: ConnectorTable, context: ConnectorContext): Sink {
  const options = ConnectorOptions.validate(table.options, KAFKA_OPTIONS)
  const topic = options.required('topic')
  const keyFields = options.optional('key.fields')
  const exactlyOnce =
    options.choice('sink.delivery-guarantee', DELIVERY_GUARANTEES, 'at-least-once') === 'exactly-once'
  return new KafkaEngineSink({
    kafka: client(options, context),
    topic,
    place: topicPlace(table, options),
    mode: 'append',
    value: valueEncoder(options, table.columns, topic, context),
    ...(keyFields === undefined
      ? {}
      : { key: recordKey(table, parseKeyFields(keyFields), options, 'key.fields') }),
    ...(exactlyOnce ? { transactionalIdPrefix: options.required('sink.transactional-id-prefix') } : {}),
  })
}

export function upsertKafkaSink(table: ConnectorTable, context: ConnectorContext): Sink {
  const options = ConnectorOptions.validate(table.options, UPSERT_KAFKA_OPTIONS)
  const primaryKey = requirePrimaryKey(table)
  const topic = options.required('topic')
  return new KafkaEngineSink({
    kafka: client(options, context),
    topic,
    place: topicPlace(table, options),
    mode: 'upsert',
    value: valueEncoder(options, table.columns, topic, context),
    key: recordKey(table, primaryKey, options, 'PRIMARY KEY'),
  })
}

/**
 * A table named like a catalog dataset (namespace.name: plain DDL names have no dot) came from the catalog, so
 * a missing topic is fixed with `weir topic create <dataset>`; the cluster is known by its servers here.
 */
function topicPlace(table: ConnectorTable, options: ConnectorOptions): TopicPlace {
  const cluster = options.required('properties.bootstrap.servers')
  return table.name.includes('.') ? { cluster, dataset: table.name } : { cluster }
}

function requirePrimaryKey(table: ConnectorTable): readonly string[] {
  if (table.primaryKey === undefined || table.primaryKey.length === 0) {
    throw new ConnectorOptionError(
      `connector 'upsert-kafka' requires a PRIMARY KEY: declare PRIMARY KEY (...) NOT ENFORCED on table '${table.name}'`,
    )
  }
  return table.primaryKey
}

function client(options: ConnectorOptions, context: ConnectorContext): Kafka {
  const bootstrapServers = parseBootstrapServers(options.required('properties.bootstrap.servers'))
  const clientId = options.optional('properties.client.id')
  return kafkaClient({ bootstrapServers, ...(clientId === undefined ? {} : { clientId }) }, context.logger)
}

function connection(options: ConnectorOptions): { bootstrapServers: string[]; clientId: string } {
  return {
    bootstrapServers: parseBootstrapServers(options.required('properties.bootstrap.servers')),
    clientId: options.optional('properties.client.id') ?? 'weir',
  }
}

/** Flink takes the value format from 'format' or 'value.format'; one of them is required. */
function valueFormat(options: ConnectorOptions): (typeof VALUE_FORMATS)[number] {
  if (options.optional('format') === undefined && options.optional('value.format') === undefined) {
    throw new ConnectorOptionError(
      `connector '${options.connector}' requires option 'format' (or 'value.format'): add 'format' = 'json' to the WITH clause`,
    )
  }
  return options.choice('value.format', VALUE_FORMATS, options.choice('format', VALUE_FORMATS, 'json'))
}

function valueEncoder(
  options: ConnectorOptions,
  columns: readonly ConnectorColumn[],
  topic: string,
  context: ConnectorContext,
): RecordEncoder {
  const format = valueFormat(options)
  if (!isConfluentFormat(format)) return textRowFormat(format, columns, options)
  const writerSchema = options.optional(`${format}.schema`)
  const message = options.optional(`${format}.message`)
  return confluentEncoder(format, {
    register: context.schemaRegistrar ?? httpSchemaRegistrar(options.required(`${format}.url`)),
    subject: options.optional(`${format}.subject`) ?? `${topic}-value`,
    columns,
    ...(writerSchema === undefined ? {} : { writerSchema }),
    ...(message === undefined ? {} : { message }),
  })
}

function valueDecoder(
  options: ConnectorOptions,
  columns: readonly ConnectorColumn[],
  projection: readonly number[] | undefined,
  context: ConnectorContext,
): RecordDecoder {
  const format = valueFormat(options)
  if (!isConfluentFormat(format)) {
    return projectingDecoder(textRowFormat(format, columns, options), projection)
  }
  // Schema-decoded fields are found by name, so only the projected columns are converted.
  return confluentDecoder(
    format,
    schemaRegistry(format, options, context),
    projectColumns(columns, projection),
  )
}

/** The writer schemas of a Confluent format: the job's (the catalog's), else the registry at `<format>.url`. */
function schemaRegistry(
  format: ConfluentFormat,
  options: ConnectorOptions,
  context: ConnectorContext,
): CodecRegistry {
  const schemas =
    context.schemaSource ?? new RegistrySchemaSource(new UdmHttp({ url: options.required(`${format}.url`) }))
  return new CodecRegistry(schemas)
}

function recordKey(
  table: ConnectorTable,
  fieldNames: readonly string[],
  options: ConnectorOptions,
  declaredBy: string,
): KafkaRecordKey {
  const fields = fieldNames.map((name) => {
    const index = table.columns.findIndex((column) => column.name === name)
    if (index < 0) {
      throw new ConnectorOptionError(
        `${declaredBy} names '${name}', which is not a column of '${table.name}'; columns: ${table.columns.map((c) => c.name).join(', ')}`,
      )
    }
    return index
  })
  const keyColumns = fields.map((index) => table.columns[index]!)
  return {
    format: textRowFormat(options.choice('key.format', TEXT_FORMATS, 'json'), keyColumns, options),
    fields,
  }
}
