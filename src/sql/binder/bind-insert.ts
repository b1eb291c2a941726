import type { ResolvedTable } from '../catalog/table-resolver.ts'
import { invalid } from '../errors.ts'
import { type BoundExpr, inputRef, literal } from '../expr/bound-expr.ts'
import type { InsertStatement, SourceSpan } from '../parser/index.ts'
import * as plan from '../plan/builders.ts'
import type { SinkNode } from '../plan/nodes.ts'
import { canCastImplicitly } from '../types/coercion.ts'
import { withNullability } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import type { QueryBinder } from './bind-query.ts'
import { retype } from './coercion.ts'
import { ExpressionBinder } from './expression-binder.ts'
import { Scope } from './scope.ts'
import { didYouMean, quotedList } from './suggest.ts'

/**
 * INSERT INTO: the query's columns are matched to the target's writable columns by position (or to the
 * listed columns), each converted implicitly to the column type; unlisted columns get NULL, static PARTITION
 * values their constant. The sink row holds every writable column in table order.
 */
export function bindInsert(binder: QueryBinder, insert: InsertStatement): SinkNode {
  const name = insert.target.path.join('.')
  const entry = binder.context.catalog.lookup(insert.target.path)
  if (entry === undefined)
    return invalid(
      insert.target.span,
      `table '${name}' not found`,
      didYouMean(name, binder.context.catalog.names()),
    )
  if (entry.kind === 'view') return invalid(insert.target.span, `cannot INSERT INTO '${name}': it is a view`)
  if (insert.overwrite)
    invalid(insert.span, 'INSERT OVERWRITE is not supported on streams', 'use INSERT INTO')
  const table = entry.table
  const writable = table.columns.flatMap((column, i) =>
    column.computed === undefined && column.metadata?.virtual !== true ? [i] : [],
  )
  const byName = (column: string, span: SourceSpan): number => {
    const position = writable.find((i) => table.columns[i]!.name === column)
    if (position === undefined) {
      const candidates = writable.map((i) => table.columns[i]!.name)
      const computed = table.columns.some((c) => c.name === column)
      invalid(
        span,
        computed
          ? `column '${column}' of ${table.name} is computed and cannot be written`
          : `column '${column}' not found in ${table.name}`,
        computed ? undefined : didYouMean(column, candidates),
      )
    }
    return position
  }
  const statics = new Map(
    insert.partition.map((value) => [byName(value.column, insert.target.span), value.value]),
  )
  const targets =
    insert.columns?.map((column) => byName(column, insert.target.span)) ??
    writable.filter((i) => !statics.has(i))
  const duplicate = targets.find((target, i) => targets.indexOf(target) !== i)
  if (duplicate !== undefined)
    invalid(insert.target.span, `column '${table.columns[duplicate]!.name}' is listed twice`)

  const query = binder.bindQuery(insert.source)
  const produced = query.node.schema
  if (produced.length !== targets.length) {
    const expected = targets.map((i) => table.columns[i]!.name)
    const detail =
      produced.length < targets.length
        ? `missing values for ${quotedList(expected.slice(produced.length), 'and')}`
        : `${produced.length - targets.length} more than the target has`
    invalid(
      insert.source.span,
      `INSERT INTO ${table.name} expects ${targets.length} columns (${expected.join(', ')}) but the query produces ${produced.length}: ${detail}`,
    )
  }
  const written = new Map<number, BoundExpr>()
  for (const [i, target] of targets.entries()) {
    const column = table.columns[target]!
    const field = produced[i]!
    if (!canCastImplicitly(field.type, column.type))
      invalid(
        query.columnSpans[i] ?? insert.source.span,
        `query column ${i + 1} ('${field.name}', ${formatType(field.type)}) cannot be written to column '${column.name}' ${formatType(column.type)} of ${table.name}`,
        `CAST it AS ${formatType(withNullability(column.type, true))}`,
      )
    written.set(target, retype(inputRef(i, field.type), column.type))
  }
  const constants = new ExpressionBinder(binder.context, Scope.empty(), 'PARTITION')
  const exprs = writable.map((position) => {
    const column = table.columns[position]!
    const given = written.get(position)
    if (given !== undefined) return given
    const fixed = statics.get(position)
    if (fixed !== undefined) return retype(constants.bind(fixed), column.type)
    if (!column.type.nullable)
      invalid(
        insert.target.span,
        `column '${column.name}' of ${table.name} is NOT NULL, so the INSERT must give it a value`,
      )
    return literal(null, column.type)
  })
  const names = writable.map((position) => table.columns[position]!.name)
  const input = isPassThrough(exprs, produced.length) ? query.node : plan.project(query.node, exprs, names)
  const options = sinkOptions(table, insert)
  checkDeliveryGuarantee(table, options, insert.target.span)
  return plan.sink(input, table, writable, options)
}

/**
 * Exactly-once Kafka delivery commits a sink's transactions when a checkpoint completes. The embedded engine
 * takes no checkpoints yet, so the transactions would never commit and `read_committed` readers would see
 * nothing: refuse it (and its transaction id prefix) rather than write invisible records.
 */
function checkDeliveryGuarantee(
  table: ResolvedTable,
  options: Readonly<Record<string, string>>,
  span: SourceSpan,
): void {
  const guarantee = options['sink.delivery-guarantee']?.toLowerCase()
  const fix = "use 'sink.delivery-guarantee' = 'at-least-once' (the default) until checkpoints are available"
  if (guarantee === 'exactly-once')
    invalid(
      span,
      `${table.name} asks for 'sink.delivery-guarantee' = 'exactly-once', which needs checkpointing, and the embedded engine does not checkpoint yet (its transactions would never commit)`,
      fix,
    )
  if (options['sink.transactional-id-prefix'] !== undefined)
    invalid(
      span,
      `${table.name} sets 'sink.transactional-id-prefix', which only exactly-once delivery uses, and that needs checkpointing, which the embedded engine does not do yet`,
      `remove the option and ${fix.slice(0, 1).toLowerCase()}${fix.slice(1)}`,
    )
}

function isPassThrough(exprs: readonly BoundExpr[], width: number): boolean {
  return exprs.length === width && exprs.every((expr, i) => expr.kind === 'input' && expr.index === i)
}

function sinkOptions(table: ResolvedTable, insert: InsertStatement): Record<string, string> {
  const options = { ...table.connector.options }
  for (const hint of insert.hints) for (const option of hint.options) options[option.key] = option.value
  return options
}
