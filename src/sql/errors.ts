import type { SourceSpan } from './parser/index.ts'

export interface SqlValidationErrorDetails {
  /** What is wrong, naming the objects involved: "column 'usr_id' not found in traffic.pageview". */
  readonly problem: string
  /** How to fix it, when there is something to suggest: "did you mean 'user_id'?". */
  readonly hint?: string
  /** Where in the SQL text; absent only for problems of a whole script. */
  readonly span?: SourceSpan
}

/**
 * A semantic error in a statement that parsed: an unknown name, a type mismatch, a construct streaming cannot
 * run. Carries the position like `SqlSyntaxError`, so tools can underline the offending text.
 */
export class SqlValidationError extends Error {
  override readonly name = 'SqlValidationError'
  readonly problem: string
  readonly hint: string | undefined
  readonly span: SourceSpan | undefined
  /** 1-based; 0 when the error has no position. */
  readonly line: number
  readonly column: number

  constructor(details: SqlValidationErrorDetails) {
    const where =
      details.span === undefined
        ? ''
        : ` at line ${details.span.start.line}, column ${details.span.start.column}`
    super(`${details.problem}${details.hint === undefined ? '' : `; ${details.hint}`}${where}`)
    this.problem = details.problem
    this.hint = details.hint
    this.span = details.span
    this.line = details.span?.start.line ?? 0
    this.column = details.span?.start.column ?? 0
  }

  /** The message with the offending line of `source` and the span underlined, for terminals and logs. */
  format(source: string): string {
    const lines = [`error: ${this.message}`]
    if (this.span !== undefined) {
      const text = source.split(/\r\n|\r|\n/)[this.line - 1] ?? ''
      const gutter = String(this.line)
      const sameLine = this.span.end.line === this.line
      const width = sameLine
        ? Math.max(1, this.span.end.column - this.column)
        : Math.max(1, text.length - this.column + 1)
      const lead = text.slice(0, this.column - 1).replace(/[^\t]/g, ' ')
      lines.push(`  ${gutter} | ${text}`, `  ${' '.repeat(gutter.length)} | ${lead}${'^'.repeat(width)}`)
    }
    return lines.join('\n')
  }
}

/** Shorthand for throwing a `SqlValidationError`. */
export function invalid(span: SourceSpan | undefined, problem: string, hint?: string): never {
  throw new SqlValidationError(hint === undefined ? { problem, span } : { problem, hint, span })
}

/** An error while evaluating an expression at run time: a failed CAST, a division by zero. */
export class SqlRuntimeError extends Error {
  override readonly name = 'SqlRuntimeError'
}
