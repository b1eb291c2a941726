import { type BoundExpr, inputRef } from '../../expr/bound-expr.ts'
import { collectInputs, conjunction, exprEquals, remapInputs } from '../../expr/rewrite.ts'
import * as plan from '../builders.ts'
import {
  inputsOfNode,
  type LogicalNode,
  type LogicalPlan,
  type ProjectNode,
  type ScanNode,
  type SinkNode,
  type WatermarkAssignerNode,
} from '../nodes.ts'

const REUSE_SOURCE_OPTION = 'table.optimizer.reuse-source-enabled'

/** Flink's `table.optimizer.reuse-source-enabled`, on unless set to 'false'. */
export function reuseSourceEnabled(options: Readonly<Record<string, string>>): boolean {
  return options[REUSE_SOURCE_OPTION]?.trim().toLowerCase() !== 'false'
}

/**
 * A read of a table as its consumer sees it: a scan, or a scan under the projection of its computed columns
 * and the WatermarkAssigner of a computed rowtime (translated together, so reused together).
 */
interface SourceRead {
  /** The node the consumer reads: the scan, or the WatermarkAssigner. */
  readonly root: LogicalNode
  readonly scan: ScanNode
  readonly computed?: { readonly project: ProjectNode; readonly assigner: WatermarkAssignerNode }
  /** The consumer's fields, as expressions over the table's columns (`table.columns` positions). */
  readonly outputs: readonly BoundExpr[]
  /** The scan's pushed-down filters over the table's columns. */
  readonly filters: readonly BoundExpr[]
}

/**
 * Source reuse, as Flink's ScanReuser: reads of one table with the same connector options and watermark
 * become ONE scan of the union of their fields, so the source is opened once (one Kafka consumer group
 * member per partition, one datagen sequence) and fanned out. Each consumer gets a Filter (its pushed-down
 * filters, unless every read had the same ones, which then stay in the scan) and a Project back to exactly
 * the fields it had. Works across all `roots` (the sinks of a STATEMENT SET, or of a whole job).
 */
export function reuseSources(roots: readonly LogicalNode[]): LogicalNode[] {
  const replacements = new Map<LogicalNode, LogicalNode>()
  for (const group of reuseGroups(sourceReads(roots)))
    for (const [read, node] of mergeReads(group)) replacements.set(read.root, node)
  return replacements.size === 0 ? [...roots] : replaceShared(roots, replacements)
}

/** The INSERT plans of one job with sources reused across them (they run as one pipeline). */
export function reuseSourcesOfJob(plans: readonly LogicalPlan[]): LogicalPlan[] {
  if (!plans.every((p) => p.kind === 'insert' && reuseSourceEnabled(p.options))) return [...plans]
  const sinks = plans.flatMap((p) => (p.kind === 'insert' ? p.sinks : []))
  const rewritten = reuseSources(sinks)
  let next = 0
  return plans.map((p) => {
    if (p.kind !== 'insert') return p
    const own = rewritten.slice(next, next + p.sinks.length) as SinkNode[]
    next += p.sinks.length
    return { ...p, sinks: own }
  })
}

/** Every distinct read in the plan DAG, in depth-first order (so the plan text is stable). */
function sourceReads(roots: readonly LogicalNode[]): SourceRead[] {
  const reads: SourceRead[] = []
  const seen = new Set<LogicalNode>()
  const visit = (node: LogicalNode): void => {
    if (seen.has(node)) return
    seen.add(node)
    const read = sourceRead(node)
    if (read !== undefined) reads.push(read)
    else inputsOfNode(node).forEach(visit)
  }
  roots.forEach(visit)
  return reads
}

function sourceRead(node: LogicalNode): SourceRead | undefined {
  if (node.kind === 'scan') {
    const outputs = node.schema.map((field, i) => inputRef(node.projectedFields[i]!, field.type))
    return { root: node, scan: node, outputs, filters: node.filters.map((f) => overTable(f, node)) }
  }
  if (node.kind !== 'watermarkAssigner' || node.input.kind !== 'project' || node.input.input.kind !== 'scan')
    return undefined
  const project = node.input
  const scan = node.input.input
  return {
    root: node,
    scan,
    computed: { project, assigner: node },
    outputs: project.exprs.map((e) => overTable(e, scan)),
    filters: scan.filters.map((f) => overTable(f, scan)),
  }
}

/** An expression over a scan's output, rewritten over its table's columns. */
function overTable(expr: BoundExpr, scan: ScanNode): BoundExpr {
  return remapInputs(expr, (i) => scan.projectedFields[i]!)
}

/**
 * Reads that can share one scan: the same table (columns, key, rowtime), the same options after hints, and
 * the same watermark (pushed into the scan, or computed: the same rowtime expression and delay).
 */
function reuseGroups(reads: readonly SourceRead[]): SourceRead[][] {
  const byKey = new Map<string, SourceRead[][]>()
  for (const read of reads) {
    const { scan, computed } = read
    const key = JSON.stringify([
      scan.table,
      Object.entries(scan.options).sort(([a], [b]) => (a < b ? -1 : 1)),
      scan.watermark === undefined
        ? null
        : [scan.projectedFields[scan.watermark.field], scan.watermark.delayMs],
      computed === undefined ? null : computed.assigner.delayMs,
    ])
    const groups = byKey.get(key) ?? []
    byKey.set(key, groups)
    const group = groups.find((candidate) => sameRowtime(candidate[0]!, read))
    if (group === undefined) groups.push([read])
    else group.push(read)
  }
  return [...byKey.values()].flat().filter((group) => group.length > 1)
}

/** The computed rowtime expression of a read (over table columns). */
function rowtimeOf(read: SourceRead): BoundExpr | undefined {
  return read.computed === undefined ? undefined : read.outputs[read.computed.assigner.field]
}

/** Reads of one key are all plain or all computed; computed ones must compute the same rowtime. */
function sameRowtime(a: SourceRead, b: SourceRead): boolean {
  const [left, right] = [rowtimeOf(a), rowtimeOf(b)]
  return left === undefined || right === undefined || exprEquals(left, right)
}

function sameFilters(a: readonly BoundExpr[], b: readonly BoundExpr[]): boolean {
  return a.length === b.length && a.every((f) => b.some((g) => exprEquals(f, g)))
}

/** One shared read for the group; each read → the node its consumer reads instead. */
function mergeReads(group: readonly SourceRead[]): Map<SourceRead, LogicalNode> {
  const first = group[0]!
  const keepFilters = group.every((read) => sameFilters(read.filters, first.filters))
  const columns = [...new Set(group.flatMap((read) => read.scan.projectedFields))].sort((a, b) => a - b)
  const at = new Map(columns.map((column, i) => [column, i]))
  const overScan = (expr: BoundExpr) => remapInputs(expr, (column) => at.get(column)!)
  const { watermark } = first.scan
  const scan = plan.scan(
    first.scan.table,
    columns,
    first.scan.options,
    keepFilters ? first.filters.map(overScan) : [],
    watermark === undefined
      ? undefined
      : { ...watermark, field: at.get(first.scan.projectedFields[watermark.field]!)! },
  )
  const residual = (read: SourceRead) => (keepFilters ? [] : read.filters)
  const shared =
    first.computed === undefined ? plainShared(scan) : computedShared(scan, group, residual, overScan)
  return new Map(
    group.map((read) => {
      const filters = residual(read).map((f) => remapInputs(f, (column) => shared.columnAt(column)))
      const filtered = filters.length === 0 ? shared.node : plan.filter(shared.node, conjunction(filters))
      return [read, reshape(filtered, read, shared.fieldOf)]
    }),
  )
}

interface SharedRead {
  readonly node: LogicalNode
  /** The shared node's position of a consumer output (over table columns). */
  readonly fieldOf: (output: BoundExpr) => number
  /** The shared node's position of a table column (one the residual filters read). */
  readonly columnAt: (column: number) => number
}

function plainShared(scan: ScanNode): SharedRead {
  const columnAt = (column: number) => scan.projectedFields.indexOf(column)
  return { node: scan, columnAt, fieldOf: (output) => columnAt(refIndex(output)) }
}

/**
 * The computed columns of every read in one projection over the shared scan (each distinct expression once,
 * plus the columns the residual filters read), under one WatermarkAssigner: the shape translation needs.
 */
function computedShared(
  scan: ScanNode,
  group: readonly SourceRead[],
  residual: (read: SourceRead) => readonly BoundExpr[],
  overScan: (expr: BoundExpr) => BoundExpr,
): SharedRead {
  const exprs: BoundExpr[] = []
  const names: string[] = []
  const add = (expr: BoundExpr, name: string) => {
    if (exprs.some((e) => exprEquals(e, expr))) return
    exprs.push(expr)
    names.push(name)
  }
  for (const read of group) {
    for (const [i, output] of read.outputs.entries()) add(output, read.computed!.project.schema[i]!.name)
    for (const filter of residual(read))
      for (const column of collectInputs(filter, new Set()))
        add(inputRef(column, columnType(scan, column)), scan.table.columns[column]!.name)
  }
  const fieldOf = (output: BoundExpr) => exprs.findIndex((e) => exprEquals(e, output))
  const project = plan.project(scan, exprs.map(overScan), plan.uniqueNames(names))
  const assigner = group[0]!.computed!.assigner
  return {
    node: plan.watermarkAssigner(project, fieldOf(rowtimeOf(group[0]!)!), assigner.delayMs),
    fieldOf,
    columnAt: (column) => fieldOf(inputRef(column, columnType(scan, column))),
  }
}

function columnType(scan: ScanNode, column: number): BoundExpr['type'] {
  return scan.schema[scan.projectedFields.indexOf(column)]!.type
}

/** The shared rows projected back to exactly the read's own fields (names and order); as is when equal. */
function reshape(input: LogicalNode, read: SourceRead, fieldOf: (output: BoundExpr) => number): LogicalNode {
  const positions = read.outputs.map(fieldOf)
  const schema = read.root.schema
  if (positions.length === input.schema.length && positions.every((p, i) => p === i)) return input
  return plan.project(
    input,
    positions.map((p, i) => inputRef(p, schema[i]!.type)),
    schema.map((field) => field.name),
  )
}

/**
 * The DAG with `replacements` substituted, each node rebuilt once so shared subtrees stay shared. A Project
 * over a consumer's reshaping Project (field references only) reads through it, so no extra step remains.
 */
function replaceShared(
  roots: readonly LogicalNode[],
  replacements: ReadonlyMap<LogicalNode, LogicalNode>,
): LogicalNode[] {
  const reshapes = new Set(replacements.values())
  const done = new Map(replacements)
  const visit = (node: LogicalNode): LogicalNode => {
    const known = done.get(node)
    if (known !== undefined) return known
    const inputs = inputsOfNode(node)
    const rewritten = inputs.map(visit)
    const [input] = rewritten
    let result: LogicalNode
    if (rewritten.every((input, i) => input === inputs[i])) result = node
    else if (node.kind === 'project' && input!.kind === 'project' && reshapes.has(input!))
      result = readThrough(node, input!)
    else result = plan.withInputs(node, rewritten)
    done.set(node, result)
    return result
  }
  return roots.map(visit)
}

function readThrough(outer: ProjectNode, reshape: ProjectNode): ProjectNode {
  const exprs = outer.exprs.map((e) => remapInputs(e, (i) => refIndex(reshape.exprs[i]!)))
  return plan.project(reshape.input, exprs, plan.fieldNames(outer.schema))
}

/** The position a field reference reads: plain scan outputs and reshaping projections hold nothing else. */
function refIndex(expr: BoundExpr): number {
  if (expr.kind !== 'input') throw new Error(`source reuse expected a field reference, not a ${expr.kind}`)
  return expr.index
}
