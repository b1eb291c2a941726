import {
  AvroCodec,
  type CodecRegistry,
  type CompiledSchema,
  DecodeError,
  type Encoder,
  encodeFrame,
  JsonCodec,
  MAGIC_BYTE,
  ProtobufSchema,
  readMessageIndexes,
  readSchemaId,
  SCHEMA_ID_END,
  type SchemaType,
} from '../../formats/index.ts'
import { avroSchemaOf, type SchemaRegistrar } from './avro-confluent.ts'
import { ConnectorOptionError } from './options.ts'
import type { RecordDecoder } from './record-decoder.ts'
import type { RecordEncoder } from './record-encoder.ts'
import { structuredRows } from './structured-values.ts'
import type { ConnectorColumn } from './table.ts'

/**
 * Record values in Confluent's wire format (magic byte 0, the 4-byte schema id, for Protobuf the
 * message-index array, then the payload), one format per schema type. Apache Flink names the Avro one
 * `avro-confluent`; the Protobuf and JSON Schema ones follow that naming.
 */
export const CONFLUENT_FORMATS = ['avro-confluent', 'protobuf-confluent', 'json-confluent'] as const
export type ConfluentFormat = (typeof CONFLUENT_FORMATS)[number]

const SCHEMA_TYPES: Readonly<Record<ConfluentFormat, SchemaType>> = {
  'avro-confluent': 'AVRO',
  'protobuf-confluent': 'PROTOBUF',
  'json-confluent': 'JSON',
}

/**
 * The options of every format, Flink-style `<format>.<option>`: the registry's URL (when the job brings no
 * schema source), the subject and the schema sinks register, and the Protobuf message they write.
 */
export const CONFLUENT_FORMAT_OPTIONS = CONFLUENT_FORMATS.flatMap((format) => {
  const options = ['url', 'subject', 'schema'].map((option) => `${format}.${option}`)
  return format === 'protobuf-confluent' ? [...options, `${format}.message`] : options
})

export function isConfluentFormat(format: string): format is ConfluentFormat {
  return (CONFLUENT_FORMATS as readonly string[]).includes(format)
}

/**
 * Reading: each record is decoded with the writer schema its id names (a Protobuf record with the message
 * its indexes name), and the decoded record's fields are mapped to the table's columns by name. Records of
 * another schema type, or that do not decode, throw (the source sends them to the dead-letter topic).
 */
export function confluentDecoder(
  format: ConfluentFormat,
  registry: CodecRegistry,
  columns: readonly ConnectorColumn[],
): RecordDecoder {
  const rows = structuredRows(columns)
  const expected = SCHEMA_TYPES[format]
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
      if (writer.schemaType !== expected) {
        throw new DecodeError(
          'INCOMPATIBLE_SCHEMA',
          `Record was written with a ${writer.schemaType} schema (id ${schemaId}), the format is ${format}.`,
        )
      }
      const value = payloadOf(writer, bytes)
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DecodeError(
          'SCHEMA_MISMATCH',
          `The value of schema ${schemaId} is not a record, so it has no columns.`,
        )
      }
      return rows.rowOf(value as Record<string, unknown>)
    },
  }
}

function payloadOf(writer: CompiledSchema, bytes: Buffer): unknown {
  switch (writer.schemaType) {
    case 'AVRO':
      return writer.avro.decodePayload(bytes, SCHEMA_ID_END)
    case 'PROTOBUF': {
      const cursor = { offset: SCHEMA_ID_END }
      const message = writer.protobuf.messageAt(readMessageIndexes(bytes, cursor))
      return message.decode(bytes.subarray(cursor.offset))
    }
    case 'JSON':
      return writer.json.decode(bytes.subarray(SCHEMA_ID_END))
  }
}

export interface ConfluentEncoderOptions {
  readonly register: SchemaRegistrar
  /** Flink's default is `<topic>-value`. */
  readonly subject: string
  readonly columns: readonly ConnectorColumn[]
  /** The schema to write (`<format>.schema`, e.g. the catalog's); Avro derives one from the columns without it. */
  readonly writerSchema?: string
  /** Protobuf: the fully-qualified message to write (`protobuf-confluent.message`); the file's first by default. */
  readonly message?: string
}

/**
 * Writing: the writer schema is registered under the subject on first use and every record is framed with
 * its id (and, for Protobuf, the indexes of the message written).
 */
export function confluentEncoder(format: ConfluentFormat, options: ConfluentEncoderOptions): RecordEncoder {
  const { register, subject, columns } = options
  const { schema, payload, messageIndexes } = writerOf(format, options)
  const rows = structuredRows(
    columns,
    format === 'json-confluent'
      ? { omitNulls: true }
      : format === 'avro-confluent'
        ? { decimalsAsBytes: true }
        : {},
  )
  let schemaId: number | undefined
  let registering: Promise<void> | undefined
  return {
    prepare() {
      registering ??= register(subject, schema, SCHEMA_TYPES[format]).then(
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
      return encodeFrame(schemaId, payload.encode(rows.recordOf(row)), messageIndexes)
    },
  }
}

interface Writer {
  readonly schema: string
  readonly payload: Encoder<unknown>
  readonly messageIndexes?: readonly number[]
}

function writerOf(format: ConfluentFormat, options: ConfluentEncoderOptions): Writer {
  if (format === 'avro-confluent') {
    const schema = options.writerSchema ?? avroSchemaOf(options.columns)
    return { schema, payload: AvroCodec.parse(schema) }
  }
  const schema = options.writerSchema
  if (schema === undefined) {
    throw new ConnectorOptionError(
      `format '${format}' writes the schema given in '${format}.schema' (it derives none from the columns): add '${format}.schema' = '<the schema text>'`,
    )
  }
  try {
    if (format === 'json-confluent') return { schema, payload: JsonCodec.parse(schema) }
    const parsed = ProtobufSchema.parse(schema)
    const message = options.message === undefined ? parsed.firstMessage : parsed.message(options.message)
    return { schema, payload: message, messageIndexes: message.messageIndexes }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error
    // Readers get references from the registry; a sink registers the text alone, so it must stand alone.
    throw new ConnectorOptionError(
      `format '${format}' cannot write with the schema in '${format}.schema': ${error.message} Sinks write schemas without imports or external $refs only; fix the schema or the message name`,
    )
  }
}
