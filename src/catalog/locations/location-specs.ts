/**
 * What a location looks like on each system. A location names its cluster plus the fields below; unknown
 * fields are rejected so a typo fails at apply time rather than when a job first reads the data.
 */
import { invalidField, joinField } from './errors.ts'
import {
  type Fields,
  readEnum,
  readPositiveInteger,
  readString,
  readStringList,
  rejectUnknownKeys,
} from './input.ts'
import type { ClusterSystem } from './model.ts'

export const REDIS_DATA_TYPES = ['string', 'hash', 'list', 'set', 'zset', 'stream'] as const
export const FILE_FORMATS = ['orc', 'parquet', 'avro', 'json', 'csv', 'text'] as const

const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/
const HBASE_TABLE = /^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_][A-Za-z0-9_.-]*$/

type SpecReader = (fields: Fields, field: string) => Record<string, unknown>

/** Drops undefined members so stored specs and API output stay minimal. */
function compact(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined))
}

function matching(pattern: RegExp, value: string, field: string, rule: string): string {
  if (!pattern.test(value)) throw invalidField(field, `'${value}' is not valid: ${rule}`)
  return value
}

function identifier(fields: Fields, key: string, field: string, required: true): string
function identifier(fields: Fields, key: string, field: string, required: false): string | undefined
function identifier(fields: Fields, key: string, field: string, required: boolean): string | undefined {
  const value = readString(fields, key, field, required as false)
  if (value === undefined) return undefined
  return matching(
    SQL_IDENTIFIER,
    value,
    joinField(field, key),
    'use letters, digits and underscores, starting with a letter',
  )
}

/** `table: db.table` is accepted as a shorthand for `database: db` + `table: table`. */
function databaseAndTable(fields: Fields, field: string): { database: string; table: string } {
  const table = readString(fields, 'table', field, true)
  const database = readString(fields, 'database', field)
  const dot = table.indexOf('.')
  if (database === undefined && dot > 0) {
    return {
      database: matching(
        SQL_IDENTIFIER,
        table.slice(0, dot),
        joinField(field, 'table'),
        'write it as database.table',
      ),
      table: matching(
        SQL_IDENTIFIER,
        table.slice(dot + 1),
        joinField(field, 'table'),
        'write it as database.table',
      ),
    }
  }
  if (database === undefined) {
    throw invalidField(joinField(field, 'database'), `is required (or write table: <database>.${table})`)
  }
  return {
    database: matching(
      SQL_IDENTIFIER,
      database,
      joinField(field, 'database'),
      'use letters, digits and underscores',
    ),
    table: matching(SQL_IDENTIFIER, table, joinField(field, 'table'), 'use letters, digits and underscores'),
  }
}

const READERS: Record<ClusterSystem, { fields: readonly string[]; read: SpecReader }> = {
  kafka: {
    fields: ['topic', 'partitions', 'replicationFactor'],
    read: (fields, field) => ({
      topic: matching(
        KAFKA_TOPIC,
        readString(fields, 'topic', field, true),
        joinField(field, 'topic'),
        'Kafka topic names use letters, digits, ., _ and - (at most 249)',
      ),
      // What `weir topic create` creates the topic with; the broker's defaults when absent.
      partitions: readPositiveInteger(fields, 'partitions', field),
      replicationFactor: readPositiveInteger(fields, 'replicationFactor', field),
    }),
  },
  redis: {
    fields: ['keyPattern', 'dataType', 'ttl'],
    read: (fields, field) => ({
      keyPattern: readString(fields, 'keyPattern', field, true),
      dataType: readEnum(fields, 'dataType', field, REDIS_DATA_TYPES, true),
      ttl: readString(fields, 'ttl', field),
    }),
  },
  hdfs: {
    fields: ['path', 'format', 'partitionColumns', 'bucketing'],
    read: (fields, field) => {
      const path = readString(fields, 'path', field, true)
      if (!path.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
        throw invalidField(
          joinField(field, 'path'),
          `'${path}' must be absolute (/warehouse/...) or a URI (hdfs://namenode/...)`,
        )
      }
      return {
        path,
        format: readEnum(fields, 'format', field, FILE_FORMATS, false),
        partitionColumns: readStringList(fields, 'partitionColumns', field),
        bucketing: readBucketing(fields.bucketing, joinField(field, 'bucketing')),
      }
    },
  },
  hive: {
    fields: ['database', 'table', 'partitionColumns'],
    read: (fields, field) => ({
      ...databaseAndTable(fields, field),
      partitionColumns: readStringList(fields, 'partitionColumns', field),
    }),
  },
  hbase: {
    fields: ['table', 'columnFamily', 'rowKey'],
    read: (fields, field) => ({
      table: matching(
        HBASE_TABLE,
        readString(fields, 'table', field, true),
        joinField(field, 'table'),
        'HBase table names are [namespace:]name with letters, digits, _, - and .',
      ),
      columnFamily: readString(fields, 'columnFamily', field, true),
      rowKey: readStringList(fields, 'rowKey', field),
    }),
  },
  mysql: {
    fields: ['database', 'table'],
    read: (fields, field) => databaseAndTable(fields, field),
  },
  postgres: {
    fields: ['database', 'schema', 'table'],
    read: (fields, field) => ({
      database: identifier(fields, 'database', field, false),
      schema: identifier(fields, 'schema', field, false) ?? 'public',
      table: identifier(fields, 'table', field, true),
    }),
  },
}

function readBucketing(value: unknown, field: string): { columns: string[]; buckets: number } | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidField(field, 'expected an object like { columns: [user_id], buckets: 16 }')
  }
  const fields = value as Fields
  rejectUnknownKeys(fields, ['columns', 'buckets'], field, 'bucketing')
  const columns = readStringList(fields, 'columns', field)
  if (columns.length === 0)
    throw invalidField(joinField(field, 'columns'), 'name at least one column to bucket by')
  const buckets = readPositiveInteger(fields, 'buckets', field)
  if (buckets === undefined)
    throw invalidField(joinField(field, 'buckets'), 'is required (the number of buckets)')
  return { columns, buckets }
}

/** Validates a location's system-specific fields for a cluster of `system`; returns the normalized spec. */
export function readLocationSpec(
  system: ClusterSystem,
  spec: Fields,
  field: string,
): Record<string, unknown> {
  const reader = READERS[system]
  rejectUnknownKeys(spec, ['cluster', ...reader.fields], field, `a ${system} location`)
  const normalized = compact(reader.read(spec, field))
  // Empty lists carry no information; leaving them out keeps `get` output close to what was written.
  for (const [key, value] of Object.entries(normalized)) {
    if (Array.isArray(value) && value.length === 0) delete normalized[key]
  }
  return normalized
}

export function locationFieldsOf(system: ClusterSystem): readonly string[] {
  return READERS[system].fields
}
