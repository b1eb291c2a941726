import { timeAttributeOf } from '../types/logical-type.ts'
import { fieldOrigin } from './field-origin.ts'
import type { LogicalNode, WindowAggregateNode, WindowTableFunctionNode } from './nodes.ts'

/** A field that is, unchanged, one of the window columns of an event-time window. */
export interface WindowColumn {
  readonly column: 'window_start' | 'window_end' | 'window_time'
  /** The window aggregate or window TVF that assigned the window. */
  readonly source: WindowAggregateNode | WindowTableFunctionNode
}

/**
 * Which window column field `field` of `node` is, traced through filters, projections and window Top-Ns to
 * an event-time window aggregate or window TVF. Such a window emits no row once the watermark has passed its
 * end (later rows are late), which is what lets window joins and window Top-N free a window's state.
 */
export function windowColumn(node: LogicalNode, field: number): WindowColumn | undefined {
  const origin = fieldOrigin(node, field)
  if (origin === undefined) return undefined
  const source = origin.node
  switch (source.kind) {
    case 'rank':
      return source.window !== undefined && origin.field < source.input.schema.length
        ? windowColumn(source.input, origin.field)
        : undefined
    case 'windowAggregate':
    case 'windowTableFunction': {
      // Both end in window_start, window_end, window_time.
      const position = origin.field - (source.schema.length - 3)
      const column = (['window_start', 'window_end', 'window_time'] as const)[position]
      const eventTime =
        (source.kind === 'windowAggregate' && source.window.type === 'ATTACHED') ||
        timeAttributeOf(source.input.schema[source.timeField]!.type) === 'rowtime'
      return column !== undefined && eventTime ? { column, source } : undefined
    }
    default:
      return undefined
  }
}
