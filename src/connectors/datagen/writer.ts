import { open } from 'node:fs/promises'
import type { BatchGenerator } from './generator.ts'
import { type ColumnType, isRowType, type Schema } from './schema.ts'

/**
 * Text forms of generated rows, for loading the same data into an oracle database (PostgreSQL `COPY`) or
 * inspecting it. Timestamps use Flink's default `yyyy-MM-dd HH:mm:ss.SSS` form in UTC, which PostgreSQL
 * reads as a `timestamp(3)`.
 */

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC, for epoch milliseconds in years 0000..9999. */
export function formatTimestamp(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
}

/** One JSON object per row, keys in column order, nested ROWs as objects. */
export function toJsonLine(row: readonly unknown[], schema: Schema): string {
  return JSON.stringify(jsonObject(row, schema))
}

function jsonObject(row: readonly unknown[], schema: Schema): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  schema.forEach((c, i) => {
    result[c.name] = jsonValue(row[i], c.type)
  })
  return result
}

function jsonValue(value: unknown, type: ColumnType): unknown {
  if (value == null) return null
  if (isRowType(type)) return jsonObject(value as unknown[], type.fields)
  return type === 'TIMESTAMP(3)' ? formatTimestamp(value as number) : value
}

/**
 * One CSV record per row as PostgreSQL's `COPY ... (FORMAT csv)` reads it: NULL is an empty unquoted
 * field, an empty string is `""`, and fields holding a delimiter, quote or line break are quoted. A nested
 * ROW becomes its JSON text, for a `jsonb` column.
 */
export function toCsvLine(row: readonly unknown[], schema: Schema): string {
  return schema.map((c, i) => csvField(row[i], c.type)).join(',')
}

function csvField(value: unknown, type: ColumnType): string {
  if (value == null) return ''
  if (isRowType(type)) return quoteCsv(JSON.stringify(jsonObject(value as unknown[], type.fields)))
  if (type === 'TIMESTAMP(3)') return formatTimestamp(value as number)
  const text = String(value)
  return text === '' || /[",\r\n]/.test(text) ? quoteCsv(text) : text
}

function quoteCsv(text: string): string {
  return `"${text.replaceAll('"', '""')}"`
}

export type FileFormat = 'json' | 'csv'

export interface WriteFileOptions {
  readonly format: FileFormat
  /** Most rows to write; the generator's own end applies too. */
  readonly rows: number
  /** Start a CSV file with the column names (for `COPY ... HEADER`). */
  readonly header?: boolean
  readonly batchSize?: number
}

/** Writes rows from `generator` to `path` (replacing it) and returns how many were written. */
export async function writeRowsToFile(
  path: string,
  generator: BatchGenerator,
  options: WriteFileOptions,
): Promise<number> {
  const { schema } = generator
  const line = options.format === 'json' ? toJsonLine : toCsvLine
  const batchSize = options.batchSize ?? 4096
  const file = await open(path, 'w')
  try {
    if (options.format === 'csv' && options.header)
      await file.write(`${schema.map((c) => c.name).join(',')}\n`)
    let written = 0
    while (written < options.rows) {
      const batch = generator.nextBatch(Math.min(batchSize, options.rows - written))
      if (batch.length === 0) break
      await file.write(`${batch.map((row) => line(row, schema)).join('\n')}\n`)
      written += batch.length
    }
    return written
  } finally {
    await file.close()
  }
}
