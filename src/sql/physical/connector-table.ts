import type { ConnectorTable } from '../../connectors/engine/table.ts'
import type { ResolvedTable } from '../catalog/table-resolver.ts'
import { withNullability } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'

/**
 * The connector view of a resolved table: column types as SQL text (connectors parse their own types) and the
 * options with `/*+ OPTIONS(...) *\/` hints already applied by the planner.
 */
export function connectorTable(
  table: ResolvedTable,
  options: Readonly<Record<string, string>>,
): ConnectorTable {
  return {
    name: table.name,
    columns: table.columns.map((column) => ({
      name: column.name,
      type: formatType(withNullability(column.type, true)),
      nullable: column.type.nullable,
    })),
    ...(table.primaryKey === undefined ? {} : { primaryKey: table.primaryKey }),
    options,
  }
}
