import type { ResolvedTable } from '../catalog/table-resolver.ts'
import { sink } from '../plan/builders.ts'
import type { LogicalPlan } from '../plan/nodes.ts'

/** The name of the print table a bare SELECT is written to; a result view titles it as the query's result. */
export const QUERY_RESULT_TABLE = 'print'

/**
 * A bare SELECT as an INSERT into a print table of its own columns, as Flink's SQL client shows a query's
 * changelog: each row on stdout as `+I[…]`, `-U[…]`, `+U[…]`, `-D[…]`. An INSERT plan stays as it is.
 */
export function printQuery(query: LogicalPlan): LogicalPlan {
  if (query.kind !== 'query') return query
  const { root } = query
  const table: ResolvedTable = {
    name: QUERY_RESULT_TABLE,
    columns: root.schema.map((field) => ({ name: field.name, type: field.type })),
    connector: { options: { connector: 'print' } },
    kind: 'stream',
  }
  const columns = root.schema.map((_, i) => i)
  return {
    kind: 'insert',
    sinks: [sink(root, table, columns, table.connector.options)],
    options: query.options,
  }
}
