import type { Row } from '../../engine/index.ts'
import { parseJson, stringifyJson } from '../../formats/json-exact.ts'
import { formatCsvLine, parseCsvLine } from './csv.ts'
import { ConnectorOptionError, type ConnectorOptions } from './options.ts'
import { coerceValue, objectFromRow, outputValue, rowFromObject, ValueError } from './sql-values.ts'
import type { ConnectorColumn } from './table.ts'

/** Rows to and from one record's (or one line's) bytes; `decode` throws for input that is not a row. */
export interface RowFormat {
  decode(bytes: Buffer): Row
  encode(row: Row): Buffer
}

export const TEXT_FORMATS = ['json', 'csv', 'raw'] as const
export type TextFormat = (typeof TEXT_FORMATS)[number]

/** The format options Flink spells `<format>.<option>`, valid with any connector using text formats. */
export const TEXT_FORMAT_OPTIONS = [
  'json.ignore-parse-errors',
  'csv.field-delimiter',
  'csv.ignore-parse-errors',
]

/** Fatal: invalid UTF-8 must be reported rather than turned into U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

export function textRowFormat(
  format: TextFormat,
  columns: readonly ConnectorColumn[],
  options: ConnectorOptions,
): RowFormat {
  switch (format) {
    case 'json':
      return jsonRows(columns, options.boolean('json.ignore-parse-errors', false))
    case 'csv':
      return csvRows(
        columns,
        options.optional('csv.field-delimiter') ?? ',',
        options.boolean('csv.ignore-parse-errors', false),
      )
    case 'raw':
      return rawRows(columns)
  }
}

function jsonRows(columns: readonly ConnectorColumn[], lenient: boolean): RowFormat {
  return {
    decode(bytes) {
      // Exact: integers beyond 2^53 are bigints, as BIGINT columns hold them.
      const value: unknown = parseJson(utf8.decode(bytes))
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValueError(`expected a JSON object, got ${JSON.stringify(value)}`)
      }
      return rowFromObject(value as Record<string, unknown>, columns, lenient)
    },
    encode: (row) => Buffer.from(stringifyJson(objectFromRow(row, columns)) ?? 'null'),
  }
}

function csvRows(columns: readonly ConnectorColumn[], delimiter: string, lenient: boolean): RowFormat {
  return {
    decode(bytes) {
      const fields = parseCsvLine(utf8.decode(bytes), delimiter)
      if (fields.length !== columns.length && !lenient) {
        throw new ValueError(`expected ${columns.length} fields, got ${fields.length}`)
      }
      return columns.map((column, i) => {
        const field = fields[i]
        // Flink's csv reads an empty field as null for every type but STRING.
        if (field === undefined || (field === '' && !/^(STRING|VARCHAR|CHAR)/i.test(column.type))) return null
        try {
          return coerceValue(field, column)
        } catch (error) {
          if (lenient && error instanceof ValueError) return null
          throw error
        }
      })
    },
    encode: (row) =>
      Buffer.from(
        formatCsvLine(
          columns.map((column, i) => outputValue(row[i] ?? null, column)),
          delimiter,
        ),
      ),
  }
}

/** Flink's raw format: the whole record is the single column, as text for STRING or as bytes. */
function rawRows(columns: readonly ConnectorColumn[]): RowFormat {
  const [column, ...rest] = columns
  if (column === undefined || rest.length > 0) {
    throw new ConnectorOptionError(
      `format 'raw' needs exactly one column; got ${columns.length}: ${columns.map((c) => c.name).join(', ')}`,
    )
  }
  const text = /^(STRING|VARCHAR|CHAR)/i.test(column.type)
  return {
    decode: (bytes) => [text ? utf8.decode(bytes) : bytes],
    encode(row) {
      const value = row[0]
      if (value instanceof Uint8Array) return Buffer.from(value)
      return Buffer.from(value === null || value === undefined ? '' : String(value))
    },
  }
}
