import * as plan from '../builders.ts'
import type { LogicalNode, WindowSpec } from '../nodes.ts'
import { type WindowColumn, windowColumn } from '../window-columns.ts'
import { restoreLayout } from './window-aggregate.ts'

/**
 * Cascading window aggregation (Flink's window property propagation): a GROUP BY over the window_start and
 * window_end of one insert-only event-time window operator upstream (a window aggregate, window TVF, window
 * Top-N or window deduplication, read through projections that may rename the columns and filters) becomes a
 * WindowAggregate that keeps the upstream window rather than an unbounded, updating aggregate. Grouping also
 * by that window's window_time keeps it too. Each window then fires once, as inserts, when the watermark
 * passes its end, so an append-only sink accepts the result and a further window operator can follow.
 */
export function cascadeWindowAggregate(node: LogicalNode): LogicalNode {
  if (node.kind !== 'aggregate' || !plan.isInsertOnly(node.input.changelog)) return node
  const found = node.groupKeys.map((key) => ({ key, column: windowColumn(node.input, key) }))
  const start = found.find(({ column }) => column?.column === 'window_start')
  const source = start?.column?.source
  const keyOf = (name: WindowColumn['column']) =>
    found.find(({ column }) => column?.column === name && column.source === source)?.key
  const [startKey, endKey, timeKey] = [start?.key, keyOf('window_end'), keyOf('window_time')]
  if (source === undefined || startKey === undefined || endKey === undefined) return node
  const windowKeys = [startKey, endKey, ...(timeKey === undefined ? [] : [timeKey])]
  if (
    node.groupSets !== undefined &&
    !node.groupSets.every((set) => windowKeys.every((key) => set.includes(key)))
  )
    return node
  const upstream = source.window
  const window: WindowSpec = {
    type: 'ATTACHED',
    start: startKey,
    source: upstream.type === 'ATTACHED' ? upstream.source : upstream,
  }
  const groupKeys = node.groupKeys.filter((key) => !windowKeys.includes(key))
  const groupSets = node.groupSets?.map((set) => set.filter((key) => !windowKeys.includes(key)))
  const attached = plan.windowAggregate(
    node.input,
    window,
    endKey,
    groupKeys,
    groupSets,
    node.calls,
    node.strategy,
  )
  return restoreLayout(node, attached, windowKeys)
}
