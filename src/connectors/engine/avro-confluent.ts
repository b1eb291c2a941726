import {
  AvroCodec,
  type CodecRegistry,
  DecodeError,
  encodeFrame,
  MAGIC_BYTE,
  readSchemaId,
  SCHEMA_ID_END,
} from '../../formats/index.ts'
import { ConnectorOptionError } from './options.ts'
import type { RecordDecoder } from './record-decoder.ts'
import type { RecordEncoder } from './record-encoder.ts'
import { rowFromObject } from './sql-values.ts'
import type { ConnectorColumn } from './table.ts'

/**
 * Flink's avro-confluent format for reading: each record names its writer schema by id; the record is
 * decoded with that schema and its fields are mapped to the table's columns by name.
 */
export function avroConfluentDecoder(
  registry: CodecRegistry,
  columns: readonly ConnectorColumn[],
): RecordDecoder {
  return {
    async prepare(values) {
      const ids = new Set<number>()
      for (const bytes of values) {
        if (bytes.length >= SCHEMA_ID_END && bytes[0] === MAGIC_BYTE) ids.add(bytes.readInt32BE(1))
      }
      // A failed load is remembered by the registry and reported by `decode` for each record it concerns.
      await Promise.all([...ids].map((id) => registry.load(id).catch(() => undefined)))
    },
    decode(bytes) {
      const schemaId = readSchemaId(bytes)
      const writer = registry.peek(schemaId)
      if (writer instanceof DecodeError) throw writer
      if (writer === undefined) throw new Error(`writer schema ${schemaId} was not loaded before decoding`)
      if (writer.schemaType !== 'AVRO') {
        throw new DecodeError(
          'INCOMPATIBLE_SCHEMA',
          `Record was written with a ${writer.schemaType} schema (id ${schemaId}), the format is avro-confluent.`,
        )
      }
      const value = writer.avro.decode(bytes.subarray(SCHEMA_ID_END))
      if (typeof value !== 'object' || value === null) {
        throw new DecodeError('SCHEMA_MISMATCH', `Avro value of schema ${schemaId} is not a record.`)
      }
      return rowFromObject(value as Record<string, unknown>, columns, false)
    },
  }
}

/** Registers a schema under a subject and answers its id, as Confluent's POST /subjects/{subject}/versions. */
export type SchemaRegistrar = (subject: string, schema: string) => Promise<number>

export function httpSchemaRegistrar(url: string): SchemaRegistrar {
  const base = url.replace(/\/+$/, '')
  return async (subject, schema) => {
    const response = await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema }),
    })
    const body: unknown = await response.json().catch(() => undefined)
    if (
      !response.ok ||
      typeof body !== 'object' ||
      body === null ||
      !('id' in body) ||
      typeof body.id !== 'number'
    ) {
      throw new Error(
        `registering the schema of subject '${subject}' at ${base} failed (${response.status}): ${JSON.stringify(body)}`,
      )
    }
    return body.id
  }
}

/** Avro types of the SQL types, as Flink's avro format maps them (TIMESTAMP(3) as timestamp-millis). */
const AVRO_TYPES: ReadonlyArray<[RegExp, unknown]> = [
  [/^BIGINT/, 'long'],
  [/^(INT|INTEGER|SMALLINT|TINYINT)\b/, 'int'],
  [/^DOUBLE/, 'double'],
  [/^(FLOAT|REAL)/, 'float'],
  [/^BOOLEAN/, 'boolean'],
  [/^(STRING|VARCHAR|CHAR)/, 'string'],
  [/^(BYTES|VARBINARY|BINARY)/, 'bytes'],
  [/^TIMESTAMP/, { type: 'long', logicalType: 'timestamp-millis' }],
]

/**
 * The Avro schema Flink derives for a table: a record named `record` in `org.apache.flink.avro.generated`,
 * nullable columns as a union with null (null first, default null).
 */
export function avroSchemaOf(columns: readonly ConnectorColumn[]): string {
  const fields = columns.map((column) => {
    const type = AVRO_TYPES.find(([pattern]) => pattern.test(column.type.trim().toUpperCase()))?.[1]
    if (type === undefined) {
      throw new ConnectorOptionError(
        `format 'avro-confluent' cannot write column '${column.name}' of type ${column.type}`,
      )
    }
    return column.nullable === false
      ? { name: column.name, type }
      : { name: column.name, type: ['null', type], default: null }
  })
  return JSON.stringify({
    type: 'record',
    name: 'record',
    namespace: 'org.apache.flink.avro.generated',
    fields,
  })
}

/**
 * Flink's avro-confluent format for writing: the table's Avro schema (or `writerSchema`, Flink's
 * 'avro-confluent.schema', e.g. the catalog's schema of the dataset) is registered under `subject` (Flink's
 * default `<topic>-value`) on first use, and every record is framed with its id.
 */
export function avroConfluentEncoder(
  register: SchemaRegistrar,
  subject: string,
  columns: readonly ConnectorColumn[],
  writerSchema?: string,
): RecordEncoder {
  const schema = writerSchema ?? avroSchemaOf(columns)
  const codec = AvroCodec.parse(schema)
  let schemaId: number | undefined
  let registering: Promise<void> | undefined
  return {
    prepare() {
      registering ??= register(subject, schema).then(
        (id) => {
          schemaId = id
        },
        (error: unknown) => {
          // A failed registration is retried with the next batch rather than remembered.
          registering = undefined
          throw error
        },
      )
      return registering
    },
    encode(row) {
      if (schemaId === undefined)
        throw new Error(`schema of subject '${subject}' is not registered yet: call prepare() first`)
      const record: Record<string, unknown> = {}
      columns.forEach((column, i) => {
        record[column.name] = row[i] ?? null
      })
      return encodeFrame(schemaId, codec.encode(record))
    },
  }
}
