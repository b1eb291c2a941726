/**
 * Reads cluster and dataset definitions from untrusted input (API bodies, catalog files) into the model,
 * rejecting anything malformed with a message naming the field. Checks that need the database (does the
 * cluster exist? what system is it?) happen in the service.
 */
import { formatDuration, parseDuration } from './durations.ts'
import { invalidField, joinField } from './errors.ts'
import {
  describeValue,
  type Fields,
  isRecord,
  readEnum,
  readString,
  readStringList,
  rejectUnknownKeys,
  requireRecord,
} from './input.ts'
import {
  CLUSTER_SYSTEMS,
  type ClusterDefinition,
  type ClusterSystem,
  DATA_FORMATS,
  DATASET_KINDS,
  type DatasetDefinition,
  type EventTime,
  type FormatBinding,
  type LocationDefinition,
  type PropertyValue,
} from './model.ts'
import { validateClusterName, validateDatasetName, validateEnvironmentName } from './names.ts'
import { checkNoPlainSecrets } from './secrets.ts'

/** Every cluster needs one way to reach it; the first name listed is the one suggested in errors. */
const PROTOBUF_MESSAGE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

const ADDRESS_PROPERTIES: Record<ClusterSystem, { keys: readonly string[]; example: string }> = {
  kafka: { keys: ['bootstrap.servers'], example: 'bootstrap.servers: localhost:9092' },
  redis: { keys: ['url', 'host'], example: 'url: redis://localhost:6379/0' },
  hdfs: { keys: ['fs.defaultFS', 'namenode'], example: 'fs.defaultFS: hdfs://namenode:8020' },
  hive: { keys: ['hive.metastore.uris', 'url'], example: 'hive.metastore.uris: thrift://metastore:9083' },
  hbase: { keys: ['hbase.zookeeper.quorum', 'rest.url'], example: 'hbase.zookeeper.quorum: zk1:2181' },
  mysql: { keys: ['url', 'host'], example: 'url: jdbc:mysql://localhost:3306/shop' },
  postgres: { keys: ['url', 'host'], example: 'url: jdbc:postgresql://localhost:5432/shop' },
}

const CLUSTER_FIELDS = ['name', 'system', 'description', 'properties'] as const
const DATASET_FIELDS = [
  'name',
  'description',
  'owner',
  'tags',
  'kind',
  'key',
  'value',
  'primaryKey',
  'eventTime',
  'locations',
] as const
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const SUBJECT_PATTERN = /^[^\s\u0000-\u001f]{1,255}$/

export function parseClusterDefinition(input: unknown, field = ''): ClusterDefinition {
  const record = requireRecord(input, field, 'a cluster definition')
  rejectUnknownKeys(record, CLUSTER_FIELDS, field, 'a cluster')
  const name = validateClusterName(readString(record, 'name', field, true), joinField(field, 'name'))
  const system = readEnum(record, 'system', field, CLUSTER_SYSTEMS, true) as ClusterSystem
  const properties = readProperties(record.properties, joinField(field, 'properties'))
  checkNoPlainSecrets(properties, joinField(field, 'properties'))
  const address = ADDRESS_PROPERTIES[system]
  if (!address.keys.some((key) => properties[key] !== undefined && properties[key] !== '')) {
    throw invalidField(
      joinField(field, 'properties'),
      `a ${system} cluster needs ${address.keys.map((key) => `'${key}'`).join(' or ')} to be reachable, e.g. ${address.example}`,
    )
  }
  return { name, system, description: readString(record, 'description', field) ?? '', properties }
}

function readProperties(value: unknown, field: string): Record<string, PropertyValue> {
  if (value === undefined || value === null) return {}
  const record = requireRecord(value, field, 'connection properties')
  const properties: Record<string, PropertyValue> = {}
  for (const [key, item] of Object.entries(record)) {
    if (key.trim() === '') throw invalidField(field, 'property names must not be empty')
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw invalidField(
        joinField(field, key),
        `expected a string, number or boolean, got ${describeValue(item)}`,
      )
    }
    properties[key] = item
  }
  return properties
}

export function parseDatasetDefinition(input: unknown, field = ''): DatasetDefinition {
  const record = requireRecord(input, field, 'a dataset definition')
  rejectUnknownKeys(record, DATASET_FIELDS, field, 'a dataset')
  const name = validateDatasetName(readString(record, 'name', field, true), joinField(field, 'name'))
  const kind = readEnum(record, 'kind', field, DATASET_KINDS, true)!
  const value = readBinding(record.value, joinField(field, 'value'), name, 'value', true)!
  const key = readBinding(record.key, joinField(field, 'key'), name, 'key', false)
  const primaryKey = readStringList(record, 'primaryKey', field)
  if (kind === 'kv' && primaryKey.length === 0) {
    throw invalidField(
      joinField(field, 'primaryKey'),
      "a 'kv' dataset is looked up by key: name its key column(s), e.g. primaryKey: [user_id]",
    )
  }
  const definition: DatasetDefinition = {
    name,
    description: readString(record, 'description', field) ?? '',
    owner: readString(record, 'owner', field) ?? '',
    tags: [...new Set(readStringList(record, 'tags', field))],
    kind,
    value,
    primaryKey,
    locations: readLocations(record.locations, joinField(field, 'locations')),
  }
  if (key !== undefined) definition.key = key
  const eventTime = readEventTime(record.eventTime, joinField(field, 'eventTime'))
  if (eventTime !== undefined) definition.eventTime = eventTime
  return definition
}

function readBinding(
  input: unknown,
  field: string,
  dataset: string,
  part: 'key' | 'value',
  required: boolean,
): FormatBinding | undefined {
  if (input === undefined || input === null) {
    if (required)
      throw invalidField(field, `is required, e.g. ${part}: { format: avro, subject: ${dataset}-${part} }`)
    return undefined
  }
  // `value: json` is shorthand for `value: { format: json }`.
  const record: Fields =
    typeof input === 'string' ? { format: input } : requireRecord(input, field, 'a format binding')
  rejectUnknownKeys(record, ['format', 'subject', 'message'], field, `the ${part} format`)
  const format = readEnum(record, 'format', field, DATA_FORMATS, true)!
  const subject = readString(record, 'subject', field)
  const message = readString(record, 'message', field)
  if (message !== undefined && format !== 'protobuf') {
    throw invalidField(joinField(field, 'message'), 'only Protobuf datasets name a message: drop it')
  }
  if (message !== undefined && !PROTOBUF_MESSAGE_NAME.test(message)) {
    throw invalidField(
      joinField(field, 'message'),
      `'${message}' is not a fully-qualified Protobuf message name (package.Message, e.g. weir.trade.Order)`,
    )
  }
  if (format === 'raw') {
    if (subject !== undefined)
      throw invalidField(
        joinField(field, 'subject'),
        'raw data has no schema: drop the subject or pick format avro, protobuf or json',
      )
    return { format }
  }
  if (subject !== undefined && !SUBJECT_PATTERN.test(subject)) {
    throw invalidField(
      joinField(field, 'subject'),
      `'${subject}' is not a valid subject name (no spaces or control characters, at most 255)`,
    )
  }
  // Like Confluent's TopicNameStrategy, but on the logical name, so every environment shares one subject.
  const binding: FormatBinding = { format, subject: subject ?? `${dataset}-${part}` }
  if (message !== undefined) binding.message = message
  return binding
}

/** The largest watermark delay the catalog stores: 2^31 - 1 milliseconds. */
const MAX_WATERMARK_DELAY_MS = 2_147_483_647

function readEventTime(input: unknown, field: string): EventTime | undefined {
  if (input === undefined || input === null) return undefined
  const record: Fields =
    typeof input === 'string' ? { column: input } : requireRecord(input, field, 'an event time')
  rejectUnknownKeys(record, ['column', 'watermarkDelay', 'watermarkDelayMs'], field, 'the event time')
  const column = readString(record, 'column', field, true)
  const raw = record.watermarkDelay ?? record.watermarkDelayMs ?? 0
  const watermarkDelayMs = parseDuration(raw)
  if (watermarkDelayMs === undefined) {
    throw invalidField(
      joinField(field, 'watermarkDelay'),
      `${describeValue(raw)} is not a duration; write e.g. 5s, 500ms or 2min`,
    )
  }
  // The catalog stores the delay as a 32-bit integer of milliseconds (Flink's own watermark delays are
  // seconds to minutes): a larger value would fail in the database instead of here, where the field is named.
  if (watermarkDelayMs > MAX_WATERMARK_DELAY_MS) {
    throw invalidField(
      joinField(field, 'watermarkDelay'),
      `${describeValue(raw)} is longer than the largest watermark delay, ${formatDuration(MAX_WATERMARK_DELAY_MS)} (about 24 days); a delay is how late an event may arrive, usually seconds or minutes`,
    )
  }
  return { column, watermarkDelay: formatDuration(watermarkDelayMs), watermarkDelayMs }
}

function readLocations(input: unknown, field: string): Record<string, LocationDefinition[]> {
  if (input === undefined || input === null) {
    throw invalidField(
      field,
      'is required: give at least one environment, e.g. locations: { prod: [{ cluster: kafka-main, topic: pv_events }] }',
    )
  }
  const record = requireRecord(input, field, 'environments mapped to locations')
  const environments = Object.entries(record)
  if (environments.length === 0) throw invalidField(field, 'give at least one environment, e.g. prod')
  const locations: Record<string, LocationDefinition[]> = {}
  for (const [environment, value] of environments) {
    const envField = joinField(field, environment)
    validateEnvironmentName(environment, envField)
    // One location may be written without the list brackets.
    const list = Array.isArray(value) ? value : [value]
    if (list.length === 0)
      throw invalidField(envField, 'give at least one location, or remove the environment')
    locations[environment] = list.map((item, index) => {
      const itemField = Array.isArray(value) ? `${envField}[${index}]` : envField
      const spec = requireRecord(item, itemField, 'a location')
      const cluster = validateClusterName(
        readString(spec, 'cluster', itemField, true),
        joinField(itemField, 'cluster'),
      )
      return { cluster, spec: isRecord(spec) ? spec : {} }
    })
  }
  return locations
}
