import type { BoundExpr } from '../expr/bound-expr.ts'
import type { InsertStatement, Query, QueryBody, SourceSpan } from '../parser/index.ts'
import { NOT_NULL_ENFORCER_OPTION, notNullEnforcement } from '../physical/not-null-enforcer.ts'
import type { LogicalNode, SinkNode } from '../plan/nodes.ts'

/** A NULL that may reach a NOT NULL column of a sink. */
export interface NotNullFinding {
  /** `error` when every row carries NULL there (the job fails or drops all rows); `warning` when some may. */
  readonly severity: 'error' | 'warning'
  readonly problem: string
  readonly hint: string
  /** The expression written into the column, or the INSERT's query when it cannot be told apart. */
  readonly span: SourceSpan
}

/**
 * What the sink's NOT NULL enforcer (`table.exec.sink.not-null-enforcer`) would do, found from types before the
 * job runs. A column whose value is always NULL (a NULL literal) is an error: with 'ERROR' the first row fails
 * the job, with 'DROP' every row is dropped. A nullable value is a warning under 'ERROR' only: it fails the
 * job only if a NULL actually comes, and a filter such as `WHERE x IS NOT NULL` does not make the type NOT
 * NULL, so refusing it would refuse correct jobs.
 */
export function checkNotNullColumns(
  sink: SinkNode,
  insert: InsertStatement,
  sessionOptions: Readonly<Record<string, string>>,
): NotNullFinding[] {
  const mode = notNullEnforcement(sessionOptions)
  const findings: NotNullFinding[] = []
  for (const [field, position] of sink.columns.entries()) {
    const column = sink.table.columns[position]!
    if (column.type.nullable || !sink.input.schema[field]!.type.nullable) continue
    const span = expressionSpan(insert, sink, position)
    const where = `column '${column.name}' of ${sink.table.name} is NOT NULL`
    if (alwaysNull(sink.input, field))
      findings.push({
        severity: 'error',
        problem: `${where}, however, a null value is being written into it (every row)`,
        hint: `write a value, or declare the column without NOT NULL`,
        span,
      })
    else if (mode === 'ERROR')
      findings.push({
        severity: 'warning',
        problem: `${where}, but the value written into it can be NULL: a NULL fails the job`,
        hint: `use COALESCE(…, <default>), or SET '${NOT_NULL_ENFORCER_OPTION}' = 'DROP' to drop such rows as dead letters`,
        span,
      })
  }
  return findings
}

/** Whether field `field` of `node` is NULL in every row. */
function alwaysNull(node: LogicalNode, field: number): boolean {
  switch (node.kind) {
    case 'project':
      return isNullExpr(node.exprs[field]!, (index) => alwaysNull(node.input, index))
    case 'values':
      return node.rows.length > 0 && node.rows.every((row) => isNullExpr(row[field]!, () => false))
    case 'filter':
      return alwaysNull(node.input, field)
    case 'union':
      return node.inputs.every((input) => alwaysNull(input, field))
    default:
      return false
  }
}

function isNullExpr(expr: BoundExpr, inputIsNull: (index: number) => boolean): boolean {
  if (expr.kind === 'literal') return expr.value === null
  if (expr.kind === 'input') return inputIsNull(expr.index)
  return expr.op === 'CAST' && expr.args.length === 1 && isNullExpr(expr.args[0]!, inputIsNull)
}

/**
 * The text of the value written to table column `position`: the INSERT's query column feeding it (by the
 * INSERT's column list, else by position among the columns it writes), when the query's select list or VALUES
 * row can be read positionally; else the query.
 */
function expressionSpan(insert: InsertStatement, sink: SinkNode, position: number): SourceSpan {
  const name = sink.table.columns[position]!.name
  const statics = new Set(insert.partition.map((value) => value.column))
  const order =
    insert.columns ??
    sink.columns.map((index) => sink.table.columns[index]!.name).filter((column) => !statics.has(column))
  const index = order.indexOf(name)
  return (index < 0 ? undefined : columnSpan(insert.source, index)) ?? insert.source.span
}

function columnSpan(query: Query | QueryBody, index: number): SourceSpan | undefined {
  switch (query.kind) {
    case 'query':
      return columnSpan(query.body, index)
    case 'setOperation':
      return columnSpan(query.left, index)
    case 'values':
      return query.rows[0]?.[index]?.span
    case 'select': {
      const items = query.items.slice(0, index + 1)
      // After a `*` positions no longer match select items.
      if (items.length <= index || items.some((item) => item.kind === 'selectWildcard')) return undefined
      return items[index]!.span
    }
  }
}
