import { invalid, SqlValidationError } from '../errors.ts'
import { type BoundExpr, inputRef } from '../expr/bound-expr.ts'
import { exprEquals, mapInputs } from '../expr/rewrite.ts'
import type { Expression, FunctionCall, OrderItem, Select, SelectItem, SourceSpan } from '../parser/index.ts'
import * as plan from '../plan/builders.ts'
import { uniqueNames } from '../plan/builders.ts'
import type { AggregateStrategy, LogicalNode, SortKey } from '../plan/nodes.ts'
import { formatType } from '../types/type-format.ts'
import { AggregateExpressionBinder, AggregationBuilder } from './aggregate-binder.ts'
import { containsAggregate, selectsAggregates } from './aggregate-calls.ts'
import { bindFrom } from './bind-from.ts'
import { ExpressionBinder } from './expression-binder.ts'
import { expandGroupBy } from './grouping-sets.ts'
import { rewriteLegacyGroupWindow } from './legacy-group-window.ts'
import type { BoundQuery, CteScope, Relation, SubqueryBinder } from './relation.ts'
import { Scope } from './scope.ts'
import { filterOverRowNumber } from './top-n.ts'

/** Rules decide local/global phases, mini-batching and split-distinct later. */
export const SINGLE_PHASE: AggregateStrategy = { phase: 'one-phase', miniBatch: false }

/** A SELECT item after `*` expansion: an expression to bind, or a FROM column taken as it is. */
type Item =
  | {
      readonly kind: 'expr'
      readonly expr: Expression
      readonly name: string
      readonly alias: boolean
      readonly span: SourceSpan
    }
  | { readonly kind: 'column'; readonly index: number; readonly name: string; readonly span: SourceSpan }

export function bindSelect(binder: SubqueryBinder, written: Select, ctes: CteScope): BoundQuery {
  const select = rewriteLegacyGroupWindow(written)
  if (select.windows.length > 0)
    invalid(select.windows[0]!.span, 'the WINDOW clause is not supported', 'write the window inside OVER (…)')
  const from: Relation =
    select.from === undefined
      ? { node: plan.values([[]], []), scope: Scope.empty() }
      : bindFrom(binder, select.from, ctes)
  let node = from.node
  if (select.where !== undefined) {
    if (containsAggregate(select.where))
      invalid(
        select.where.span,
        'aggregate functions are not allowed in WHERE',
        'filter on aggregates with HAVING',
      )
    const condition = new ExpressionBinder(binder.context, from.scope, 'WHERE').bindCondition(select.where)
    node = filterOverRowNumber(node, condition)
  }
  const items = expandItems(select.items, from.scope)
  const aggregating =
    select.groupBy.length > 0 || select.having !== undefined || selectsAggregates(select.items)
  const result = aggregating
    ? bindAggregation(binder, select, { node, scope: from.scope }, items)
    : bindProjection(binder, { node, scope: from.scope }, items)
  if (!select.distinct) return result
  const keys = result.node.schema.map((_, i) => i)
  return {
    node: plan.aggregate(result.node, keys, undefined, [], SINGLE_PHASE),
    columnSpans: result.columnSpans,
  }
}

function expandItems(selectItems: readonly SelectItem[], scope: Scope): Item[] {
  const items: Item[] = []
  for (const [position, item] of selectItems.entries()) {
    if (item.kind === 'selectWildcard') {
      for (const index of scope.expandStar(item.qualifier, item.span))
        items.push({ kind: 'column', index, name: scope.columns[index]!.name, span: item.span })
      continue
    }
    items.push({
      kind: 'expr',
      expr: item.expr,
      name: item.alias ?? derivedName(item.expr, position),
      alias: item.alias !== undefined,
      span: item.span,
    })
  }
  return items
}

/** The name of an unaliased SELECT item: the column or field it reads, else Flink's EXPR$n. */
function derivedName(expr: Expression, position: number): string {
  if (expr.kind === 'columnRef') return expr.path[expr.path.length - 1]!
  if (expr.kind === 'fieldAccess') return expr.field
  return `EXPR$${position}`
}

function bindProjection(binder: SubqueryBinder, from: Relation, items: readonly Item[]): BoundQuery {
  let node = from.node
  const rowNumbers = items.filter((item) => item.kind === 'expr' && isRowNumberCall(item.expr))
  if (rowNumbers.length > 1)
    invalid(rowNumbers[1]!.span, 'only one ROW_NUMBER() OVER (…) per SELECT is supported')
  const expressionBinder = new ExpressionBinder(binder.context, from.scope, 'the SELECT list')
  const exprs = items.map((item): BoundExpr => {
    if (item.kind === 'column') return inputRef(item.index, from.scope.columns[item.index]!.type)
    if (!isRowNumberCall(item.expr)) return expressionBinder.bind(item.expr)
    node = rowNumberNode(binder, node, from.scope, item.expr as FunctionCall, item.name)
    return inputRef(node.schema.length - 1, node.schema[node.schema.length - 1]!.type)
  })
  const names = uniqueNames(items.map((item) => item.name))
  return { node: plan.project(node, exprs, names), columnSpans: items.map((item) => item.span) }
}

function isRowNumberCall(expr: Expression): boolean {
  return (
    expr.kind === 'functionCall' &&
    expr.over !== undefined &&
    ['ROW_NUMBER', 'RANK', 'DENSE_RANK'].includes(expr.name.toUpperCase())
  )
}

/** `ROW_NUMBER() OVER (PARTITION BY cols ORDER BY cols)`, appended to the row until a filter makes it a Top-N. */
function rowNumberNode(
  binder: SubqueryBinder,
  input: LogicalNode,
  scope: Scope,
  call: FunctionCall,
  name: string,
): LogicalNode {
  const window = call.over!
  if (call.name.toUpperCase() !== 'ROW_NUMBER')
    invalid(
      call.span,
      `${call.name.toUpperCase()}() is not supported`,
      'use ROW_NUMBER() for Top-N and deduplication',
    )
  if (call.args.length > 0) invalid(call.span, 'ROW_NUMBER() takes no arguments')
  if (window.baseWindow !== undefined) invalid(window.span, 'named windows (OVER w) are not supported')
  if (window.frame !== undefined)
    invalid(window.span, 'ROW_NUMBER() does not take a window frame (ROWS/RANGE)')
  if (window.orderBy.length === 0)
    invalid(
      window.span,
      'ROW_NUMBER() OVER (…) needs an ORDER BY',
      'order by a time attribute for deduplication, or by a measure for Top-N',
    )
  const columns = new ExpressionBinder(binder.context, scope, 'OVER (…)')
  const column = (expr: Expression): number => {
    const bound = columns.bind(expr)
    if (bound.kind !== 'input')
      invalid(
        expr.span,
        'PARTITION BY and ORDER BY of ROW_NUMBER() must name columns',
        'compute the expression in a subquery first',
      )
    return bound.index
  }
  const partitionKeys = window.partitionBy.map(column)
  const orderKeys = window.orderBy.map((item): SortKey => sortKey(item, column(item.expr)))
  return plan.rowNumber(input, partitionKeys, orderKeys, name, call.span)
}

/** Flink's null order: NULL is the smallest value, so first ascending and last descending unless stated. */
export function sortKey(item: OrderItem, field: number): SortKey {
  const descending = item.direction === 'DESC'
  return { field, descending, nullsFirst: item.nulls === undefined ? !descending : item.nulls === 'FIRST' }
}

function bindAggregation(
  binder: SubqueryBinder,
  select: Select,
  from: Relation,
  items: readonly Item[],
): BoundQuery {
  const context = binder.context
  for (const element of select.groupBy)
    if (
      element.kind !== 'groupingTuple' &&
      element.kind !== 'groupingSets' &&
      element.kind !== 'rollup' &&
      element.kind !== 'cube' &&
      containsAggregate(element)
    )
      invalid(element.span, 'aggregate functions are not allowed in GROUP BY')
  const { keys, sets } = bindGroupKeys(binder, select, from.scope, items)
  const aggregation = new AggregationBuilder(keys, sets)
  const itemBinder = new AggregateExpressionBinder(context, from.scope, 'the SELECT list', aggregation)
  const exprs = items.map((item): BoundExpr => {
    if (item.kind === 'column') return groupedColumn(aggregation, from.scope, item)
    if (isRowNumberCall(item.expr))
      invalid(
        item.span,
        'ROW_NUMBER() OVER (…) cannot be combined with GROUP BY in one SELECT',
        'aggregate in a subquery first',
      )
    return itemBinder.bind(item.expr)
  })
  for (const [i, item] of items.entries()) {
    const expr = exprs[i]!
    if (item.kind === 'expr' && expr.kind === 'input') aggregation.nameCall(expr.index, item.name)
  }
  const having =
    select.having === undefined
      ? undefined
      : new AggregateExpressionBinder(context, from.scope, 'HAVING', aggregation).bindCondition(select.having)
  const preNames = aggregation.preProjection.map((expr, i) =>
    expr.kind === 'input' ? from.scope.columns[expr.index]!.name : `$f${i}`,
  )
  const pre = plan.project(from.node, aggregation.preProjection, uniqueNames(preNames))
  const keyPositions = keys.map((_, i) => i)
  const aggregate = plan.aggregate(pre, keyPositions, sets, aggregation.calls, SINGLE_PHASE)
  const top = having === undefined ? aggregate : plan.filter(aggregate, having)
  const names = uniqueNames(items.map((item) => item.name))
  // A window aggregation's window_time key stays a time attribute (see `plan.aggregate`); references to the
  // keys take the aggregate's own types.
  const retyped = exprs.map((expr) =>
    mapInputs(expr, (ref) => ({ ...ref, type: aggregate.schema[ref.index]?.type ?? ref.type })),
  )
  return { node: plan.project(top, retyped, names), columnSpans: items.map((item) => item.span) }
}

/** `*` in an aggregating SELECT: every expanded column must be a group key. */
function groupedColumn(
  aggregation: AggregationBuilder,
  scope: Scope,
  item: Item & { kind: 'column' },
): BoundExpr {
  const key = aggregation.matchKey(inputRef(item.index, scope.columns[item.index]!.type))
  if (key < 0)
    invalid(
      item.span,
      `'*' includes column '${item.name}', which is neither grouped nor aggregated`,
      'list the grouped columns instead of *',
    )
  return inputRef(key, aggregation.keyType(key))
}

/**
 * The distinct group key expressions of all grouping sets, keys present in every set first (so that the
 * grouping-set bitmask keeps its value when the window columns are taken out for a window aggregate), and
 * each set as key positions; sets are undefined for a plain GROUP BY.
 */
function bindGroupKeys(
  binder: SubqueryBinder,
  select: Select,
  scope: Scope,
  items: readonly Item[],
): { keys: BoundExpr[]; sets: number[][] | undefined } {
  const groupBinder = new ExpressionBinder(binder.context, scope, 'GROUP BY')
  const expanded = expandGroupBy(select.groupBy, select.span)
  const found: BoundExpr[] = []
  const setsByFound = expanded.map((set) => {
    const positions: number[] = []
    for (const expr of set) {
      const bound = bindGroupExpression(groupBinder, expr, items)
      let position = found.findIndex((key) => exprEquals(key, bound))
      if (position < 0) position = found.push(bound) - 1
      if (!positions.includes(position)) positions.push(position)
    }
    return positions
  })
  const always = found.flatMap((_, i) => (setsByFound.every((set) => set.includes(i)) ? [i] : []))
  const order = [...always, ...found.flatMap((_, i) => (always.includes(i) ? [] : [i]))]
  const keys = order.map((i) => found[i]!)
  if (setsByFound.length === 1) return { keys, sets: undefined }
  return { keys, sets: setsByFound.map((set) => set.map((i) => order.indexOf(i)).sort((a, b) => a - b)) }
}

/** Binds a GROUP BY expression; a miss that names a SELECT alias explains that aliases are not visible here. */
function bindGroupExpression(
  groupBinder: ExpressionBinder,
  expr: Expression,
  items: readonly Item[],
): BoundExpr {
  try {
    const bound = groupBinder.bind(expr)
    if (bound.type.kind === 'SYMBOL') invalid(expr.span, `cannot group by ${formatType(bound.type)}`)
    return bound
  } catch (error) {
    const name = expr.kind === 'columnRef' && expr.path.length === 1 ? expr.path[0] : undefined
    const aliased = items.find((item) => item.kind === 'expr' && item.alias && item.name === name)
    if (error instanceof SqlValidationError && aliased !== undefined)
      invalid(
        expr.span,
        `${error.problem}; GROUP BY cannot refer to the SELECT alias '${name}'`,
        'repeat the expression in GROUP BY',
      )
    throw error
  }
}
