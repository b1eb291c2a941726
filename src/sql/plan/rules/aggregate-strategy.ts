import * as plan from '../builders.ts'
import type { AggregateNode, LogicalNode, WindowAggregateNode } from '../nodes.ts'
import type { AggPhaseStrategy, MiniBatchConfig } from '../options.ts'

/**
 * Marks how stateful operators run, as Flink decides it. This is the one place the decision is made: the
 * translator builds local/global operators exactly for the aggregates marked two-phase, and EXPLAIN prints
 * `phase=[local-global]` for exactly those, so EXPLAIN shows what runs.
 * - an unbounded GROUP BY runs local/global (a pre-aggregation per subtask before the shuffle) when
 *   mini-batch is on and the phase strategy is not ONE_PHASE, over an insert-only input (a local aggregate
 *   cannot retract), and buffers per mini-batch;
 * - a window aggregate runs local/global unless ONE_PHASE, a SESSION window (sessions cannot be merged
 *   before the shuffle) or a window-attached (cascading) one; it needs no mini-batch, its windows are its
 *   buffer;
 * - either runs in one phase at parallelism 1 (there is no shuffle to save), with grouping sets, and when an
 *   accumulator has no partial form to ship between the phases (exact COUNT(DISTINCT));
 * - a deduplication buffers per mini-batch when mini-batch is on.
 */
export function markAggregateStrategy(
  node: LogicalNode,
  miniBatch: MiniBatchConfig | undefined,
  phases: AggPhaseStrategy,
  parallelism: number,
): LogicalNode {
  switch (node.kind) {
    case 'aggregate': {
      const wanted = phases === 'TWO_PHASE' || (phases === 'AUTO' && miniBatch !== undefined)
      const twoPhase =
        wanted &&
        miniBatch !== undefined &&
        plan.isInsertOnly(node.input.changelog) &&
        splits(node, parallelism)
      const strategy = {
        ...node.strategy,
        phase: twoPhase ? 'two-phase' : 'one-phase',
        miniBatch: miniBatch !== undefined,
      } as const
      return plan.aggregate(node.input, node.groupKeys, node.groupSets, node.calls, strategy)
    }
    case 'windowAggregate': {
      const type = node.window.type
      const twoPhase =
        phases !== 'ONE_PHASE' && type !== 'SESSION' && type !== 'ATTACHED' && splits(node, parallelism)
      const strategy = { ...node.strategy, phase: twoPhase ? 'two-phase' : 'one-phase' } as const
      return plan.windowAggregate(
        node.input,
        node.window,
        node.timeField,
        node.groupKeys,
        node.groupSets,
        node.calls,
        strategy,
      )
    }
    case 'deduplicate':
      return plan.deduplicate(
        node.input,
        node.keys,
        node.keep,
        node.timeField,
        node.timeAttribute,
        miniBatch !== undefined,
      )
    default:
      return node
  }
}

/**
 * Whether the local/global split applies at all: more than one subtask, one grouping set, and every call with
 * a partial accumulator (the engine's exact COUNT(DISTINCT) has none; the translator checks this agrees).
 */
function splits(node: AggregateNode | WindowAggregateNode, parallelism: number): boolean {
  return (
    parallelism > 1 &&
    node.groupSets === undefined &&
    node.calls.every((call) => !(call.distinct && call.name === 'COUNT'))
  )
}
