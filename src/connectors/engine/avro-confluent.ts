import type { SchemaType } from '../../formats/index.ts'
import { ConnectorOptionError } from './options.ts'
import type { ConnectorColumn } from './table.ts'

/**
 * Registers a schema under a subject and answers its id, as Confluent's POST /subjects/{subject}/versions;
 * `schemaType` is Confluent's (absent means Avro).
 */
export type SchemaRegistrar = (subject: string, schema: string, schemaType?: SchemaType) => Promise<number>

export function httpSchemaRegistrar(url: string): SchemaRegistrar {
  const base = url.replace(/\/+$/, '')
  return async (subject, schema, schemaType) => {
    const response = await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify(
        schemaType === undefined || schemaType === 'AVRO' ? { schema } : { schema, schemaType },
      ),
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

/** DECIMAL(p, s) as Flink's avro format writes it: bytes with the decimal logical type (DECIMAL is (10, 0)). */
function decimalSchema(type: string): unknown {
  const match = /^(?:DECIMAL|DEC|NUMERIC)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?/.exec(type)
  if (match === null) return undefined
  return {
    type: 'bytes',
    logicalType: 'decimal',
    precision: Number(match[1] ?? 10),
    scale: Number(match[2] ?? 0),
  }
}

/**
 * The Avro schema Flink derives for a table: a record named `record` in `org.apache.flink.avro.generated`,
 * nullable columns as a union with null (null first, default null).
 */
export function avroSchemaOf(columns: readonly ConnectorColumn[]): string {
  const fields = columns.map((column) => {
    const text = column.type.trim().toUpperCase()
    const type = decimalSchema(text) ?? AVRO_TYPES.find(([pattern]) => pattern.test(text))?.[1]
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
