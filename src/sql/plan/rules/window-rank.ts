import * as plan from '../builders.ts'
import type { LogicalNode } from '../nodes.ts'
import { windowColumn } from '../window-columns.ts'

/**
 * Window Top-N, as Flink plans WindowRank: a Top-N over an insert-only input whose PARTITION BY holds the
 * window_start and window_end of one event-time window (a window aggregate's output, or a window TVF's
 * directly) ranks each window's rows when the watermark closes it. It then emits the final ranks once, as
 * inserts, and frees the window, instead of an updating changelog kept forever. With `row_num <= 1` this is
 * Flink's window deduplication.
 */
export function rankWithinWindows(node: LogicalNode): LogicalNode {
  if (node.kind !== 'rank' || node.window !== undefined || !plan.isInsertOnly(node.input.changelog))
    return node
  const columns = node.partitionKeys.map((key) => ({ key, found: windowColumn(node.input, key) }))
  const start = columns.find(({ found }) => found?.column === 'window_start')
  const end = columns.find(
    ({ found }) => found?.column === 'window_end' && found.source === start?.found?.source,
  )
  if (start === undefined || end === undefined) return node
  const window = { spec: end.found!.source.window, start: start.key, end: end.key }
  return plan.rank(
    node.input,
    node.partitionKeys,
    node.orderKeys,
    node.rankStart,
    node.rankEnd,
    plan.rankName(node),
    window,
  )
}
