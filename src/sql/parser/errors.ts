import type { SourcePosition } from './ast.ts'

export interface SqlSyntaxErrorDetails {
  /** The whole SQL text, kept so the error can render the offending line. */
  readonly source: string
  readonly position: SourcePosition
  /** What went wrong, without the location: "expected ')' but found 'FROM'". */
  readonly problem: string
  /** What the parser would have accepted here: "')'", "'BY'", "an expression", … */
  readonly expected?: readonly string[]
  /** The offending token as written, quoted, or "end of input". */
  readonly found?: string
  /** A suggestion, typically for a known construct Weir does not support. */
  readonly hint?: string
}

/** A lexical or syntax error, located precisely in the SQL text. */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError'
  readonly line: number
  readonly column: number
  readonly offset: number
  readonly problem: string
  readonly expected: readonly string[]
  readonly found: string | undefined
  readonly hint: string | undefined
  readonly source: string

  constructor(details: SqlSyntaxErrorDetails) {
    const { line, column, offset } = details.position
    super(`${details.problem} at line ${line}, column ${column}`)
    this.line = line
    this.column = column
    this.offset = offset
    this.problem = details.problem
    this.expected = details.expected ?? []
    this.found = details.found
    this.hint = details.hint
    this.source = details.source
  }

  /**
   * The message with the offending line and a caret under the column, for terminals and logs:
   *
   *     error: expected ',' or ')' but found 'FROM' at line 3, column 16
   *       3 | SELECT COUNT(x FROM t
   *         |                ^
   */
  format(): string {
    const lineText = sourceLine(this.source, this.line)
    const gutter = String(this.line)
    const pad = ' '.repeat(gutter.length)
    // Keep tabs in the caret line so the caret lands under the same character in any tab width.
    const lead = lineText.slice(0, Math.max(0, this.column - 1)).replace(/[^\t]/g, ' ')
    const lines = [`error: ${this.message}`, `  ${gutter} | ${lineText}`, `  ${pad} | ${lead}^`]
    if (this.hint !== undefined) lines.push(`  hint: ${this.hint}`)
    return lines.join('\n')
  }
}

function sourceLine(source: string, line: number): string {
  let start = 0
  for (let current = 1; current < line; current++) {
    const newline = nextLineBreak(source, start)
    if (newline < 0) return ''
    start = newline + (source.charCodeAt(newline) === 13 && source.charCodeAt(newline + 1) === 10 ? 2 : 1)
  }
  const end = nextLineBreak(source, start)
  return source.slice(start, end < 0 ? source.length : end)
}

function nextLineBreak(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const code = source.charCodeAt(i)
    if (code === 10 || code === 13) return i
  }
  return -1
}

/** Renders a list of expectations as prose: "a", "a or b", "a, b or c". */
export function describeAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}
