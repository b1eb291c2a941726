import { withInputs } from '../builders.ts'
import { inputsOfNode, type LogicalNode } from '../nodes.ts'

/** Rewrites the tree bottom-up: `rule` sees each node with its inputs already rewritten. */
export function transformUp(node: LogicalNode, rule: (node: LogicalNode) => LogicalNode): LogicalNode {
  const inputs = inputsOfNode(node)
  const rewritten = inputs.map((input) => transformUp(input, rule))
  const rebuilt = rewritten.every((input, i) => input === inputs[i]) ? node : withInputs(node, rewritten)
  return rule(rebuilt)
}
