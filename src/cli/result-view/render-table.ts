import type { Row } from '../../engine/index.ts'
import { fitWidth, formatValue, isNumericType } from './format-value.ts'
import type { MaterializedResult, ResultColumn } from './materialized-result.ts'

/** Flink's `sql-client.display.max-column-width` default: longer values are cut and end in `...`. */
export const MAX_COLUMN_WIDTH = 30
const GAP = '  '

export interface TableLayout {
  /** Terminal columns: every line is cut to this width. */
  readonly width: number
  /** Most lines the table may take, title and notes included; undefined: no limit (the final print). */
  readonly height?: number
}

/**
 * A materialized result as lines: a title, the column names, a rule, the rows (numbers right-aligned), and
 * a note of the rows that did not fit. Rows are cut from the bottom when the height runs out.
 */
export function renderTable(result: MaterializedResult, layout: TableLayout): string[] {
  const all = result.rows()
  const fixedLines = 4 // the title, the column names, the rule and the note of hidden rows
  const room = layout.height === undefined ? all.length : Math.max(1, layout.height - fixedLines)
  const shown = all.length > room ? all.slice(0, room) : all
  const hidden = all.length - shown.length
  const cells = shown.map((row) => result.columns.map((column, i) => formatValue(row[i], column.type)))
  const widths = result.columns.map((column, i) =>
    Math.min(MAX_COLUMN_WIDTH, Math.max(column.name.length, ...cells.map((line) => line[i]!.length))),
  )
  // Whole columns that do not fit are left out and named, rather than cut: a cut number reads as another.
  const visible = columnsThatFit(widths, layout.width)
  const leftOut = result.columns.slice(visible).map((column) => column.name)
  const title = [
    `${result.name}: ${countOf(all.length, 'row')}${droppedNote(result)}`,
    ...(leftOut.length > 0 ? [`; ${leftOut.join(', ')} not shown: widen the terminal`] : []),
  ].join('')
  const line = (texts: readonly string[]): string =>
    texts
      .slice(0, visible)
      .map((text, i) => pad(fitWidth(text, widths[i]!), widths[i]!, result.columns[i]!))
      .join(GAP)
      .trimEnd()
  const lines = [
    cut(title, layout),
    line(result.columns.map((column) => column.name)),
    widths
      .slice(0, visible)
      .map((width) => '-'.repeat(width))
      .join(GAP),
    ...cells.map(line),
  ]
  if (hidden > 0) lines.push(cut(`… ${countOf(hidden, 'more row')} not shown`, layout))
  return lines
}

/** How many leading columns fit in `width` (at least one, cut if need be). */
function columnsThatFit(widths: readonly number[], width: number): number {
  let used = 0
  for (let i = 0; i < widths.length; i++) {
    used += (i > 0 ? GAP.length : 0) + widths[i]!
    if (used > width) return Math.max(1, i)
  }
  return widths.length
}

function droppedNote(result: MaterializedResult): string {
  return result.droppedRows > 0 ? ` (the latest; ${countOf(result.droppedRows, 'older row')} let go)` : ''
}

function pad(text: string, width: number, column: ResultColumn): string {
  return isNumericType(column.type) ? text.padStart(width) : text.padEnd(width)
}

function cut(line: string, layout: TableLayout): string {
  return (line.length > layout.width ? line.slice(0, layout.width) : line).trimEnd()
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/**
 * Tableau mode, as Flink's SQL client prints a streaming result: a boxed table with an `op` column, one row
 * per change as it arrives. Column widths come from the types (rows are not known in advance), at most
 * MAX_COLUMN_WIDTH.
 */
export class TableauPrinter {
  private readonly widths: readonly number[]
  private rowCount = 0

  constructor(private readonly columns: readonly ResultColumn[]) {
    this.widths = [2, ...columns.map((column) => columnWidth(column))]
  }

  header(): string {
    const names = ['op', ...this.columns.map((column) => column.name)]
    return `${this.rule()}\n${this.line(names, [false, ...this.columns.map(() => false)])}\n${this.rule()}\n`
  }

  row(kind: string, row: Row): string {
    this.rowCount++
    const texts = [kind, ...this.columns.map((column, i) => formatValue(row[i], column.type))]
    return `${this.line(texts, [false, ...this.columns.map((column) => isNumericType(column.type))])}\n`
  }

  footer(): string {
    return `${this.rule()}\nReceived a total of ${countOf(this.rowCount, 'row')}\n`
  }

  private rule(): string {
    return `+${this.widths.map((width) => '-'.repeat(width + 2)).join('+')}+`
  }

  private line(texts: readonly string[], rightAligned: readonly boolean[]): string {
    const cells = texts.map((text, i) => {
      const width = this.widths[i]!
      const fitted = fitWidth(text, width)
      return rightAligned[i] ? fitted.padStart(width) : fitted.padEnd(width)
    })
    return `| ${cells.join(' | ')} |`
  }
}

/** Widths that hold a type's usual values: a BIGINT's 20 digits, a TIMESTAMP(3)'s 23 characters. */
const TYPE_WIDTHS: readonly (readonly [RegExp, number])[] = [
  [/^BOOLEAN/, 5],
  [/^TINYINT/, 4],
  [/^SMALLINT/, 6],
  [/^INT/, 11],
  [/^(BIGINT|FLOAT|REAL|DOUBLE)/, 20],
  [/^DATE$/, 10],
  [/^TIME\b/, 12],
  [/^TIMESTAMP/, 23],
]

function columnWidth(column: ResultColumn): number {
  const type = column.type.trim().toUpperCase()
  const decimal = /^(?:DECIMAL|NUMERIC|DEC)\s*\(\s*(\d+)/.exec(type)
  const byType = decimal
    ? Number(decimal[1]) + 2
    : (TYPE_WIDTHS.find(([pattern]) => pattern.test(type))?.[1] ?? MAX_COLUMN_WIDTH)
  return Math.min(MAX_COLUMN_WIDTH, Math.max(column.name.length, byType))
}
