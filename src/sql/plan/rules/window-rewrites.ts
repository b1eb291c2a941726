import type { LogicalNode } from '../nodes.ts'
import { cascadeWindowAggregate } from './cascade-window.ts'
import { transformUp } from './transform.ts'
import { fuseWindowAggregate } from './window-aggregate.ts'
import { rankWithinWindows } from './window-rank.ts'

/**
 * The window rules in one bottom-up pass, so a window operator is in place before the operator above it
 * looks for it: window TVF + aggregate fusion, window Top-N, cascading window aggregation. The binder also
 * applies them to the input of a window TVF, whose insert-only changelog and time attribute depend on them.
 */
export function rewriteWindows(root: LogicalNode): LogicalNode {
  return transformUp(root, (node) => cascadeWindowAggregate(rankWithinWindows(fuseWindowAggregate(node))))
}
