import { invalid } from '../errors.ts'
import type { LogicalNode, LogicalPlan, SinkNode } from './nodes.ts'
import {
  type AggPhaseStrategy,
  aggPhaseStrategy,
  type MiniBatchConfig,
  miniBatchConfig,
  parallelismOption,
  splitDistinctEnabled,
} from './options.ts'
import { markAggregateStrategy } from './rules/aggregate-strategy.ts'
import { pushDownFilters } from './rules/filter-pushdown.ts'
import { pruneFields } from './rules/prune-fields.ts'
import { reuseSourceEnabled, reuseSources } from './rules/reuse-source.ts'
import { splitDistinctAggregate } from './rules/split-distinct.ts'
import { transformUp } from './rules/transform.ts'
import { rewriteWindows } from './rules/window-rewrites.ts'

/**
 * The logical rule pass, in order: window TVF + aggregate fusion, window Top-N and cascading window
 * aggregation (together, bottom-up), split-distinct (when
 * enabled), filter push-down into scans, projection push-down (field pruning), then the aggregation strategy
 * (local/global phases, mini-batch); last, source reuse across the whole statement (when enabled, as by
 * default). Options are the plan's own (the session options when it was planned).
 */
export function optimize(plan: LogicalPlan): LogicalPlan {
  const { options } = plan
  const { miniBatch, phases, parallelism } = strategyOptions(options)
  const splitDistinct = splitDistinctEnabled(options)
  const rewrite = (root: LogicalNode): LogicalNode => {
    let node = rewriteWindows(root)
    if (splitDistinct) node = transformUp(node, (n) => splitDistinctAggregate(n, options))
    node = pruneFields(pushDownFilters(node))
    return transformUp(node, (n) => markAggregateStrategy(n, miniBatch, phases, parallelism))
  }
  const reuse = (roots: LogicalNode[]) => (reuseSourceEnabled(options) ? reuseSources(roots) : roots)
  if (plan.kind === 'query') return { ...plan, root: reuse([rewrite(plan.root)])[0]! }
  return { ...plan, sinks: reuse(plan.sinks.map(rewrite)).map(asSink) }
}

function strategyOptions(options: Readonly<Record<string, string>>): {
  miniBatch: MiniBatchConfig | undefined
  phases: AggPhaseStrategy
  parallelism: number
} {
  try {
    return {
      miniBatch: miniBatchConfig(options),
      phases: aggPhaseStrategy(options),
      parallelism: parallelismOption(options),
    }
  } catch (error) {
    if (error instanceof RangeError) invalid(undefined, error.message)
    throw error
  }
}

/** Rules rewrite below the sink; the root stays a sink. */
function asSink(node: LogicalNode): SinkNode {
  if (node.kind !== 'sink') throw new Error(`the rewrite replaced a sink by ${node.kind}`)
  return node
}
