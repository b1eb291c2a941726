import * as plan from '../builders.ts'
import type { LogicalNode } from '../nodes.ts'
import type { AggPhaseStrategy, MiniBatchConfig } from '../options.ts'

/**
 * Marks how stateful operators run, as Flink decides it:
 * - an unbounded GROUP BY runs local/global (a pre-aggregation per subtask before the shuffle) when
 *   mini-batch is on and the phase strategy is not ONE_PHASE, and buffers per mini-batch;
 * - a window aggregate runs local/global unless ONE_PHASE or a SESSION window (sessions cannot be merged
 *   before the shuffle); it needs no mini-batch, its windows are its buffer;
 * - a deduplication buffers per mini-batch when mini-batch is on.
 */
export function markAggregateStrategy(
  node: LogicalNode,
  miniBatch: MiniBatchConfig | undefined,
  phases: AggPhaseStrategy,
): LogicalNode {
  switch (node.kind) {
    case 'aggregate': {
      const twoPhase = phases === 'TWO_PHASE' || (phases === 'AUTO' && miniBatch !== undefined)
      const strategy = {
        ...node.strategy,
        phase: twoPhase ? 'two-phase' : 'one-phase',
        miniBatch: miniBatch !== undefined,
      } as const
      return plan.aggregate(node.input, node.groupKeys, node.groupSets, node.calls, strategy)
    }
    case 'windowAggregate': {
      const twoPhase = phases !== 'ONE_PHASE' && node.window.type !== 'SESSION'
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
