import type { ResolvedTable } from '../catalog/table-resolver.ts'
import { invalid } from '../errors.ts'
import { type BoundExpr, call, inputRef } from '../expr/bound-expr.ts'
import { conjunction } from '../expr/rewrite.ts'
import {
  type DerivedTableRef,
  type Expression,
  type JoinRef,
  parseExpression,
  type SourceSpan,
  type TableAlias,
  type TableNameRef,
  type TableRef,
  type WindowTvfRef,
} from '../parser/index.ts'
import * as plan from '../plan/builders.ts'
import { splitJoinCondition } from '../plan/join-keys.ts'
import type { LogicalNode, WindowSpec } from '../plan/nodes.ts'
import { rewriteWindows } from '../plan/rules/window-rewrites.ts'
import { comparisonType } from '../types/coercion.ts'
import { isNumeric, isTimestamp, timeAttributeOf, types } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import { coerce } from './coercion.ts'
import { ExpressionBinder } from './expression-binder.ts'
import { bindLookupJoin } from './lookup-join.ts'
import { CteScope, type Relation, type SubqueryBinder } from './relation.ts'
import { type ResolvedColumn, Scope, type ScopeTable } from './scope.ts'
import { didYouMean } from './suggest.ts'
import { tableOptions } from './table-options.ts'

/** Binds a FROM item to a plan and the scope its columns are named in. */
export function bindFrom(binder: SubqueryBinder, ref: TableRef, ctes: CteScope): Relation {
  switch (ref.kind) {
    case 'tableName':
      if (ref.systemTime !== undefined)
        invalid(
          ref.span,
          'FOR SYSTEM_TIME AS OF is only supported on the right side of a JOIN (a lookup join)',
        )
      return bindTableName(binder, ref, ctes)
    case 'derivedTable':
      return bindDerived(binder, ref, ctes)
    case 'windowTvf':
      return bindWindowTvf(binder, ref, ctes)
    case 'join':
      return bindJoin(binder, ref, ctes)
    case 'tableFunction':
      return invalid(ref.span, 'table functions (LATERAL TABLE / TABLE(f(…))) are not supported yet')
    case 'unnest':
      return invalid(ref.span, 'UNNEST is not supported yet')
  }
}

/** A relation over a plan whose columns are named by its schema, renamed by `alias (a, b, …)` if given. */
function relationOf(
  node: LogicalNode,
  alias: TableAlias | undefined,
  table: ScopeTable,
  span: SourceSpan,
): Relation {
  const renamed = renameColumns(node, alias?.columns, span, `the alias ${alias?.name}`)
  return { node: renamed, scope: Scope.of(renamed.schema, table) }
}

function bindTableName(binder: SubqueryBinder, ref: TableNameRef, ctes: CteScope): Relation {
  const path = ref.name.path
  const alias = ref.alias?.name
  const qualifiers =
    alias !== undefined ? [[alias]] : path.length > 1 ? [[path[path.length - 1]!], path] : [path]
  const cte = path.length === 1 ? ctes.lookup(path[0]!) : undefined
  if (cte !== undefined) {
    const bound = binder.bindQuery(cte.cte.query, cte.scope)
    const node = renameColumns(bound.node, cte.cte.columns, cte.cte.span, cte.cte.name)
    return relationOf(node, ref.alias, { qualifiers, display: describe(path.join('.'), alias) }, ref.span)
  }
  const entry = binder.context.catalog.lookup(path)
  if (entry === undefined) {
    const name = path.join('.')
    return invalid(
      ref.name.span,
      `table '${name}' not found`,
      didYouMean(name, binder.context.catalog.names()),
    )
  }
  if (entry.kind === 'view') {
    const bound = binder.bindQuery(entry.query, CteScope.EMPTY)
    const node = renameColumns(bound.node, entry.columns, ref.span, entry.name)
    return relationOf(node, ref.alias, { qualifiers, display: describe(entry.name, alias) }, ref.span)
  }
  const node = scanTable(binder, entry.table, ref)
  return relationOf(node, ref.alias, { qualifiers, display: describe(entry.table.name, alias) }, ref.span)
}

function describe(name: string, alias: string | undefined): string {
  return alias === undefined || alias === name ? name : `${name} AS ${alias}`
}

function renameColumns(
  node: LogicalNode,
  columns: readonly string[] | undefined,
  span: SourceSpan,
  name: string,
): LogicalNode {
  if (columns === undefined) return node
  if (columns.length !== node.schema.length)
    invalid(
      span,
      `${name} lists ${columns.length} column names but its query produces ${node.schema.length} columns`,
    )
  return plan.project(
    node,
    node.schema.map((field, i) => inputRef(i, field.type)),
    columns,
  )
}

/**
 * A scan of the table's stored columns, then computed columns evaluated over them, then the watermark: in
 * the scan when the rowtime is a stored column, in a WatermarkAssigner after the computation otherwise.
 */
function scanTable(binder: SubqueryBinder, table: ResolvedTable, ref: TableNameRef): LogicalNode {
  const stored = table.columns.flatMap((column, i) => (column.computed === undefined ? [i] : []))
  const options = tableOptions(table, ref)
  const rowtime = table.rowtime
  const rowtimePosition =
    rowtime === undefined ? -1 : table.columns.findIndex((column) => column.name === rowtime.column)
  if (rowtime !== undefined) {
    const column = table.columns[rowtimePosition]
    if (column === undefined)
      invalid(
        ref.span,
        `the watermark of ${table.name} names column '${rowtime.column}', which the table does not have`,
      )
    if (!isTimestamp(column.type) || column.type.precision > 3)
      invalid(
        ref.span,
        `the rowtime column '${column.name}' of ${table.name} must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), not ${formatType(column.type)}`,
      )
  }
  const storedRowtime = stored.indexOf(rowtimePosition)
  const watermark =
    rowtime !== undefined && storedRowtime >= 0
      ? { field: storedRowtime, delayMs: rowtime.watermarkDelayMs }
      : undefined
  const scan = plan.scan(table, stored, options, [], watermark)
  if (stored.length === table.columns.length) return scan
  const storedScope = Scope.of(scan.schema, { qualifiers: [], display: table.name })
  const exprs = table.columns.map((column, i) =>
    column.computed === undefined
      ? inputRef(stored.indexOf(i), scan.schema[stored.indexOf(i)]!.type)
      : computedColumn(binder, storedScope, table, column.name, column.computed, ref.span),
  )
  const computed = plan.project(
    scan,
    exprs,
    table.columns.map((column) => column.name),
  )
  if (rowtime === undefined || storedRowtime >= 0) return computed
  return plan.watermarkAssigner(computed, rowtimePosition, rowtime.watermarkDelayMs)
}

function computedColumn(
  binder: SubqueryBinder,
  scope: Scope,
  table: ResolvedTable,
  name: string,
  text: string,
  span: SourceSpan,
): BoundExpr {
  try {
    return new ExpressionBinder(binder.context, scope, `computed column ${name}`).bind(parseExpression(text))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return invalid(span, `computed column '${name}' of ${table.name} (${text}) is invalid: ${reason}`)
  }
}

function bindDerived(binder: SubqueryBinder, ref: DerivedTableRef, ctes: CteScope): Relation {
  const bound = binder.bindQuery(ref.query, ctes)
  const alias = ref.alias?.name
  return relationOf(
    bound.node,
    ref.alias,
    {
      qualifiers: alias === undefined ? [] : [[alias]],
      display: alias === undefined ? 'a subquery' : `subquery ${alias}`,
    },
    ref.span,
  )
}

function bindWindowTvf(binder: SubqueryBinder, ref: WindowTvfRef, ctes: CteScope): Relation {
  const bound =
    ref.input.kind === 'tableName'
      ? bindTableName(binder, ref.input, ctes)
      : bindDerived(binder, ref.input, ctes)
  // A window operation upstream (a window aggregate grouped by window_time, say) is insert-only and keeps
  // window_time a time attribute only once the window rules have planned it; they keep the field layout.
  const input = { ...bound, node: rewriteWindows(bound.node) }
  if (!plan.isInsertOnly(input.node.changelog))
    invalid(
      ref.span,
      `window TVFs need an insert-only input, but it emits updates (${input.node.changelog.join(',')})`,
      'apply the window to the source stream, before any unbounded aggregation or Top-N',
    )
  const time = input.scope.resolve(ref.timeColumn.path, ref.timeColumn.span)
  const attribute = timeAttributeOf(input.node.schema[time.index]?.type ?? time.type)
  if (attribute === undefined || time.fieldPath.length > 0)
    invalid(
      ref.timeColumn.span,
      `DESCRIPTOR(${ref.timeColumn.path.join('.')}) must name a time attribute, but it is ${formatType(time.type)}`,
      'use a rowtime column (one with a WATERMARK) or a processing-time column (PROCTIME())',
    )
  const partitionKeys = ref.partitionBy.map((column) => {
    const resolved = input.scope.resolve(column.path, column.span)
    return resolved.index
  })
  const window = windowSpec(binder, ref, partitionKeys)
  const node = plan.windowTableFunction(input.node, window, time.index)
  const alias = ref.alias?.name
  const table = input.scope.tables[0] ?? { qualifiers: [], display: 'a window' }
  const scopeTable = alias === undefined ? table : { qualifiers: [[alias]], display: `window ${alias}` }
  return relationOf(node, ref.alias, scopeTable, ref.span)
}

function windowSpec(binder: SubqueryBinder, ref: WindowTvfRef, partitionKeys: readonly number[]): WindowSpec {
  const duration = (expr: Expression, what: string): number =>
    constantInterval(binder, expr, `the ${ref.window.type} ${what}`)
  const offset = (expr: Expression | undefined): number => (expr === undefined ? 0 : duration(expr, 'offset'))
  const w = ref.window
  switch (w.type) {
    case 'TUMBLE':
      return {
        type: 'TUMBLE',
        sizeMs: positive(duration(w.size, 'size'), w.size, 'size'),
        offsetMs: offset(w.offset),
      }
    case 'HOP': {
      const slideMs = positive(duration(w.slide, 'slide'), w.slide, 'slide')
      const sizeMs = positive(duration(w.size, 'size'), w.size, 'size')
      if (sizeMs % slideMs !== 0)
        invalid(
          w.size.span,
          `the HOP size (${sizeMs} ms) must be a whole multiple of the slide (${slideMs} ms)`,
        )
      return { type: 'HOP', slideMs, sizeMs, offsetMs: offset(w.offset) }
    }
    case 'CUMULATE': {
      const stepMs = positive(duration(w.step, 'step'), w.step, 'step')
      const maxSizeMs = positive(duration(w.maxSize, 'max size'), w.maxSize, 'max size')
      if (maxSizeMs % stepMs !== 0)
        invalid(
          w.maxSize.span,
          `the CUMULATE max size (${maxSizeMs} ms) must be a whole multiple of the step (${stepMs} ms)`,
        )
      return { type: 'CUMULATE', stepMs, maxSizeMs, offsetMs: offset(w.offset) }
    }
    case 'SESSION':
      return { type: 'SESSION', gapMs: positive(duration(w.gap, 'gap'), w.gap, 'gap'), partitionKeys }
  }
}

function positive(ms: number, expr: Expression, what: string): number {
  if (ms <= 0) invalid(expr.span, `the window ${what} must be positive`)
  return ms
}

/** A constant day-time interval such as INTERVAL '1' MINUTE, in milliseconds. */
function constantInterval(binder: SubqueryBinder, expr: Expression, what: string): number {
  const bound = new ExpressionBinder(binder.context, Scope.empty(), what).bind(expr)
  if (bound.kind === 'literal' && bound.type.kind === 'INTERVAL_DAY_TIME' && typeof bound.value === 'number')
    return bound.value
  if (bound.type.kind === 'INTERVAL_YEAR_MONTH')
    return invalid(
      expr.span,
      `${what} must be a day-time interval; month and year windows have no fixed length`,
      "use INTERVAL 'n' DAY",
    )
  return invalid(
    expr.span,
    `${what} must be a constant interval such as INTERVAL '1' MINUTE, not ${formatType(bound.type)}`,
  )
}

function bindJoin(binder: SubqueryBinder, ref: JoinRef, ctes: CteScope): Relation {
  const left = bindFrom(binder, ref.left, ctes)
  if (ref.right.kind === 'tableName' && ref.right.systemTime !== undefined)
    return bindLookupJoin(binder, ref, left, ref.right)
  const right = bindFrom(binder, ref.right, ctes)
  const joinType = ref.joinType === 'CROSS' || ref.joinType === 'COMMA' ? 'INNER' : ref.joinType
  let scope = Scope.concat(left.scope, right.scope)
  const width = left.node.schema.length
  let condition: BoundExpr | undefined
  if (ref.using !== undefined) {
    const equalities: BoundExpr[] = []
    const merged = new Set<number>()
    for (const name of ref.using) {
      const l = left.scope.resolve([name], ref.span)
      const r = right.scope.resolve([name], ref.span)
      equalities.push(usingEquality(name, ref.span, l, r, width))
      merged.add(width + r.index)
    }
    scope = new Scope(
      scope.columns.map((column, i) => (merged.has(i) ? { ...column, merged: true } : column)),
      scope.tables,
    )
    condition = conjunction(equalities)
  } else if (ref.on !== undefined) {
    condition = new ExpressionBinder(binder.context, scope, 'JOIN … ON').bindCondition(ref.on)
  }
  const { leftKeys, rightKeys, residual } = splitJoinCondition(condition, width)
  const node = plan.join(left.node, right.node, joinType, leftKeys, rightKeys, residual)
  return { node, scope: scope.retyped(node.schema) }
}

/** `left.name = right.name` for a JOIN … USING column, by position in the joined row. */
function usingEquality(
  name: string,
  span: SourceSpan,
  left: ResolvedColumn,
  right: ResolvedColumn,
  width: number,
): BoundExpr {
  const type = comparisonType(left.type, right.type)
  if (type === undefined)
    invalid(
      span,
      `USING column '${name}' is ${formatType(left.type)} on the left but ${formatType(right.type)} on the right`,
    )
  const operands = [inputRef(left.index, left.type), inputRef(width + right.index, right.type)]
  const args = isNumeric(type) ? operands : operands.map((operand) => coerce(operand, type))
  return call('=', args, types.boolean(left.type.nullable || right.type.nullable))
}
