import type { LogicalNode } from './nodes.ts'

/** A field of a node, as it was produced: `field` of `node`, which is no filter or plain column projection. */
export interface FieldOrigin {
  readonly node: LogicalNode
  readonly field: number
}

/**
 * Follows field `field` of `node` down through filters and projections that pass it on unchanged, to the node
 * that produced it; undefined when a projection computes it.
 */
export function fieldOrigin(node: LogicalNode, field: number): FieldOrigin | undefined {
  switch (node.kind) {
    case 'filter':
      return fieldOrigin(node.input, field)
    case 'project': {
      const expr = node.exprs[field]
      return expr?.kind === 'input' ? fieldOrigin(node.input, expr.index) : undefined
    }
    default:
      return { node, field }
  }
}
