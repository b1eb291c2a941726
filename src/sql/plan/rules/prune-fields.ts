import { type BoundExpr, inputRef } from '../../expr/bound-expr.ts'
import {
  collectInputs,
  foldLiteralCasts,
  isDeterministic,
  mapInputs,
  remapInputs,
} from '../../expr/rewrite.ts'
import * as plan from '../builders.ts'
import type {
  AggregateCall,
  AggregateNode,
  LogicalNode,
  LookupJoinNode,
  WindowAggregateNode,
  WindowSpec,
} from '../nodes.ts'

/** A pruned subtree and where each surviving field of the old output now is. */
interface Pruned {
  readonly node: LogicalNode
  readonly mapping: ReadonlyMap<number, number>
}

/**
 * Projection push-down: every node keeps only the fields something above it reads, down to the scan, whose
 * `projectedFields` then name just the columns to decode. Unused aggregate calls and an unread Top-N row
 * number disappear too; projections that only pass fields through are dropped, and a projection over a
 * projection is merged when that duplicates no computation. The root keeps its exact output.
 */
export function pruneFields(root: LogicalNode): LogicalNode {
  const all = root.schema.map((_, i) => i)
  return exactly(prune(root, new Set(all)), all)
}

function identity(width: number): Map<number, number> {
  return new Map(Array.from({ length: width }, (_, i) => [i, i]))
}

function sorted(positions: Iterable<number>): number[] {
  return [...new Set(positions)].sort((a, b) => a - b)
}

function remap(expr: BoundExpr, mapping: ReadonlyMap<number, number>): BoundExpr {
  return remapInputs(expr, (index) => mapping.get(index)!)
}

function positionsOf(kept: readonly number[]): Map<number, number> {
  return new Map(kept.map((old, i) => [old, i]))
}

/** The pruned node projected to exactly `positions` (old output positions), in that order. */
function exactly(pruned: Pruned, positions: readonly number[]): LogicalNode {
  const node = pruned.node
  const targets = positions.map((old) => pruned.mapping.get(old)!)
  if (targets.length === node.schema.length && targets.every((target, i) => target === i)) return node
  return plan.project(
    node,
    targets.map((target) => inputRef(target, node.schema[target]!.type)),
    targets.map((target) => node.schema[target]!.name),
  )
}

function prune(node: LogicalNode, required: ReadonlySet<number>): Pruned {
  switch (node.kind) {
    case 'scan': {
      const keep = sorted([
        ...required,
        ...node.filters.flatMap((f) => [...collectInputs(f, new Set())]),
        ...(node.watermark === undefined ? [] : [node.watermark.field]),
      ])
      if (keep.length === node.schema.length) return { node, mapping: identity(keep.length) }
      const mapping = positionsOf(keep)
      const watermark =
        node.watermark === undefined
          ? undefined
          : { ...node.watermark, field: mapping.get(node.watermark.field)! }
      const scan = plan.scan(
        node.table,
        keep.map((i) => node.projectedFields[i]!),
        node.options,
        node.filters.map((f) => remap(f, mapping)),
        watermark,
      )
      return { node: scan, mapping }
    }
    case 'values': {
      const keep = sorted(required)
      return {
        node: plan.values(
          node.rows.map((row) => keep.map((i) => row[i]!)),
          keep.map((i) => node.schema[i]!),
        ),
        mapping: positionsOf(keep),
      }
    }
    case 'watermarkAssigner': {
      const child = prune(node.input, new Set([...required, node.field]))
      return {
        node: plan.watermarkAssigner(child.node, child.mapping.get(node.field)!, node.delayMs),
        mapping: child.mapping,
      }
    }
    case 'filter': {
      const child = prune(node.input, collectInputs(node.condition, new Set(required)))
      return { node: plan.filter(child.node, remap(node.condition, child.mapping)), mapping: child.mapping }
    }
    case 'project':
      return pruneProject(node.input, node.exprs, plan.fieldNames(node.schema), required)
    case 'windowTableFunction': {
      const width = node.input.schema.length
      const partitionKeys = node.window.type === 'SESSION' ? node.window.partitionKeys : []
      const child = prune(
        node.input,
        new Set([...[...required].filter((i) => i < width), node.timeField, ...partitionKeys]),
      )
      const newWidth = child.node.schema.length
      const tvf = plan.windowTableFunction(
        child.node,
        remapWindow(node.window, child.mapping),
        child.mapping.get(node.timeField)!,
      )
      const mapping = new Map(child.mapping)
      for (let k = 0; k < 3; k++) mapping.set(width + k, newWidth + k)
      return { node: tvf, mapping }
    }
    case 'aggregate':
    case 'windowAggregate':
      return pruneAggregate(node, required)
    case 'join': {
      const width = node.left.schema.length
      const residual =
        node.residual === undefined ? new Set<number>() : collectInputs(node.residual, new Set())
      const wanted = [...required, ...residual]
      const left = prune(node.left, new Set([...wanted.filter((i) => i < width), ...node.leftKeys]))
      const right = prune(
        node.right,
        new Set([...wanted.filter((i) => i >= width).map((i) => i - width), ...node.rightKeys]),
      )
      const newWidth = left.node.schema.length
      const mapping = new Map<number, number>(left.mapping)
      for (const [old, target] of right.mapping) mapping.set(old + width, target + newWidth)
      const joined = plan.join(
        left.node,
        right.node,
        node.joinType,
        node.leftKeys.map((key) => left.mapping.get(key)!),
        node.rightKeys.map((key) => right.mapping.get(key)!),
        node.residual === undefined ? undefined : remap(node.residual, mapping),
      )
      return { node: joined, mapping }
    }
    case 'lookupJoin': {
      const width = node.input.schema.length
      const residual =
        node.residual === undefined ? new Set<number>() : collectInputs(node.residual, new Set())
      const wanted = [...required, ...residual]
      const keyFields = node.lookupKeys.flatMap(({ source }) => ('field' in source ? [source.field] : []))
      const child = prune(node.input, new Set([...wanted.filter((i) => i < width), ...keyFields]))
      const keptTable = sorted(wanted.filter((i) => i >= width).map((i) => i - width))
      if (keptTable.length === 0 && node.joinType === 'LEFT' && looksUpOneRow(node)) return child
      const newWidth = child.node.schema.length
      const mapping = new Map<number, number>(child.mapping)
      for (const [i, old] of keptTable.entries()) mapping.set(old + width, newWidth + i)
      const keys = node.lookupKeys.map(({ column, source }) => ({
        column,
        source: 'field' in source ? { field: child.mapping.get(source.field)! } : source,
      }))
      const joined = plan.lookupJoin(
        child.node,
        node.table,
        node.options,
        node.joinType,
        keys,
        keptTable.map((i) => node.tableFields[i]!),
        node.residual === undefined ? undefined : remap(node.residual, mapping),
      )
      return { node: joined, mapping }
    }
    case 'rank': {
      const width = node.input.schema.length
      const child = prune(
        node.input,
        new Set([
          ...[...required].filter((i) => i < width),
          ...node.partitionKeys,
          ...node.orderKeys.map((key) => key.field),
        ]),
      )
      const keepRank = node.outputRank && required.has(width)
      const window = node.window
      const ranked = plan.rank(
        child.node,
        node.partitionKeys.map((key) => child.mapping.get(key)!),
        node.orderKeys.map((key) => ({ ...key, field: child.mapping.get(key.field)! })),
        node.rankStart,
        node.rankEnd,
        keepRank ? node.schema[width]!.name : undefined,
        window === undefined
          ? undefined
          : { ...window, start: child.mapping.get(window.start)!, end: child.mapping.get(window.end)! },
      )
      const mapping = new Map(child.mapping)
      if (keepRank) mapping.set(width, child.node.schema.length)
      return { node: ranked, mapping }
    }
    case 'deduplicate': {
      const child = prune(node.input, new Set([...required, ...node.keys, node.timeField]))
      const kept = plan.deduplicate(
        child.node,
        node.keys.map((key) => child.mapping.get(key)!),
        node.keep,
        child.mapping.get(node.timeField)!,
        node.timeAttribute,
        node.miniBatch,
      )
      return { node: kept, mapping: child.mapping }
    }
    case 'union': {
      const keep = sorted(required)
      const inputs = node.inputs.map((input) => exactly(prune(input, new Set(keep)), keep))
      return { node: plan.union(inputs), mapping: positionsOf(keep) }
    }
    default: {
      const inputs = node.kind === 'sink' || node.kind === 'rowNumber' ? [node.input] : []
      const rebuilt = inputs.map((input) => {
        const all = input.schema.map((_, i) => i)
        return exactly(prune(input, new Set(all)), all)
      })
      return {
        node: rebuilt.length === 0 ? node : plan.withInputs(node, rebuilt),
        mapping: identity(node.schema.length),
      }
    }
  }
}

/**
 * A LEFT lookup join by the table's whole primary key finds at most one row and never drops a probe row,
 * so when nothing reads the table's fields it changes nothing and can go.
 */
function looksUpOneRow(node: LookupJoinNode): boolean {
  const key = node.table.primaryKey
  if (key === undefined || node.residual !== undefined) return false
  const columns = node.lookupKeys.map(({ column }) => node.table.columns[column]!.name)
  return key.every((name) => columns.includes(name))
}

function remapWindow(window: WindowSpec, mapping: ReadonlyMap<number, number>): WindowSpec {
  if (window.type === 'ATTACHED') return { ...window, start: mapping.get(window.start)! }
  return window.type === 'SESSION'
    ? { ...window, partitionKeys: window.partitionKeys.map((key) => mapping.get(key)!) }
    : window
}

function pruneProject(
  input: LogicalNode,
  exprs: readonly BoundExpr[],
  names: readonly string[],
  required: ReadonlySet<number>,
): Pruned {
  const keep = sorted(required)
  const child = prune(
    input,
    keep.reduce((used, i) => collectInputs(exprs[i]!, used), new Set<number>()),
  )
  const kept = keep.map((i) => remap(exprs[i]!, child.mapping))
  const keptNames = keep.map((i) => names[i]!)
  const mapping = positionsOf(keep)
  const below = child.node
  const passThrough =
    kept.length === below.schema.length &&
    kept.every(
      (expr, i) => expr.kind === 'input' && expr.index === i && below.schema[i]!.name === keptNames[i],
    )
  if (passThrough) return { node: below, mapping }
  if (below.kind === 'project' && mergeable(kept, below.exprs))
    return {
      node: plan.project(
        below.input,
        kept.map((expr) => foldLiteralCasts(mapInputs(expr, (ref) => below.exprs[ref.index]!))),
        keptNames,
      ),
      mapping,
    }
  return { node: plan.project(below, kept, keptNames), mapping }
}

/** Substituting `inner` into `outer` is free when every computed inner expression is used at most once. */
function mergeable(outer: readonly BoundExpr[], inner: readonly BoundExpr[]): boolean {
  const uses = new Map<number, number>()
  const count = (expr: BoundExpr): void => {
    if (expr.kind === 'input') uses.set(expr.index, (uses.get(expr.index) ?? 0) + 1)
    else if (expr.kind === 'call') for (const arg of expr.args) count(arg)
  }
  for (const expr of outer) count(expr)
  return inner.every((expr, i) => expr.kind !== 'call' || (isDeterministic(expr) && (uses.get(i) ?? 0) <= 1))
}

function pruneAggregate(node: AggregateNode | WindowAggregateNode, required: ReadonlySet<number>): Pruned {
  const keyCount = node.groupKeys.length
  const firstCall = keyCount + (node.groupSets === undefined ? 0 : 1)
  const usedCalls = node.calls.flatMap((_, c) => (required.has(firstCall + c) ? [c] : []))
  const inputRequired = new Set<number>(node.groupKeys)
  for (const c of usedCalls) {
    const call = node.calls[c]!
    for (const arg of call.args) inputRequired.add(arg)
    if (call.filterArg !== undefined) inputRequired.add(call.filterArg)
  }
  if (node.kind === 'windowAggregate') {
    inputRequired.add(node.timeField)
    if (node.window.type === 'ATTACHED') inputRequired.add(node.window.start)
    if (node.window.type === 'SESSION') for (const key of node.window.partitionKeys) inputRequired.add(key)
  }
  const child = prune(node.input, inputRequired)
  const at = (i: number): number => child.mapping.get(i)!
  const calls = usedCalls.map((c): AggregateCall => {
    const call = node.calls[c]!
    const remapped = { ...call, args: call.args.map(at) }
    return call.filterArg === undefined ? remapped : { ...remapped, filterArg: at(call.filterArg) }
  })
  const keys = node.groupKeys.map(at)
  const sets = node.groupSets?.map((set) => set.map(at))
  const mapping = identity(firstCall)
  for (const [i, c] of usedCalls.entries()) mapping.set(firstCall + c, firstCall + i)
  if (node.kind === 'aggregate')
    return { node: plan.aggregate(child.node, keys, sets, calls, node.strategy), mapping }
  for (let k = 0; k < 3; k++) mapping.set(firstCall + node.calls.length + k, firstCall + calls.length + k)
  const window = remapWindow(node.window, child.mapping)
  return {
    node: plan.windowAggregate(child.node, window, at(node.timeField), keys, sets, calls, node.strategy),
    mapping,
  }
}
