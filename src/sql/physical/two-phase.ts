import {
  Aggregator,
  type AggregateCall as EngineAggregateCall,
  GroupAggregateOperator,
  groupBy,
  type Operator,
  WindowAggregateOperator,
} from '../../engine/index.ts'
import { LocalGroupAggregateOperator } from '../../engine/operators/local-group-aggregate.ts'
import { LocalWindowAggregateOperator } from '../../engine/windows/local-window-aggregate.ts'
import { isInsertOnly } from '../plan/builders.ts'
import type { AggregateNode, WindowAggregateNode } from '../plan/nodes.ts'
import { miniBatchConfig } from '../plan/options.ts'
import { engineAggregates } from './aggregates.ts'
import { engineWindow } from './windows.ts'

/** The two operators of a local/global aggregation; partial rows go between them by `partialKeys`. */
export interface AggregatePhases {
  readonly local: Operator
  readonly partialKeys: readonly number[]
  readonly global: Operator
}

/**
 * Without mini-batch a local window aggregate still bounds its buffer (Flink bounds it by memory): it flushes
 * every slice after this many rows, so memory stays bounded when the watermark stalls.
 */
const DEFAULT_LOCAL_WINDOW_BUFFER_ROWS = 10_000

/**
 * Whether an aggregate runs as local/global operators: the one decision both the translator and EXPLAIN's
 * `phase=[local-global]` follow, so EXPLAIN prints what runs. See the two functions below for the cases.
 */
export function runsTwoPhase(
  node: AggregateNode | WindowAggregateNode,
  parallelism: number,
  options: Readonly<Record<string, string>>,
): boolean {
  if (node.strategy.phase !== 'two-phase') return false
  if (node.kind === 'windowAggregate') {
    const type = node.window.type
    if (type === 'SESSION' || type === 'ATTACHED') return false
  } else if (miniBatchConfig(options) === undefined || !isInsertOnly(node.input.changelog)) return false
  return splittableAggregates(node, parallelism) !== undefined
}

/**
 * Local/global phases for a window aggregate the plan marks two-phase, as Flink runs them; undefined keeps
 * the one operator: at parallelism 1 (no exchange to save), for SESSION and window-attached (cascading)
 * windows and grouping sets, and when a call's accumulator has no row form to ship (exact COUNT(DISTINCT);
 * the split-distinct rewrite `table.optimizer.distinct-agg.split.enabled` makes its final level two-phase).
 */
export function windowAggregatePhases(
  node: WindowAggregateNode,
  parallelism: number,
  options: Readonly<Record<string, string>>,
): AggregatePhases | undefined {
  const window = engineWindow(node.window)
  if (!runsTwoPhase(node, parallelism, options) || window.kind === 'session' || window.kind === 'attached')
    return undefined
  const aggregates = splittableAggregates(node, parallelism)
  if (aggregates === undefined) return undefined
  const keyArity = node.groupKeys.length
  const miniBatch = miniBatchConfig(options)
  return {
    local: new LocalWindowAggregateOperator({
      window,
      timeColumn: node.timeField,
      grouping: groupBy(node.groupKeys),
      aggregates,
      miniBatch: miniBatch ?? { size: DEFAULT_LOCAL_WINDOW_BUFFER_ROWS },
    }),
    partialKeys: range(keyArity),
    // Partial rows are [...keys, slice time, ...partials]: the slice time stands for the rows' event time.
    global: new WindowAggregateOperator({
      window,
      timeColumn: keyArity,
      grouping: groupBy(range(keyArity)),
      aggregates,
      partialsFrom: keyArity + 1,
    }),
  }
}

/**
 * Local/global phases for an unbounded GROUP BY the plan marks two-phase with mini-batch, over an insert-only
 * input (a local aggregate cannot retract, as in Flink); undefined keeps the one operator, also for the
 * cases `windowAggregatePhases` lists.
 */
export function groupAggregatePhases(
  node: AggregateNode,
  parallelism: number,
  options: Readonly<Record<string, string>>,
): AggregatePhases | undefined {
  const miniBatch = miniBatchConfig(options)
  if (!runsTwoPhase(node, parallelism, options) || miniBatch === undefined) return undefined
  const aggregates = splittableAggregates(node, parallelism)
  if (aggregates === undefined) return undefined
  const keyArity = node.groupKeys.length
  return {
    local: new LocalGroupAggregateOperator({ grouping: groupBy(node.groupKeys), aggregates, miniBatch }),
    partialKeys: range(keyArity),
    global: new GroupAggregateOperator({
      grouping: groupBy(range(keyArity)),
      aggregates,
      partialsFrom: keyArity,
    }),
  }
}

function splittableAggregates(
  node: AggregateNode | WindowAggregateNode,
  parallelism: number,
): EngineAggregateCall[] | undefined {
  if (parallelism <= 1 || node.groupSets !== undefined) return undefined
  const aggregates = engineAggregates(node.calls, false)
  return new Aggregator(aggregates).describeNonSplittable().length === 0 ? aggregates : undefined
}

function range(length: number): number[] {
  return Array.from({ length }, (_, i) => i)
}
