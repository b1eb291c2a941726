import type { LogicalNode, SinkNode } from '../plan/nodes.ts'

/**
 * The columns (positions in the sink table) that identify a row of a print table's result, so a result view
 * can show each one's latest row in place: the table's PRIMARY KEY, else the group key of the aggregate
 * feeding it. For a window aggregate that key leaves out window_start and window_end, so each group shows
 * its latest window. Undefined when no key is known (the result is then a plain list of rows).
 *
 * With GROUPING SETS the rolled-up level is told apart by its NULLs, as the printed rows show it; a group
 * with a real NULL in a key column would share a line with the rolled-up one.
 */
export function resultKeyOf(sink: SinkNode): readonly number[] | undefined {
  const primaryKey = sink.table.primaryKey ?? []
  if (primaryKey.length > 0) {
    const positions = primaryKey.map((name) => sink.table.columns.findIndex((column) => column.name === name))
    return positions.every((position) => position >= 0) ? positions : undefined
  }
  const groupKeyFields = aggregateKeyOf(sink.input)
  if (groupKeyFields === undefined || groupKeyFields.length === 0) return undefined
  // sink.columns[i] is the table column that the input's field i is written to.
  const key: number[] = []
  for (const field of groupKeyFields) {
    const column = sink.columns[field]
    if (column === undefined) return undefined
    key.push(column)
  }
  return key.sort((a, b) => a - b)
}

/**
 * Positions in `node`'s output of its aggregate's group keys, traced through projections, filters and
 * watermark assigners; undefined if any group key is projected away (rows would collide) or there is none.
 */
function aggregateKeyOf(node: LogicalNode): readonly number[] | undefined {
  switch (node.kind) {
    case 'aggregate':
    case 'windowAggregate':
      return node.groupKeys.map((_, i) => i)
    case 'filter':
    case 'watermarkAssigner':
      return aggregateKeyOf(node.input)
    case 'project': {
      const inner = aggregateKeyOf(node.input)
      if (inner === undefined) return undefined
      const outer: number[] = []
      for (const field of inner) {
        const position = node.exprs.findIndex((expr) => expr.kind === 'input' && expr.index === field)
        if (position < 0) return undefined
        outer.push(position)
      }
      return outer
    }
    default:
      return undefined
  }
}
