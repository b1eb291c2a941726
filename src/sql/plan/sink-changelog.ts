import { invalid } from '../errors.ts'
import type { SourceSpan } from '../parser/index.ts'
import { isInsertOnly } from './builders.ts'
import { inputsOfNode, type LogicalNode, type SinkNode } from './nodes.ts'

/** Connectors that take every change kind, as Flink's do: they print or drop rows, so updates are no harder. */
const CHANGELOG_CONNECTORS: ReadonlySet<string> = new Set(['blackhole', 'print'])

/**
 * An append-only sink (a `stream` table without a primary key) cannot take the updates of an unbounded
 * aggregation, a Top-N or an outer join; the message names the node producing them, as Flink's does.
 */
export function checkSinkChangelog(sink: SinkNode, span: SourceSpan): void {
  if (isInsertOnly(sink.input.changelog)) return
  const table = sink.table
  const acceptsUpdates =
    (table.primaryKey !== undefined && table.primaryKey.length > 0) ||
    CHANGELOG_CONNECTORS.has(table.connector.options.connector ?? '')
  if (acceptsUpdates) return
  const producer = updateProducer(sink.input)
  const windowed =
    producer.kind === 'rank'
      ? 'a window Top-N (PARTITION BY the window_start and window_end of a window aggregate or window TVF)'
      : 'a window aggregation (TUMBLE/HOP/CUMULATE)'
  invalid(
    span,
    `table ${table.name} is append-only and cannot consume the update changes (${sink.input.changelog.join(',')}) produced by ${describeProducer(producer)}`,
    `write to a table with a PRIMARY KEY (an upsert sink), or use ${windowed}, which emits final results only`,
  )
}

/** The node closest to the sources that turns an insert-only stream into updates. */
function updateProducer(node: LogicalNode): LogicalNode {
  for (const input of inputsOfNode(node)) if (!isInsertOnly(input.changelog)) return updateProducer(input)
  return node
}

function describeProducer(node: LogicalNode): string {
  switch (node.kind) {
    case 'aggregate':
      return 'a GROUP BY aggregation (GroupAggregate)'
    case 'rank':
      return 'a Top-N (Rank)'
    case 'deduplicate':
      return 'a deduplication keeping the last row (Deduplicate)'
    case 'join':
      return `a regular ${node.joinType} JOIN`
    case 'scan':
      return `the changelog source ${node.table.name}`
    default:
      return node.kind
  }
}
