import type { Kafka } from 'kafkajs'
import { UdmHttp } from '../../client/http.ts'
import { RegistrySchemaSource } from '../../client/registry-source.ts'
import type { Sink, Source } from '../../engine/index.ts'
import { CodecRegistry } from '../../formats/index.ts'
import { kafkaClient, parseBootstrapServers } from '../kafka/client.ts'
import { KafkaEngineSink, type KafkaRecordKey } from '../kafka/engine-sink.ts'
import { KafkaEngineSource } from '../kafka/engine-source.ts'
import { avroConfluentDecoder, avroConfluentEncoder, httpSchemaRegistrar } from './avro-confluent.ts'
import type { ConnectorContext } from './context.ts'
import { boundedMode, parseKeyFields, startupMode } from './kafka-options.ts'
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
    'avro-confluent.url',
    'avro-confluent.subject',
    'avro-confluent.schema',
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

export const UPSERT_KAFKA_OPTIONS: OptionSpec = {
  required: ['topic', 'properties.bootstrap.servers', 'key.format', 'value.format'],
  optional: [
    'properties.client.id',
    ...TEXT_FORMAT_OPTIONS,
    'avro-confluent.url',
    'avro-confluent.subject',
    'avro-confluent.schema',
  ],
}

const VALUE_FORMATS = [...TEXT_FORMATS, 'avro-confluent'] as const
const DELIVERY_GUARANTEES = ['at-least-once', 'exactly-once'] as const

export function kafkaSource(
  table: ConnectorTable,
  projection: readonly number[] | undefined,
  context: ConnectorContext,
): Source {
  const options = ConnectorOptions.validate(table.options, KAFKA_OPTIONS)
  const topic = options.required('topic')
  const bounded = boundedMode(options)
  return new KafkaEngineSource({
    table: table.name,
    kafka: client(options, context),
    topic,
    groupId: options.optional('properties.group.id') ?? `weir-${table.name}`,
    startup: startupMode(options),
    ...(bounded === undefined ? {} : { bounded }),
    decoder: valueDecoder(options, table.columns, projection, context),
    deadLetterTopic: options.optional('dead-letter.topic') ?? `${topic}.dlq`,
    ...(context.subtask === undefined ? {} : { subtask: context.subtask }),
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
  if (table.primaryKey === undefined || table.primaryKey.length === 0) {
    throw new ConnectorOptionError(
      `connector 'upsert-kafka' requires a PRIMARY KEY: declare PRIMARY KEY (...) NOT ENFORCED on table '${table.name}'`,
    )
  }
  const topic = options.required('topic')
  return new KafkaEngineSink({
    kafka: client(options, context),
    topic,
    mode: 'upsert',
    value: valueEncoder(options, table.columns, topic, context),
    key: recordKey(table, table.primaryKey, options, 'PRIMARY KEY'),
  })
}

function client(options: ConnectorOptions, context: ConnectorContext): Kafka {
  const bootstrapServers = parseBootstrapServers(options.required('properties.bootstrap.servers'))
  const clientId = options.optional('properties.client.id')
  return kafkaClient({ bootstrapServers, ...(clientId === undefined ? {} : { clientId }) }, context.logger)
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
  if (format !== 'avro-confluent') return textRowFormat(format, columns, options)
  const register = context.schemaRegistrar ?? httpSchemaRegistrar(options.required('avro-confluent.url'))
  return avroConfluentEncoder(
    register,
    options.optional('avro-confluent.subject') ?? `${topic}-value`,
    columns,
    options.optional('avro-confluent.schema'),
  )
}

function valueDecoder(
  options: ConnectorOptions,
  columns: readonly ConnectorColumn[],
  projection: readonly number[] | undefined,
  context: ConnectorContext,
): RecordDecoder {
  const format = valueFormat(options)
  if (format !== 'avro-confluent') {
    return projectingDecoder(textRowFormat(format, columns, options), projection)
  }
  const schemas =
    context.schemaSource ??
    new RegistrySchemaSource(new UdmHttp({ url: options.required('avro-confluent.url') }))
  // Avro fields are found by name, so only the projected columns are decoded.
  return avroConfluentDecoder(new CodecRegistry(schemas), projectColumns(columns, projection))
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
