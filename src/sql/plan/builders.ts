import type { ResolvedTable } from '../catalog/table-resolver.ts'
import type { BoundExpr } from '../expr/bound-expr.ts'
import type { SourceSpan } from '../parser/index.ts'
import {
  asTimeAttribute,
  isTimestamp,
  type LogicalType,
  type TimeAttribute,
  type TimestampType,
  types,
  withNullability,
  withoutTimeAttribute,
} from '../types/logical-type.ts'
import type {
  AggregateCall,
  AggregateNode,
  AggregateStrategy,
  ChangeKind,
  ChangelogMode,
  DeduplicateNode,
  Field,
  FilterNode,
  JoinNode,
  JoinType,
  LogicalNode,
  LookupJoinNode,
  LookupKeySource,
  ProjectNode,
  RankNode,
  RankWindow,
  RowNumberNode,
  ScanNode,
  Schema,
  SinkNode,
  SortKey,
  UnionNode,
  ValuesNode,
  WatermarkAssignerNode,
  WatermarkSpec,
  WindowAggregateNode,
  WindowSpec,
  WindowTableFunctionNode,
} from './nodes.ts'
import { windowColumn } from './window-columns.ts'

/**
 * Node constructors. Each derives the output schema and the changelog mode the way Flink's planner does:
 * a group aggregate emits updates (I, UB, UA; D too when its input retracts), a window aggregate and a
 * keep-first deduplication on processing time emit inserts only, a Top-N emits every kind (a window Top-N
 * inserts only), an inner join of two insert-only inputs stays insert-only while outer joins retract.
 */

const CHANGE_ORDER: readonly ChangeKind[] = ['I', 'UB', 'UA', 'D']
export const INSERT_ONLY: ChangelogMode = ['I']
export const UPDATES: ChangelogMode = ['I', 'UB', 'UA']
export const ALL_CHANGES: ChangelogMode = CHANGE_ORDER

export function isInsertOnly(mode: ChangelogMode): boolean {
  return mode.length === 1 && mode[0] === 'I'
}

/** The name of the grouping-set bitmask column of an aggregate with grouping sets. */
export const GROUPING_ID_FIELD = '$g'

export function fieldNames(schema: Schema): string[] {
  return schema.map((field) => field.name)
}

/** Names made unique the way Calcite does: a repeated `a` becomes `a0`, `a1`, … */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>()
  return names.map((name) => {
    let candidate = name
    for (let i = 0; seen.has(candidate); i++) candidate = `${name}${i}`
    seen.add(candidate)
    return candidate
  })
}

function withUniqueNames(fields: readonly Field[]): Field[] {
  const names = uniqueNames(fields.map((field) => field.name))
  return fields.map((field, i) => (field.name === names[i] ? field : { ...field, name: names[i]! }))
}

function plain(field: Field, nullable?: boolean): Field {
  const type = withoutTimeAttribute(field.type)
  return { name: field.name, type: nullable === true ? withNullability(type, true) : type }
}

/** The schema of a scan: the projected columns, the rowtime column marked as a time attribute. */
function scanSchema(table: ResolvedTable, projectedFields: readonly number[]): Schema {
  return projectedFields.map((position) => {
    const column = table.columns[position]!
    const isRowtime = table.rowtime?.column === column.name && isTimestamp(column.type)
    return {
      name: column.name,
      type: isRowtime ? asTimeAttribute(column.type as TimestampType, 'rowtime') : column.type,
    }
  })
}

export function scan(
  table: ResolvedTable,
  projectedFields: readonly number[],
  options: Readonly<Record<string, string>>,
  filters: readonly BoundExpr[] = [],
  watermark?: WatermarkSpec,
): ScanNode {
  const node = {
    kind: 'scan' as const,
    table,
    projectedFields,
    filters,
    options,
    schema: scanSchema(table, projectedFields),
    changelog: table.changelog === true ? ALL_CHANGES : INSERT_ONLY,
  }
  return watermark === undefined ? node : { ...node, watermark }
}

export function values(rows: readonly (readonly BoundExpr[])[], schema: Schema): ValuesNode {
  return { kind: 'values', rows, schema, changelog: INSERT_ONLY }
}

export function watermarkAssigner(input: LogicalNode, field: number, delayMs: number): WatermarkAssignerNode {
  const schema = input.schema.map((f, i) =>
    i === field && isTimestamp(f.type) ? { name: f.name, type: asTimeAttribute(f.type, 'rowtime') } : f,
  )
  return { kind: 'watermarkAssigner', input, field, delayMs, schema, changelog: input.changelog }
}

export function filter(input: LogicalNode, condition: BoundExpr): FilterNode {
  return { kind: 'filter', input, condition, schema: input.schema, changelog: input.changelog }
}

export function project(
  input: LogicalNode,
  exprs: readonly BoundExpr[],
  names: readonly string[],
): ProjectNode {
  const schema = exprs.map((expr, i) => ({ name: names[i]!, type: expr.type }))
  return { kind: 'project', input, exprs, schema, changelog: input.changelog }
}

/** window_start, window_end and window_time for a window over a time attribute of type `timeType`. */
function windowFields(timeType: LogicalType): Field[] {
  const base: TimestampType =
    timeType.kind === 'TIMESTAMP_LTZ' ? types.timestampLtz(3, false) : types.timestamp(3, false)
  const rowtime =
    timeType.kind === 'TIMESTAMP' || timeType.kind === 'TIMESTAMP_LTZ' ? timeType.timeAttribute : undefined
  return [
    { name: 'window_start', type: base },
    { name: 'window_end', type: base },
    { name: 'window_time', type: rowtime === 'rowtime' ? asTimeAttribute(base, 'rowtime') : base },
  ]
}

export function windowTableFunction(
  input: LogicalNode,
  window: WindowSpec,
  timeField: number,
): WindowTableFunctionNode {
  // Like Flink, the DESCRIPTOR column is a plain timestamp afterwards; window_time is the new time attribute.
  const schema = [
    ...input.schema.map((field, i) => (i === timeField ? plain(field) : field)),
    ...windowFields(input.schema[timeField]!.type),
  ]
  return { kind: 'windowTableFunction', input, window, timeField, schema, changelog: input.changelog }
}

function aggregateSchema(
  input: LogicalNode,
  groupKeys: readonly number[],
  groupSets: readonly (readonly number[])[] | undefined,
  calls: readonly AggregateCall[],
): Field[] {
  const windowTime = windowTimeKey(input, groupKeys)
  const keys = groupKeys.map((key) => {
    const rolledUp = groupSets?.some((set) => !set.includes(key)) ?? false
    return key === windowTime && !rolledUp ? input.schema[key]! : plain(input.schema[key]!, rolledUp)
  })
  const mask = groupSets === undefined ? [] : [{ name: GROUPING_ID_FIELD, type: types.bigint(false) }]
  return [...keys, ...mask, ...calls.map((call) => ({ name: call.alias, type: call.type }))]
}

/**
 * The group key that is the window_time of an event-time window whose window_start and window_end are keys
 * too: such a GROUP BY is a window aggregation (fused or cascaded by the window rules), and its window_time
 * stays a rowtime attribute, as in Flink, so another window can follow.
 */
function windowTimeKey(input: LogicalNode, groupKeys: readonly number[]): number | undefined {
  const columns = groupKeys.map((key) => ({ key, found: windowColumn(input, key) }))
  const time = columns.find(({ found }) => found?.column === 'window_time')
  const has = (column: string) =>
    columns.some(({ found }) => found?.column === column && found.source === time?.found?.source)
  return time !== undefined && has('window_start') && has('window_end') ? time.key : undefined
}

export function aggregate(
  input: LogicalNode,
  groupKeys: readonly number[],
  groupSets: readonly (readonly number[])[] | undefined,
  calls: readonly AggregateCall[],
  strategy: AggregateStrategy,
): AggregateNode {
  const node = {
    kind: 'aggregate' as const,
    input,
    groupKeys,
    calls,
    strategy,
    schema: aggregateSchema(input, groupKeys, groupSets, calls),
    changelog: isInsertOnly(input.changelog) ? UPDATES : ALL_CHANGES,
  }
  return groupSets === undefined ? node : { ...node, groupSets }
}

export function windowAggregate(
  input: LogicalNode,
  window: WindowSpec,
  timeField: number,
  groupKeys: readonly number[],
  groupSets: readonly (readonly number[])[] | undefined,
  calls: readonly AggregateCall[],
  strategy: AggregateStrategy,
): WindowAggregateNode {
  // An attached window's end column is a plain timestamp, but only event-time windows are attached: the
  // cascaded window_time is a rowtime attribute again, as in Flink.
  const timeType = input.schema[timeField]!.type
  const schema = [
    ...aggregateSchema(input, groupKeys, groupSets, calls),
    ...windowFields(
      window.type === 'ATTACHED' ? asTimeAttribute(timeType as TimestampType, 'rowtime') : timeType,
    ),
  ]
  const node = {
    kind: 'windowAggregate' as const,
    input,
    window,
    timeField,
    groupKeys,
    calls,
    strategy,
    schema,
    changelog: INSERT_ONLY,
  }
  return groupSets === undefined ? node : { ...node, groupSets }
}

export function join(
  left: LogicalNode,
  right: LogicalNode,
  joinType: JoinType,
  leftKeys: readonly number[],
  rightKeys: readonly number[],
  residual: BoundExpr | undefined,
): JoinNode {
  // A regular join keeps rows in state indefinitely, so its output carries no time attributes (Flink's rule).
  const leftNullable = joinType === 'RIGHT' || joinType === 'FULL'
  const rightNullable = joinType === 'LEFT' || joinType === 'FULL'
  const schema = withUniqueNames([
    ...left.schema.map((field) => plain(field, leftNullable)),
    ...right.schema.map((field) => plain(field, rightNullable)),
  ])
  const insertOnly = joinType === 'INNER' && isInsertOnly(left.changelog) && isInsertOnly(right.changelog)
  const node = {
    kind: 'join' as const,
    left,
    right,
    joinType,
    leftKeys,
    rightKeys,
    schema,
    changelog: insertOnly ? INSERT_ONLY : ALL_CHANGES,
  }
  return residual === undefined ? node : { ...node, residual }
}

export function lookupJoin(
  input: LogicalNode,
  table: ResolvedTable,
  options: Readonly<Record<string, string>>,
  joinType: 'INNER' | 'LEFT',
  lookupKeys: readonly { readonly column: number; readonly source: LookupKeySource }[],
  tableFields: readonly number[],
  residual: BoundExpr | undefined,
): LookupJoinNode {
  const tableSchema = tableFields.map((position) => {
    const column = table.columns[position]!
    return plain({ name: column.name, type: column.type }, joinType === 'LEFT')
  })
  const node = {
    kind: 'lookupJoin' as const,
    input,
    table,
    options,
    joinType,
    lookupKeys,
    tableFields,
    schema: withUniqueNames([...input.schema, ...tableSchema]),
    changelog: input.changelog,
  }
  return residual === undefined ? node : { ...node, residual }
}

export const RANK_FIELD_TYPE = types.bigint(false)

/** A Top-N; with `window`, a window Top-N, which emits each window's final ranks as inserts. */
export function rank(
  input: LogicalNode,
  partitionKeys: readonly number[],
  orderKeys: readonly SortKey[],
  rankStart: number,
  rankEnd: number,
  rankName: string | undefined,
  window?: RankWindow,
): RankNode {
  const rankField = rankName === undefined ? [] : [{ name: rankName, type: RANK_FIELD_TYPE }]
  const node = {
    kind: 'rank' as const,
    input,
    partitionKeys,
    orderKeys,
    rankStart,
    rankEnd,
    outputRank: rankName !== undefined,
    schema: [...input.schema, ...rankField],
    changelog: window === undefined ? ALL_CHANGES : INSERT_ONLY,
  }
  return window === undefined ? node : { ...node, window }
}

/** The name of a Top-N's row-number field, when it outputs one. */
export function rankName(node: RankNode): string | undefined {
  return node.outputRank ? node.schema[node.schema.length - 1]!.name : undefined
}

export function deduplicate(
  input: LogicalNode,
  keys: readonly number[],
  keep: 'first' | 'last',
  timeField: number,
  timeAttribute: TimeAttribute,
  miniBatch: boolean,
): DeduplicateNode {
  const insertOnly = keep === 'first' && timeAttribute === 'proctime'
  return {
    kind: 'deduplicate',
    input,
    keys,
    keep,
    timeField,
    timeAttribute,
    miniBatch,
    schema: input.schema,
    changelog: insertOnly ? INSERT_ONLY : UPDATES,
  }
}

export function rowNumber(
  input: LogicalNode,
  partitionKeys: readonly number[],
  orderKeys: readonly SortKey[],
  name: string,
  span: SourceSpan,
): RowNumberNode {
  return {
    kind: 'rowNumber',
    input,
    partitionKeys,
    orderKeys,
    span,
    schema: [...input.schema, { name, type: RANK_FIELD_TYPE }],
    changelog: input.changelog,
  }
}

export function union(inputs: readonly LogicalNode[]): UnionNode {
  const first = inputs[0]!
  const schema = first.schema.map((field, i) => ({
    name: field.name,
    type: withNullability(
      withoutTimeAttribute(field.type),
      inputs.some((input) => input.schema[i]!.type.nullable),
    ),
  }))
  const kinds = new Set(inputs.flatMap((input) => input.changelog))
  return { kind: 'union', inputs, schema, changelog: CHANGE_ORDER.filter((kind) => kinds.has(kind)) }
}

export function sink(
  input: LogicalNode,
  table: ResolvedTable,
  columns: readonly number[],
  options: Readonly<Record<string, string>>,
): SinkNode {
  return { kind: 'sink', input, table, columns, options, schema: input.schema, changelog: input.changelog }
}

/** The same node over new inputs (same parameters), re-deriving schema and changelog mode. */
export function withInputs(node: LogicalNode, inputs: readonly LogicalNode[]): LogicalNode {
  const [first, second] = inputs
  switch (node.kind) {
    case 'scan':
    case 'values':
      return node
    case 'watermarkAssigner':
      return watermarkAssigner(first!, node.field, node.delayMs)
    case 'filter':
      return filter(first!, node.condition)
    case 'project':
      return project(first!, node.exprs, fieldNames(node.schema))
    case 'windowTableFunction':
      return windowTableFunction(first!, node.window, node.timeField)
    case 'aggregate':
      return aggregate(first!, node.groupKeys, node.groupSets, node.calls, node.strategy)
    case 'windowAggregate':
      return windowAggregate(
        first!,
        node.window,
        node.timeField,
        node.groupKeys,
        node.groupSets,
        node.calls,
        node.strategy,
      )
    case 'join':
      return join(first!, second!, node.joinType, node.leftKeys, node.rightKeys, node.residual)
    case 'lookupJoin':
      return lookupJoin(
        first!,
        node.table,
        node.options,
        node.joinType,
        node.lookupKeys,
        node.tableFields,
        node.residual,
      )
    case 'rank':
      return rank(
        first!,
        node.partitionKeys,
        node.orderKeys,
        node.rankStart,
        node.rankEnd,
        rankName(node),
        node.window,
      )
    case 'deduplicate':
      return deduplicate(first!, node.keys, node.keep, node.timeField, node.timeAttribute, node.miniBatch)
    case 'rowNumber':
      return rowNumber(
        first!,
        node.partitionKeys,
        node.orderKeys,
        node.schema[node.schema.length - 1]!.name,
        node.span,
      )
    case 'union':
      return union(inputs)
    case 'sink':
      return sink(first!, node.table, node.columns, node.options)
  }
}
