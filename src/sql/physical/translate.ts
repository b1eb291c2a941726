import { parseDuration } from '../../connectors/datagen/options.ts'
import { openSink, openSource, upsertKeyOf } from '../../connectors/engine/factory.ts'
import {
  boundedOutOfOrderness,
  CalcOperator,
  DeduplicateOperator,
  ExchangeSink,
  ExchangeSource,
  GroupAggregateOperator,
  type Grouping,
  groupBy,
  groupingSets,
  MemorySource,
  type Operator,
  ownedGroups,
  type PipelineBuilder,
  type Row,
  routeByGrouping,
  routeByKey,
  type Sink,
  type Stream,
  subtaskOfKey,
  TopNOperator,
  UnionOperator,
  type WatermarkStrategy,
  WindowAggregateOperator,
  WindowTableFunctionOperator,
  WindowTopNOperator,
} from '../../engine/index.ts'
import { compileComparator } from '../compile/comparator.ts'
import {
  type CompileOptions,
  compilePredicate,
  compileProjection,
  compileScalar,
} from '../compile/compile-expression.ts'
import { isInsertOnly } from '../plan/builders.ts'
import type {
  AggregateNode,
  LogicalNode,
  LogicalPlan,
  ScanNode,
  SinkNode,
  WindowAggregateNode,
} from '../plan/nodes.ts'
import { engineAggregates } from './aggregates.ts'
import { ChangelogNormalizeOperator } from './changelog-normalize.ts'
import { connectorTable } from './connector-table.ts'
import { UnsupportedPlanError } from './errors.ts'
import { joinOperator } from './join.ts'
import { notNullEnforcer } from './not-null-enforcer.ts'
import type { PhysicalOptions } from './options.ts'
import { groupAggregatePhases, windowAggregatePhases } from './two-phase.ts'
import { engineWindow } from './windows.ts'
import { YieldingSource } from './yielding-source.ts'

/**
 * Adds INSERT plans (all their sinks) to a pipeline builder. Every logical node becomes one engine node,
 * named `<n>-<kind>` so that metrics and errors point at the plan; a node shared by several sinks (a view
 * used twice in a STATEMENT SET) is translated once and fanned out.
 */
export class PhysicalTranslator {
  private readonly streams = new Map<LogicalNode, Stream>()
  private counter = 0
  private exchanges = 0
  /** The session options (SET) of the INSERT being translated. */
  private sessionOptions: Readonly<Record<string, string>> = {}
  /** Node names of sources and sinks, for progress reporting. */
  readonly sourceNodes: string[] = []
  readonly sinkNodes: string[] = []

  constructor(
    private readonly builder: PipelineBuilder,
    private readonly options: PhysicalOptions,
  ) {}

  async addInsert(plan: LogicalPlan): Promise<void> {
    if (plan.kind !== 'insert')
      throw new UnsupportedPlanError('a query without INSERT INTO', 'write the result to a sink table')
    this.sessionOptions = plan.options
    for (const sink of plan.sinks) await this.addSink(sink)
  }

  private async addSink(node: SinkNode): Promise<void> {
    const input = await this.translate(node.input)
    const table = connectorTable(node.table, node.options)
    // The input row already has the sink's column order unless the INSERT named a column subset.
    // Opened (a Kafka sink's topic checked) before the job starts, so a missing topic fails it at once.
    const sink: Sink =
      this.options.sinkFor?.(node) ?? (await openSink(table, this.options.connectorContext ?? {}))
    const columns = node.columns
    const identity =
      columns.every((column, i) => column === i) && columns.length === node.table.columns.length
    const reordered = identity
      ? input
      : this.operator(
          'reorder',
          new CalcOperator({ project: reorder(columns, node.table.columns.length) }),
          input,
        )
    // NULLs in NOT NULL columns are caught before the sink, as Flink's sink constraint enforcer does.
    const enforcer = notNullEnforcer(node.table, columns, this.sessionOptions)
    const ordered =
      enforcer === undefined ? reordered : this.operator('not-null-enforcer', enforcer, reordered)
    // Updates of one key must reach the sink in order, so at parallelism > 1 they go through the subtask
    // that owns the key (Flink does the same before an upsert sink).
    const primaryKey = node.table.primaryKey ?? []
    const feed =
      primaryKey.length > 0 && !isInsertOnly(node.input.changelog)
        ? await this.exchangeByKey(
            ordered,
            primaryKey.map((name) => node.table.columns.findIndex((column) => column.name === name)),
          )
        : ordered
    const name = this.name(`sink-${node.table.name}`)
    this.builder.sink(name, sink, feed)
    this.sinkNodes.push(name)
  }

  private async translate(node: LogicalNode): Promise<Stream> {
    const existing = this.streams.get(node)
    if (existing !== undefined) return existing
    const stream = await this.translateNew(node)
    this.streams.set(node, stream)
    return stream
  }

  private async translateNew(node: LogicalNode): Promise<Stream> {
    const compile = this.compileOptions()
    switch (node.kind) {
      case 'scan':
        return this.scan(node)
      case 'values': {
        // Literal rows are read once per job, by the first subtask.
        const rows =
          (this.options.subtask?.index ?? 0) === 0
            ? node.rows.map((exprs) => exprs.map((expr) => compileScalar(expr, compile).fn([])))
            : []
        return this.builder.source(
          this.name('values'),
          new MemorySource([{ partition: 0, batch: { rows, kinds: null } }]),
        )
      }
      case 'filter': {
        const filter = compilePredicate(node.condition, compile).fn
        return this.operator('filter', new CalcOperator({ filter }), await this.translate(node.input))
      }
      case 'project': {
        const project = compileProjection(node.exprs, compile).fn
        return this.operator('project', new CalcOperator({ project }), await this.translate(node.input))
      }
      case 'windowTableFunction': {
        const window = engineWindow(node.window)
        if (window.kind === 'session' || window.kind === 'attached')
          throw new UnsupportedPlanError(`${node.window.type} window table function without an aggregate`)
        return this.operator(
          'window',
          new WindowTableFunctionOperator(window, node.timeField),
          await this.translate(node.input),
        )
      }
      // Two-phase aggregates run a local pre-aggregation before the exchange when it saves shipping rows
      // (see two-phase.ts); otherwise one operator after an exchange of all rows.
      case 'windowAggregate': {
        const phases = windowAggregatePhases(node, this.options.subtask?.count ?? 1, this.sessionOptions)
        if (phases !== undefined) {
          const local = this.operator(
            'local-window-aggregate',
            phases.local,
            await this.translate(node.input),
          )
          const partials = await this.exchangeByKey(local, phases.partialKeys)
          return this.operator('global-window-aggregate', phases.global, partials)
        }
        const input = await this.aggregateInput(node)
        const operator = new WindowAggregateOperator({
          window: engineWindow(node.window),
          timeColumn: node.timeField,
          grouping: this.subtaskGrouping(node),
          aggregates: engineAggregates(node.calls, false),
        })
        return this.operator('window-aggregate', operator, input)
      }
      case 'aggregate': {
        const phases = groupAggregatePhases(node, this.options.subtask?.count ?? 1, this.sessionOptions)
        if (phases !== undefined) {
          const local = this.operator('local-aggregate', phases.local, await this.translate(node.input))
          const partials = await this.exchangeByKey(local, phases.partialKeys)
          return this.operator('global-aggregate', phases.global, partials)
        }
        const input = await this.aggregateInput(node)
        const operator = new GroupAggregateOperator({
          grouping: this.subtaskGrouping(node),
          aggregates: engineAggregates(node.calls, !isInsertOnly(node.input.changelog)),
        })
        return this.operator('aggregate', operator, input)
      }
      case 'rank': {
        const fields = node.orderKeys.map((key) => ({
          index: key.field,
          type: node.input.schema[key.field]!.type,
          descending: key.descending,
          nullsFirst: key.nullsFirst,
        }))
        const compare = compileComparator(fields, compile).fn
        const { partitionKeys, rankStart, rankEnd, outputRank, window } = node
        const input = await this.exchangeByKey(await this.translate(node.input), partitionKeys)
        if (window !== undefined) {
          const operator = new WindowTopNOperator({
            partitionBy: partitionKeys,
            windowEnd: window.end,
            compare,
            rankStart,
            rankEnd,
            outputRank,
          })
          return this.operator('window-top-n', operator, input)
        }
        const operator = new TopNOperator({
          partitionBy: partitionKeys,
          compare,
          limit: rankEnd,
          rankStart,
          outputRank,
          input: isInsertOnly(node.input.changelog) ? 'insert-only' : 'changelog',
        })
        return this.operator('top-n', operator, input)
      }
      case 'deduplicate': {
        const operator = new DeduplicateOperator({
          key: node.keys,
          keep: node.keep,
          ...(node.timeAttribute === 'rowtime' ? { timeColumn: node.timeField } : {}),
        })
        const input = await this.translate(node.input)
        return this.operator('deduplicate', operator, await this.exchangeByKey(input, node.keys))
      }
      case 'union': {
        const inputs: Stream[] = []
        for (const input of node.inputs) inputs.push(await this.translate(input))
        return this.operator('union', new UnionOperator(), ...inputs)
      }
      case 'watermarkAssigner': {
        // Sources generate the engine's watermarks, per partition: the computed rowtime is evaluated on each
        // scanned row for the watermark, and computed again for the row by the projection after the scan.
        const computed = node.input
        if (computed.kind !== 'project' || computed.input.kind !== 'scan')
          throw new UnsupportedPlanError(
            `WatermarkAssigner over a ${computed.kind}`,
            'declare the WATERMARK on a column of the table',
          )
        const rowtime = compileScalar(computed.exprs[node.field]!, compile).fn
        const delayMs = node.delayMs
        const watermarkOf = (row: Row): number | null => {
          const time = rowtime(row)
          return typeof time === 'number' ? time - delayMs : null
        }
        this.streams.set(computed.input, await this.scan(computed.input, watermarkOf))
        return this.translate(computed)
      }
      case 'join': {
        const left = await this.exchangeByKey(await this.translate(node.left), node.leftKeys)
        const right = await this.exchangeByKey(await this.translate(node.right), node.rightKeys)
        return this.operator('join', joinOperator(node, compile), left, right)
      }
      case 'lookupJoin':
        throw new UnsupportedPlanError(
          `LookupJoin (FOR SYSTEM_TIME AS OF) on ${node.table.name}`,
          'lookup joins are planned; until then join a table the engine can scan with a regular JOIN, or look rows up by key with the client SDK',
          node.table.name,
        )
      case 'rowNumber':
        throw new UnsupportedPlanError('ROW_NUMBER() OVER (…) outside a Top-N or deduplication')
      case 'sink':
        throw new UnsupportedPlanError('a sink feeding another node')
    }
  }

  /** `watermarkOf` generates the watermark from a computed rowtime instead of the scan's own column. */
  private async scan(node: ScanNode, watermarkOf?: (row: Row) => number | null): Promise<Stream> {
    // Connectors decode stored columns only; computed ones are evaluated by the projection after the scan.
    const stored = node.table.columns.flatMap((column, i) => (column.computed === undefined ? [i] : []))
    const projection = node.projectedFields.map((field) => {
      const column = node.table.columns[field]!
      if (column.computed !== undefined)
        throw new UnsupportedPlanError(`reading computed column '${column.name}' of ${node.table.name}`)
      return stored.indexOf(field)
    })
    const columns = stored.map((i) => node.table.columns[i]!)
    const table = connectorTable({ ...node.table, columns }, node.options)
    const upsertKey = upsertKeyOf(table)
    // An upsert scan also reads its key columns (after the projected ones) to normalize its changelog.
    const read =
      upsertKey === undefined
        ? projection
        : [...projection, ...upsertKey.filter((column) => !projection.includes(column))]
    const open = this.options.openSource ?? openSource
    const source = new YieldingSource(await open(table, read, this.options.connectorContext ?? {}))
    const watermark = node.watermark
    const rowWatermark =
      watermarkOf ??
      (watermark === undefined ? undefined : boundedOutOfOrderness(watermark.field, watermark.delayMs))
    const name = this.name(`scan-${node.table.name}`)
    this.sourceNodes.push(name)
    const scanned = this.builder.source(
      name,
      source,
      rowWatermark === undefined ? {} : { watermarks: watermarkStrategy(rowWatermark, this.sessionOptions) },
    )
    const stream =
      upsertKey === undefined
        ? scanned
        : await this.normalizeUpserts(
            scanned,
            upsertKey.map((column) => read.indexOf(column)),
            projection.length,
          )
    if (node.filters.length === 0) return stream
    const compile = this.compileOptions()
    const filters = node.filters.map((condition) => compilePredicate(condition, compile).fn)
    const filter = (row: Row): boolean => filters.every((passes) => passes(row))
    return this.operator('scan-filter', new CalcOperator({ filter }), stream)
  }

  /**
   * Flink's ChangelogNormalize behind an upsert scan: rows of a key meet in one subtask, which turns them
   * into +I/-U/+U/-D; key columns read only for it are then dropped (the scan's rows are `width` wide).
   */
  private async normalizeUpserts(input: Stream, key: readonly number[], width: number): Promise<Stream> {
    const normalized = this.operator(
      'changelog-normalize',
      new ChangelogNormalizeOperator(key),
      await this.exchangeByKey(input, key),
    )
    if (key.every((field) => field < width)) return normalized
    return this.operator('drop-key', new CalcOperator({ project: (row) => row.slice(0, width) }), normalized)
  }

  /**
   * At parallelism > 1, the stream re-partitioned across subtasks so that each row reaches the subtask(s)
   * `route` names (see `SubtaskContext`); at parallelism 1, the stream itself.
   */
  private async exchange(
    input: Stream,
    route: (parallelism: number) => (row: Row) => number | readonly number[],
  ): Promise<Stream> {
    const subtask = this.options.subtask
    if (subtask === undefined || subtask.count === 1) return input
    const ports = await subtask.openExchange(this.exchanges++)
    const sink = new ExchangeSink({ targets: ports.outputs, route: route(subtask.count) })
    this.builder.sink(this.name('exchange-out'), sink, input)
    return this.builder.source(this.name('exchange-in'), new ExchangeSource(ports.inputs))
  }

  private async exchangeByKey(input: Stream, keys: readonly number[]): Promise<Stream> {
    return this.exchange(input, (parallelism) => routeByKey(keys, parallelism))
  }

  /** An aggregate's input, re-partitioned by group key (per grouping set) at parallelism > 1. */
  private async aggregateInput(node: AggregateNode | WindowAggregateNode): Promise<Stream> {
    const input = await this.translate(node.input)
    return this.exchange(input, (parallelism) =>
      routeByGrouping(grouping(node.groupKeys, node.groupSets), parallelism),
    )
  }

  /** An aggregate's grouping; in a subtask receiving rows of several grouping sets, only its own groups. */
  private subtaskGrouping(node: AggregateNode | WindowAggregateNode): Grouping {
    const groups = grouping(node.groupKeys, node.groupSets)
    const subtask = this.options.subtask
    if (subtask === undefined || subtask.count === 1 || groups.setCount === 1) return groups
    return ownedGroups(groups, (key) => subtaskOfKey(key, subtask.count) === subtask.index)
  }

  private compileOptions(): CompileOptions {
    const { env, functions } = this.options
    return functions === undefined ? { env } : { env, functions }
  }

  private operator(kind: string, operator: Operator, ...inputs: Stream[]): Stream {
    return this.builder.operator(this.name(kind), operator, ...inputs)
  }

  private name(kind: string): string {
    this.counter += 1
    return `${this.counter}-${kind}`
  }
}

const IDLE_TIMEOUT_OPTION = 'table.exec.source.idle-timeout'

/** A scan's watermarks, with Flink's idle-source timeout ('0', the default, disables it). */
function watermarkStrategy(
  watermarkOf: (row: Row) => number | null,
  options: Readonly<Record<string, string>>,
): WatermarkStrategy {
  const timeout = options[IDLE_TIMEOUT_OPTION]
  const idleTimeoutMs = timeout === undefined ? 0 : parseDuration(IDLE_TIMEOUT_OPTION, timeout)
  return idleTimeoutMs > 0 ? { watermarkOf, idleTimeoutMs } : { watermarkOf }
}

function grouping(keys: readonly number[], sets: readonly (readonly number[])[] | undefined): Grouping {
  return sets === undefined ? groupBy(keys) : groupingSets(keys, sets)
}

/** Input field i goes to table column columns[i]; columns the INSERT did not name are NULL. */
function reorder(columns: readonly number[], arity: number): (row: Row) => Row {
  return (row) => {
    const out = new Array<unknown>(arity).fill(null)
    for (let i = 0; i < columns.length; i++) out[columns[i]!] = row[i]
    return out
  }
}
