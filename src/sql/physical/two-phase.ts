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
 * Local/global phases exactly for the aggregates the plan marks two-phase (`markAggregateStrategy` decides,
 * and EXPLAIN prints its decision). The plan cannot ask the engine which accumulators have a partial form,
 * so a disagreement is a planner bug, reported loudly rather than run differently from what EXPLAIN shows.
 */
function twoPhaseAggregates(
  node: AggregateNode | WindowAggregateNode,
  parallelism: number,
): EngineAggregateCall[] | undefined {
  if (node.strategy.phase !== 'two-phase') return undefined
  const aggregates = splittableAggregates(node, parallelism)
  if (aggregates === undefined)
    throw new Error(
      `the plan marks ${node.kind} two-phase, but at parallelism ${parallelism} it cannot run so (a planner bug)`,
    )
  return aggregates
}

/**
 * Local/global phases for a window aggregate the plan marks two-phase, as Flink runs them; undefined keeps
 * the one operator (see `markAggregateStrategy` for when).
 */
export function windowAggregatePhases(
  node: WindowAggregateNode,
  parallelism: number,
  options: Readonly<Record<string, string>>,
): AggregatePhases | undefined {
  const window = engineWindow(node.window)
  const aggregates = twoPhaseAggregates(node, parallelism)
  if (aggregates === undefined) return undefined
  if (window.kind === 'session' || window.kind === 'attached')
    throw new Error(`the plan marks a ${window.kind} window aggregate two-phase (a planner bug)`)
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
 * Local/global phases for an unbounded GROUP BY the plan marks two-phase (with mini-batch, over an insert-only
 * input); undefined keeps the one operator.
 */
export function groupAggregatePhases(
  node: AggregateNode,
  parallelism: number,
  options: Readonly<Record<string, string>>,
): AggregatePhases | undefined {
  const miniBatch = miniBatchConfig(options)
  const aggregates = twoPhaseAggregates(node, parallelism)
  if (aggregates === undefined) return undefined
  if (miniBatch === undefined || !isInsertOnly(node.input.changelog))
    throw new Error(
      'the plan marks a group aggregate two-phase without mini-batch or over updates (a planner bug)',
    )
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
