import { formatTimestamp } from '../../connectors/engine/sql-values.ts'

/** A value as the print connector shows it: NULL as `null`, timestamps as `yyyy-MM-dd HH:mm:ss.SSS`. */
export function formatValue(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number' && /^TIMESTAMP/i.test(type)) return formatTimestamp(value)
  if (Array.isArray(value))
    return `(${value.map((field) => (field === null ? 'null' : String(field))).join(', ')})`
  if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString('hex')}'`
  return String(value)
}

/** Numbers read best right-aligned, as in a spreadsheet or a database client. */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC|DEC)\b/i.test(type.trim())
}

/** Text cut to `width` characters, the cut marked with `...` (as Flink's SQL client does). */
export function fitWidth(text: string, width: number): string {
  if (text.length <= width) return text
  return width <= 3 ? text.slice(0, width) : `${text.slice(0, width - 3)}...`
}
