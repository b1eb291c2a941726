import { type BoundExpr, inputRef } from '../../expr/bound-expr.ts'
import { inputsOf } from '../../expr/rewrite.ts'
import * as plan from '../builders.ts'
import type { AggregateNode, FilterNode, LogicalNode, WindowSpec, WindowTableFunctionNode } from '../nodes.ts'

/**
 * Window TVF + aggregate fusion: `GROUP BY window_start, window_end, keys` over `TABLE(TUMBLE/HOP/CUMULATE/
 * SESSION(…))` becomes one WindowAggregate that assigns windows itself, as Flink's window aggregation does.
 * Matches Aggregate ← Project ← Filter* ← WindowTableFunction where the projection and filters use the window
 * columns only to pass window_start, window_end (and optionally window_time) to the group keys, and every
 * grouping set has them.
 *
 * The WindowAggregate reads a projection of the TVF's input (the filters move below it) and outputs
 * keys, [$g], calls, window_start, window_end, window_time; a projection on top restores the Aggregate's
 * layout. The `$g` bitmask keeps its value because window keys, present in every set, come first.
 */
export function fuseWindowAggregate(node: LogicalNode): LogicalNode {
  if (node.kind !== 'aggregate' || node.input.kind !== 'project') return node
  const pre = node.input
  const filters: FilterNode[] = []
  let below = pre.input
  while (below.kind === 'filter') {
    filters.push(below)
    below = below.input
  }
  if (below.kind !== 'windowTableFunction' || !plan.isInsertOnly(below.changelog)) return node
  const tvf = below
  const width = tvf.input.schema.length
  const windowField = (index: number): boolean => index >= width
  const keyOf = (offset: number) => node.groupKeys.find((key) => isRef(pre.exprs[key], width + offset))
  const [startKey, endKey, timeKey] = [keyOf(0), keyOf(1), keyOf(2)]
  if (startKey === undefined || endKey === undefined) return node
  const windowKeys = [startKey, endKey, ...(timeKey === undefined ? [] : [timeKey])]
  if (
    node.groupSets !== undefined &&
    !node.groupSets.every((set) => windowKeys.every((key) => set.includes(key)))
  )
    return node
  const otherUses = pre.exprs.some(
    (expr, i) => !windowKeys.includes(i) && [...inputsOf(expr)].some(windowField),
  )
  if (otherUses || filters.some((filter) => [...inputsOf(filter.condition)].some(windowField))) return node

  // The projection feeding the window aggregate: the pre-projection without the window keys, plus the time field.
  const kept = pre.exprs.flatMap((_, i) => (windowKeys.includes(i) ? [] : [i]))
  const position = (old: number): number => kept.indexOf(old)
  const exprs: BoundExpr[] = kept.map((i) => pre.exprs[i]!)
  const names = kept.map((i) => pre.schema[i]!.name)
  const timeType = tvf.input.schema[tvf.timeField]!.type
  let timeField = exprs.findIndex((expr) => isRef(expr, tvf.timeField))
  if (timeField < 0) timeField = exprs.push(inputRef(tvf.timeField, timeType)) - 1
  if (timeField === names.length) names.push(tvf.input.schema[tvf.timeField]!.name)
  const window = withPartitionKeys(tvf, exprs, names)
  let source: LogicalNode = tvf.input
  for (const filter of filters.reverse()) source = plan.filter(source, filter.condition)
  const projected = plan.project(source, exprs, names)

  const groupKeys = node.groupKeys.filter((key) => !windowKeys.includes(key)).map(position)
  const groupSets = node.groupSets?.map((set) => set.filter((key) => !windowKeys.includes(key)).map(position))
  const calls = node.calls.map((call) => {
    const remapped = { ...call, args: call.args.map(position) }
    return call.filterArg === undefined ? remapped : { ...remapped, filterArg: position(call.filterArg) }
  })
  const fused = plan.windowAggregate(projected, window, timeField, groupKeys, groupSets, calls, node.strategy)
  return restoreLayout(node, fused, windowKeys)
}

function isRef(expr: BoundExpr | undefined, index: number): boolean {
  return expr?.kind === 'input' && expr.index === index
}

/** SESSION partition keys are positions of the TVF input; they must be projected for the window aggregate. */
function withPartitionKeys(tvf: WindowTableFunctionNode, exprs: BoundExpr[], names: string[]): WindowSpec {
  const window = tvf.window
  if (window.type !== 'SESSION') return window
  const partitionKeys = window.partitionKeys.map((key) => {
    const existing = exprs.findIndex((expr) => isRef(expr, key))
    if (existing >= 0) return existing
    names.push(tvf.input.schema[key]!.name)
    return exprs.push(inputRef(key, tvf.input.schema[key]!.type)) - 1
  })
  return { ...window, partitionKeys }
}

/**
 * A projection of the window aggregate's output in the original aggregate's layout and names; `windowKeys`
 * are the original key positions of window_start, window_end and (if grouped) window_time.
 */
export function restoreLayout(
  original: AggregateNode,
  fused: LogicalNode,
  windowKeys: readonly number[],
): LogicalNode {
  const keyCount = original.groupKeys.length
  const windowStart =
    keyCount - windowKeys.length + (original.groupSets === undefined ? 0 : 1) + original.calls.length
  let nextKey = 0
  const exprs = original.schema.map((_, i): BoundExpr => {
    const windowColumn = i < keyCount ? windowKeys.indexOf(original.groupKeys[i]!) : -1
    const source =
      i >= keyCount ? i - windowKeys.length : windowColumn >= 0 ? windowStart + windowColumn : nextKey++
    return inputRef(source, fused.schema[source]!.type)
  })
  return plan.project(fused, exprs, plan.fieldNames(original.schema))
}
