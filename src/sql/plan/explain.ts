import type { BoundExpr } from '../expr/bound-expr.ts'
import { printExpr } from '../expr/print.ts'
import { quoteIdentifier } from '../parser/index.ts'
import { formatType } from '../types/type-format.ts'
import { fieldNames, GROUPING_ID_FIELD } from './builders.ts'
import {
  type AggregateCall,
  inputsOfNode,
  type LogicalNode,
  type LogicalPlan,
  type Schema,
  type SortKey,
  type WindowSpec,
} from './nodes.ts'

export interface ExplainOptions {
  /** Print each node's output schema with types (default true). */
  readonly schema?: boolean
}

/**
 * The plan as an indented tree in the style of Flink's EXPLAIN: one node per line with its attributes, its
 * output schema and its changelog mode, inputs below it marked `:-` (and `+-` for the last).
 *
 *     Sink(table=[sink], fields=[a, cnt], changelogMode=[I,UB,UA])
 *     +- GroupAggregate(groupBy=[a], select=[a, COUNT(*) AS cnt], changelogMode=[I,UB,UA])
 *        +- TableSourceScan(table=[src], fields=[a], changelogMode=[I])
 *
 * A node several parents read (a reused source) is printed in full once, marked `(reuse_id=[n])`, and as
 * `Reused(reference_id=[n])` wherever else it is read, as Flink prints it.
 */
export function explain(plan: LogicalPlan | LogicalNode, options: ExplainOptions = {}): string {
  const roots = 'sinks' in plan ? plan.sinks : 'root' in plan ? [plan.root] : [plan]
  const printer = new TreePrinter(sharedNodes(roots), options.schema ?? true)
  for (const root of roots) printer.print(root, '', '')
  return printer.lines.join('\n')
}

/** The nodes read by more than one parent (counting each input edge). */
function sharedNodes(roots: readonly LogicalNode[]): Set<LogicalNode> {
  const parents = new Map<LogicalNode, number>()
  const seen = new Set<LogicalNode>()
  const visit = (node: LogicalNode): void => {
    if (seen.has(node)) return
    seen.add(node)
    for (const input of inputsOfNode(node)) {
      parents.set(input, (parents.get(input) ?? 0) + 1)
      visit(input)
    }
  }
  roots.forEach(visit)
  return new Set([...parents].flatMap(([node, count]) => (count > 1 ? [node] : [])))
}

class TreePrinter {
  readonly lines: string[] = []
  private readonly reuseIds = new Map<LogicalNode, number>()

  constructor(
    private readonly shared: ReadonlySet<LogicalNode>,
    private readonly withSchema: boolean,
  ) {}

  print(node: LogicalNode, lead: string, childLead: string): void {
    const printed = this.reuseIds.get(node)
    if (printed !== undefined) {
      this.lines.push(`${lead}Reused(reference_id=[${printed}])`)
      return
    }
    const attributes = describe(node)
    if (this.withSchema) attributes.push(['schema', schemaText(node.schema)])
    attributes.push(['changelogMode', node.changelog.join(',')])
    let line = `${lead}${nodeName(node)}(${attributes.map(([key, value]) => `${key}=[${value}]`).join(', ')})`
    if (this.shared.has(node)) {
      const id = this.reuseIds.size + 1
      this.reuseIds.set(node, id)
      line += `(reuse_id=[${id}])`
    }
    this.lines.push(line)
    const inputs = inputsOfNode(node)
    inputs.forEach((input, i) => {
      const last = i === inputs.length - 1
      this.print(input, `${childLead}${last ? '+- ' : ':- '}`, `${childLead}${last ? '   ' : ':  '}`)
    })
  }
}

function schemaText(schema: Schema): string {
  return schema.map((field) => `${quoteIdentifier(field.name)} ${formatType(field.type)}`).join(', ')
}

function nodeName(node: LogicalNode): string {
  switch (node.kind) {
    case 'scan':
      return 'TableSourceScan'
    case 'aggregate':
      return 'GroupAggregate'
    case 'rank':
      return node.window === undefined ? 'Rank' : 'WindowRank'
    default:
      return node.kind.charAt(0).toUpperCase() + node.kind.slice(1)
  }
}

type Attribute = [string, string]

function names(schema: Schema, positions: readonly number[]): string {
  return positions.map((i) => schema[i]?.name ?? `$${i}`).join(', ')
}

function expr(e: BoundExpr, schema: Schema): string {
  return printExpr(e, fieldNames(schema))
}

function describe(node: LogicalNode): Attribute[] {
  switch (node.kind) {
    case 'scan': {
      const attributes: Attribute[] = [
        ['table', node.table.name],
        ['fields', fieldNames(node.schema).join(', ')],
      ]
      if (node.filters.length > 0)
        attributes.push(['filter', node.filters.map((f) => expr(f, node.schema)).join(' AND ')])
      // An upsert scan's rows meet by key in a ChangelogNormalize, which also reads the key columns.
      if (node.table.changelog === true && (node.table.primaryKey?.length ?? 0) > 0)
        attributes.push(['changelogNormalize', `key=[${node.table.primaryKey!.join(', ')}]`])
      if (node.watermark !== undefined)
        attributes.push([
          'watermark',
          `${node.schema[node.watermark.field]!.name} - ${duration(node.watermark.delayMs)}`,
        ])
      return attributes
    }
    case 'values':
      return [
        ['tuples', node.rows.map((row) => `(${row.map((value) => expr(value, [])).join(', ')})`).join(', ')],
      ]
    case 'watermarkAssigner':
      return [
        ['rowtime', node.schema[node.field]!.name],
        ['watermark', `${node.schema[node.field]!.name} - ${duration(node.delayMs)}`],
      ]
    case 'filter':
      return [['condition', expr(node.condition, node.input.schema)]]
    case 'project':
      return [['select', selectList(node.exprs, node.input.schema, node.schema)]]
    case 'windowTableFunction':
      return [
        ['window', windowText(node.window, timeColumn(node.input.schema, node.timeField), node.input.schema)],
      ]
    case 'aggregate':
    case 'windowAggregate': {
      const input = node.input.schema
      const attributes: Attribute[] = [['groupBy', names(input, node.groupKeys)]]
      if (node.kind === 'windowAggregate')
        attributes.push(['window', windowText(node.window, timeColumn(input, node.timeField), input)])
      if (node.groupSets !== undefined)
        attributes.push(['groupingSets', node.groupSets.map((set) => `(${names(input, set)})`).join(', ')])
      const outputs = [
        ...node.groupKeys.map((key) => input[key]!.name),
        ...(node.groupSets === undefined ? [] : [GROUPING_ID_FIELD]),
        ...node.calls.map((call) => `${callText(call, input)} AS ${quoteIdentifier(call.alias)}`),
      ]
      if (node.kind === 'windowAggregate') outputs.push('window_start', 'window_end', 'window_time')
      attributes.push(['select', outputs.join(', ')])
      const strategy = node.strategy
      if (strategy.phase === 'two-phase') attributes.push(['phase', 'local-global'])
      if (strategy.splitDistinct !== undefined) attributes.push(['splitDistinct', strategy.splitDistinct])
      if (strategy.miniBatch) attributes.push(['miniBatch', 'true'])
      return attributes
    }
    case 'join': {
      const width = node.left.schema.length
      const keys = node.leftKeys.map(
        (key, i) => `${node.schema[key]!.name} = ${node.schema[width + node.rightKeys[i]!]!.name}`,
      )
      const attributes: Attribute[] = [
        ['joinType', node.joinType],
        ['keys', keys.join(', ')],
      ]
      if (node.residual !== undefined) attributes.push(['where', expr(node.residual, node.schema)])
      return attributes
    }
    case 'lookupJoin': {
      const lookup = node.lookupKeys.map(({ column, source }) => {
        const value = 'field' in source ? node.input.schema[source.field]!.name : String(source.value)
        return `${node.table.columns[column]!.name} = ${value}`
      })
      const attributes: Attribute[] = [
        ['table', node.table.name],
        ['joinType', node.joinType],
        ['lookup', lookup.join(', ')],
        ['tableFields', node.tableFields.map((i) => node.table.columns[i]!.name).join(', ')],
      ]
      if (node.residual !== undefined) attributes.push(['where', expr(node.residual, node.schema)])
      return attributes
    }
    case 'rank': {
      const input = node.input.schema
      const window = node.window
      const attributes: Attribute[] = []
      let partitionKeys = node.partitionKeys
      if (window !== undefined) {
        // Like Flink's WindowRank: the window columns show in the window, not among the partition keys.
        const columns = `win_start=[${input[window.start]!.name}], win_end=[${input[window.end]!.name}]`
        attributes.push(['window', windowText(window.spec, columns)])
        partitionKeys = partitionKeys.filter((key) => key !== window.start && key !== window.end)
      }
      attributes.push(
        ['rankType', 'ROW_NUMBER'],
        ['rankRange', `rankStart=${node.rankStart}, rankEnd=${node.rankEnd}`],
        ['partitionBy', names(input, partitionKeys)],
        ['orderBy', orderText(node.orderKeys, input)],
        ['outputRank', String(node.outputRank)],
      )
      return attributes
    }
    case 'deduplicate':
      return [
        ['keep', node.keep === 'first' ? 'FirstRow' : 'LastRow'],
        ['key', names(node.input.schema, node.keys)],
        ['order', `${node.timeAttribute.toUpperCase()}(${node.input.schema[node.timeField]!.name})`],
        ...(node.miniBatch ? ([['miniBatch', 'true']] as Attribute[]) : []),
      ]
    case 'rowNumber':
      return [
        ['partitionBy', names(node.input.schema, node.partitionKeys)],
        ['orderBy', orderText(node.orderKeys, node.input.schema)],
      ]
    case 'union':
      return [
        ['all', 'true'],
        ['fields', fieldNames(node.schema).join(', ')],
      ]
    case 'sink':
      return [
        ['table', node.table.name],
        ['fields', node.columns.map((i) => node.table.columns[i]!.name).join(', ')],
      ]
  }
}

function selectList(exprs: readonly BoundExpr[], input: Schema, output: Schema): string {
  return exprs
    .map((e, i) => {
      const text = expr(e, input)
      const name = quoteIdentifier(output[i]!.name)
      return text === name ? text : `${text} AS ${name}`
    })
    .join(', ')
}

function callText(call: AggregateCall, input: Schema): string {
  const args = call.args.length === 0 ? '*' : names(input, call.args)
  const filter = call.filterArg === undefined ? '' : ` FILTER (WHERE ${input[call.filterArg]!.name})`
  return `${call.name}(${call.distinct ? 'DISTINCT ' : ''}${args})${filter}`
}

function orderText(keys: readonly SortKey[], schema: Schema): string {
  return keys
    .map(
      (key) =>
        `${schema[key.field]!.name} ${key.descending ? 'DESC' : 'ASC'}${key.nullsFirst === !key.descending ? '' : key.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`,
    )
    .join(', ')
}

function timeColumn(schema: Schema, timeField: number): string {
  return `time_col=[${schema[timeField]!.name}]`
}

/**
 * `columns` names the window's columns: its time column where the window is assigned, window_start and
 * window_end where an operator works on assigned windows. `schema` is the one SESSION partition keys index.
 */
function windowText(window: WindowSpec, columns: string, schema?: Schema): string {
  const offset = (ms: number) => (ms === 0 ? '' : `, offset=[${duration(ms)}]`)
  switch (window.type) {
    case 'TUMBLE':
      return `TUMBLE(${columns}, size=[${duration(window.sizeMs)}]${offset(window.offsetMs)})`
    case 'HOP':
      return `HOP(${columns}, size=[${duration(window.sizeMs)}], slide=[${duration(window.slideMs)}]${offset(window.offsetMs)})`
    case 'CUMULATE':
      return `CUMULATE(${columns}, max_size=[${duration(window.maxSizeMs)}], step=[${duration(window.stepMs)}]${offset(window.offsetMs)})`
    case 'ATTACHED': {
      // As Flink prints a window-attached window: the upstream window, read from the input's window columns.
      const bounds =
        schema === undefined
          ? columns
          : `win_start=[${schema[window.start]!.name}], ${columns.replace('time_col', 'win_end')}`
      return windowText(window.source, bounds)
    }
    case 'SESSION': {
      const partition =
        schema === undefined || window.partitionKeys.length === 0
          ? ''
          : `, partition_keys=[${names(schema, window.partitionKeys)}]`
      return `SESSION(${columns}, gap=[${duration(window.gapMs)}]${partition})`
    }
  }
}

/** `1 d`, `5 min`, `1500 ms`, as Flink prints window sizes. */
export function duration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ]
  for (const [size, unit] of units) if (ms !== 0 && ms % size === 0) return `${ms / size} ${unit}`
  return `${ms} ms`
}
