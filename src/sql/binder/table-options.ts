import type { ResolvedTable } from '../catalog/table-resolver.ts'
import type { TableNameRef } from '../parser/index.ts'

/** The table's connector options with `/*+ OPTIONS('k'='v') *\/` hints of this reference applied on top. */
export function tableOptions(table: ResolvedTable, ref: TableNameRef): Record<string, string> {
  const options = { ...table.connector.options }
  for (const hint of ref.hints) for (const option of hint.options) options[option.key] = option.value
  return options
}
