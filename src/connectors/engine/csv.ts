import { stringifyJson } from '../../formats/json-exact.ts'

/** RFC-4180-style CSV lines (quotes doubled inside quoted fields), as Flink's csv format writes them. */

export function parseCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!
    if (quoted) {
      if (char !== '"') field += char
      else if (line[i + 1] === '"') {
        field += '"'
        i++
      } else quoted = false
    } else if (char === '"' && field === '') quoted = true
    else if (line.startsWith(delimiter, i)) {
      fields.push(field)
      field = ''
      i += delimiter.length - 1
    } else field += char
  }
  if (quoted) throw new SyntaxError('unterminated quoted field')
  fields.push(field)
  return fields
}

export function formatCsvLine(values: readonly unknown[], delimiter: string): string {
  return values
    .map((value) => {
      if (value === null || value === undefined) return ''
      // Nested values as JSON, with BIGINTs beyond 2^53 exact.
      const text = typeof value === 'object' ? (stringifyJson(value) ?? '') : String(value)
      return /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replaceAll('"', '""')}"` : text
    })
    .join(delimiter)
}
