import { JoinOperator, type JoinSide } from '../../engine/index.ts'
import { type CompileOptions, compilePredicate } from '../compile/compile-expression.ts'
import { compileKeyExtractor } from '../compile/key-extractor.ts'
import type { JoinNode, LogicalNode } from '../plan/nodes.ts'
import { windowColumn } from '../plan/window-columns.ts'

/**
 * The engine join for a logical join. When a pair of equi-join keys is the `window_end` of an event-time window
 * on both sides (Flink's window join, as Nexmark q8 writes it), the operator drops each window's state once
 * the watermark passes its end instead of keeping it forever.
 */
export function joinOperator(node: JoinNode, compile: CompileOptions): JoinOperator {
  const windowKey = node.leftKeys.findIndex(
    (left, i) => isWindowEnd(node.left, left) && isWindowEnd(node.right, node.rightKeys[i]!),
  )
  const side = (input: LogicalNode, columns: readonly number[]): JoinSide => {
    const keyFields = columns.map((index) => ({ index, type: input.schema[index]!.type }))
    return {
      columns,
      arity: input.schema.length,
      keyOf: compileKeyExtractor(keyFields, compile).fn,
      ...(windowKey < 0 ? {} : { windowEnd: columns[windowKey]! }),
    }
  }
  return new JoinOperator({
    joinType: node.joinType,
    left: side(node.left, node.leftKeys),
    right: side(node.right, node.rightKeys),
    ...(node.residual === undefined ? {} : { residual: compilePredicate(node.residual, compile).fn }),
  })
}

/** Whether `field` of `node` is, unchanged, the window_end of an event-time window aggregate or window TVF. */
function isWindowEnd(node: LogicalNode, field: number): boolean {
  return windowColumn(node, field)?.column === 'window_end'
}
