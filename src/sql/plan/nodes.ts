import type { ResolvedTable } from '../catalog/table-resolver.ts'
import type { BoundExpr } from '../expr/bound-expr.ts'
import type { AggregateName } from '../functions/aggregate-functions.ts'
import type { SourceSpan } from '../parser/index.ts'
import type { LogicalType, TimeAttribute } from '../types/logical-type.ts'

/**
 * The logical plan: a tree of relational nodes, each with its output schema (field names and types, in row
 * position order) and changelog mode. Field references in expressions and key lists are positions in the
 * node's input row (for joins: the left fields, then the right fields). Nodes are immutable; rules rebuild
 * them through the constructors in `builders.ts`, which derive schema and changelog mode.
 */
export interface Field {
  readonly name: string
  readonly type: LogicalType
}

export type Schema = readonly Field[]

/** Flink's row kinds: insert, update-before, update-after, delete. */
export type ChangeKind = 'I' | 'UB' | 'UA' | 'D'

/** The kinds of rows a node may emit, as Flink's EXPLAIN CHANGELOG_MODE prints them. */
export type ChangelogMode = readonly ChangeKind[]

interface NodeBase {
  readonly schema: Schema
  readonly changelog: ChangelogMode
}

/**
 * Reads a table. Only `projectedFields` (positions in `table.columns`, in output order) are decoded; `filters`
 * (conjuncts over the scan's output) are applied right after decoding. A `watermark` pushed into the scan is
 * generated from every decoded row before the filters, per source partition.
 */
export interface ScanNode extends NodeBase {
  readonly kind: 'scan'
  readonly table: ResolvedTable
  readonly projectedFields: readonly number[]
  readonly filters: readonly BoundExpr[]
  /** Connector options with `/*+ OPTIONS(...) *\/` hints applied. */
  readonly options: Readonly<Record<string, string>>
  readonly watermark?: WatermarkSpec
}

export interface WatermarkSpec {
  /** Output position of the rowtime column. */
  readonly field: number
  /** Bounded out-of-orderness: watermark = max event time - delay. */
  readonly delayMs: number
}

/** `VALUES (…), (…)`: constant expressions per row (no input fields); a bounded insert-only source. */
export interface ValuesNode extends NodeBase {
  readonly kind: 'values'
  readonly rows: readonly (readonly BoundExpr[])[]
}

/** Generates watermarks from a computed rowtime column; a rowtime read directly is pushed into the scan. */
export interface WatermarkAssignerNode extends NodeBase, WatermarkSpec {
  readonly kind: 'watermarkAssigner'
  readonly input: LogicalNode
}

export interface FilterNode extends NodeBase {
  readonly kind: 'filter'
  readonly input: LogicalNode
  readonly condition: BoundExpr
}

export interface ProjectNode extends NodeBase {
  readonly kind: 'project'
  readonly input: LogicalNode
  /** One expression per output field; names are in `schema`. */
  readonly exprs: readonly BoundExpr[]
}

/** Window sizes in milliseconds. SESSION windows partition by `partitionKeys` (input positions). */
export type AssignedWindowSpec =
  | { readonly type: 'TUMBLE'; readonly sizeMs: number; readonly offsetMs: number }
  | { readonly type: 'HOP'; readonly slideMs: number; readonly sizeMs: number; readonly offsetMs: number }
  | {
      readonly type: 'CUMULATE'
      readonly stepMs: number
      readonly maxSizeMs: number
      readonly offsetMs: number
    }
  | { readonly type: 'SESSION'; readonly gapMs: number; readonly partitionKeys: readonly number[] }

/**
 * A window assigned by a window TVF, or one attached to the input rows (Flink's window property propagation):
 * a window aggregate over the output of an event-time window operator, grouped by its window_start (input
 * position `start`) and window_end (the aggregate's `timeField`), keeps the upstream `source` window instead of
 * assigning one, so a cascading window aggregation stays insert-only.
 */
export type WindowSpec =
  | AssignedWindowSpec
  | { readonly type: 'ATTACHED'; readonly start: number; readonly source: AssignedWindowSpec }

/**
 * A window table-valued function on its own: each input row once per window, followed by window_start,
 * window_end and window_time. Fused into `WindowAggregate` when an aggregate groups by the window.
 */
export interface WindowTableFunctionNode extends NodeBase {
  readonly kind: 'windowTableFunction'
  readonly input: LogicalNode
  readonly window: WindowSpec
  /** Input position of the time attribute named by DESCRIPTOR. */
  readonly timeField: number
}

/** One aggregate call over input positions, e.g. `COUNT(DISTINCT user_id) FILTER (WHERE is_order)`. */
export interface AggregateCall {
  readonly name: AggregateName
  readonly args: readonly number[]
  readonly distinct: boolean
  /** Input position of a BOOLEAN column: the row counts only where it is TRUE. */
  readonly filterArg?: number
  readonly type: LogicalType
  /** The output field name. */
  readonly alias: string
}

/**
 * How an aggregate runs. `two-phase`: a local (pre-)aggregation per subtask, merged by a global one, as Flink's
 * local/global aggregation. `splitDistinct`: the partial and final levels of the split-distinct rewrite.
 */
export interface AggregateStrategy {
  readonly phase: 'one-phase' | 'two-phase'
  readonly splitDistinct?: 'partial' | 'final'
  /** Buffers input for `table.exec.mini-batch.allow-latency` / `.size` before updating state. */
  readonly miniBatch: boolean
}

interface AggregateBase extends NodeBase {
  readonly input: LogicalNode
  /** Group key input positions. With grouping sets, keys present in every set come first. */
  readonly groupKeys: readonly number[]
  /**
   * GROUPING SETS / ROLLUP / CUBE as explicit sets of input positions (subsets of `groupKeys`); absent for a
   * plain GROUP BY. With sets, the output has a BIGINT NOT NULL `$g` column after the keys: bit (n-1-i) is set
   * when key i is rolled up (NULL) in the row's set, as the engine's `groupingSets` computes it.
   */
  readonly groupSets?: readonly (readonly number[])[]
  readonly calls: readonly AggregateCall[]
  readonly strategy: AggregateStrategy
}

/** Unbounded GROUP BY: output = keys, [$g], calls; updates results as rows arrive. */
export interface AggregateNode extends AggregateBase {
  readonly kind: 'aggregate'
}

/**
 * GROUP BY window_start, window_end, keys over a window TVF: output = keys, [$g], calls, window_start,
 * window_end, window_time (the engine's WindowAggregateOperator layout); one insert per window and group.
 */
export interface WindowAggregateNode extends AggregateBase {
  readonly kind: 'windowAggregate'
  readonly window: WindowSpec
  readonly timeField: number
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'

/** A regular (unbounded) join: both sides kept in state. Output = left fields, right fields. */
export interface JoinNode extends NodeBase {
  readonly kind: 'join'
  readonly left: LogicalNode
  readonly right: LogicalNode
  readonly joinType: JoinType
  /** Equi-join keys: leftKeys[i] (left position) = rightKeys[i] (right position). */
  readonly leftKeys: readonly number[]
  readonly rightKeys: readonly number[]
  /** The rest of the ON condition, over left fields then right fields. */
  readonly residual?: BoundExpr
}

/** Where a lookup key value comes from: a field of the probe row, or a constant. */
export type LookupKeySource = { readonly field: number } | { readonly value: unknown }

/**
 * `JOIN dim FOR SYSTEM_TIME AS OF probe.proc_time ON …`: each probe row looks the dimension table up by key at
 * processing time. Output = input fields, then the table's `tableFields`.
 */
export interface LookupJoinNode extends NodeBase {
  readonly kind: 'lookupJoin'
  readonly input: LogicalNode
  readonly table: ResolvedTable
  readonly options: Readonly<Record<string, string>>
  readonly joinType: 'INNER' | 'LEFT'
  /** Key column (position in `table.columns`) → value. */
  readonly lookupKeys: readonly { readonly column: number; readonly source: LookupKeySource }[]
  /** Positions in `table.columns` the join outputs. */
  readonly tableFields: readonly number[]
  /** A condition on the joined row (input fields, then table fields), applied after the lookup. */
  readonly residual?: BoundExpr
}

export interface SortKey {
  readonly field: number
  readonly descending: boolean
  readonly nullsFirst: boolean
}

/**
 * Top-N: ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) filtered to ranks rankStart..rankEnd. Output = input
 * fields, plus the row number when `outputRank`. With a `window` it is a window Top-N (Flink's WindowRank):
 * it ranks the rows of each event-time window once the window closes and emits inserts only.
 */
export interface RankNode extends NodeBase {
  readonly kind: 'rank'
  readonly input: LogicalNode
  readonly partitionKeys: readonly number[]
  readonly orderKeys: readonly SortKey[]
  readonly rankStart: number
  readonly rankEnd: number
  readonly outputRank: boolean
  readonly window?: RankWindow
}

/**
 * The event-time window a window Top-N ranks in: the window of the aggregate or window TVF its input comes
 * from, and the input positions of that window's window_start and window_end (both among the partition keys).
 */
export interface RankWindow {
  readonly spec: WindowSpec
  readonly start: number
  readonly end: number
}

/**
 * ROW_NUMBER() … = 1 ordered by a time attribute: keep the first (ASC) or last (DESC) row per key.
 * Output = input fields.
 */
export interface DeduplicateNode extends NodeBase {
  readonly kind: 'deduplicate'
  readonly input: LogicalNode
  readonly keys: readonly number[]
  readonly keep: 'first' | 'last'
  readonly timeField: number
  readonly timeAttribute: TimeAttribute
  readonly miniBatch: boolean
}

/**
 * ROW_NUMBER() OVER (…) before the binder has matched it with the filter that makes it a Top-N or a
 * deduplication. Never left in a finished plan: the binder reports one it could not match at `span`.
 */
export interface RowNumberNode extends NodeBase {
  readonly kind: 'rowNumber'
  readonly input: LogicalNode
  readonly partitionKeys: readonly number[]
  readonly orderKeys: readonly SortKey[]
  readonly span: SourceSpan
}

/** UNION ALL: inputs have the same field types (the binder casts them). */
export interface UnionNode extends NodeBase {
  readonly kind: 'union'
  readonly inputs: readonly LogicalNode[]
}

/** Writes to a table: input field i goes to `table.columns[columns[i]]`. */
export interface SinkNode extends NodeBase {
  readonly kind: 'sink'
  readonly input: LogicalNode
  readonly table: ResolvedTable
  readonly columns: readonly number[]
  readonly options: Readonly<Record<string, string>>
}

export type LogicalNode =
  | ScanNode
  | ValuesNode
  | WatermarkAssignerNode
  | FilterNode
  | ProjectNode
  | WindowTableFunctionNode
  | AggregateNode
  | WindowAggregateNode
  | JoinNode
  | LookupJoinNode
  | RankNode
  | DeduplicateNode
  | RowNumberNode
  | UnionNode
  | SinkNode

/** A bound statement ready for physical planning, with the session options in force when it was planned. */
export type LogicalPlan =
  | { readonly kind: 'query'; readonly root: LogicalNode; readonly options: Readonly<Record<string, string>> }
  | {
      readonly kind: 'insert'
      readonly sinks: readonly SinkNode[]
      readonly options: Readonly<Record<string, string>>
    }

export function inputsOfNode(node: LogicalNode): readonly LogicalNode[] {
  switch (node.kind) {
    case 'scan':
    case 'values':
      return []
    case 'join':
      return [node.left, node.right]
    case 'union':
      return node.inputs
    default:
      return [node.input]
  }
}
