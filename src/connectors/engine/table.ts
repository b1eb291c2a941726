/** What the planner knows about a connector table: its columns (SQL types), key and WITH options. */
export interface ConnectorColumn {
  readonly name: string
  /** SQL type text, e.g. 'BIGINT', 'STRING', 'TIMESTAMP(3)'. */
  readonly type: string
  readonly nullable?: boolean
}

export interface ConnectorTable {
  readonly name: string
  readonly columns: readonly ConnectorColumn[]
  readonly primaryKey?: readonly string[]
  readonly options: Readonly<Record<string, string>>
}

/** The columns a projection keeps, in projection order; all columns without one. */
export function projectColumns(
  columns: readonly ConnectorColumn[],
  projection: readonly number[] | undefined,
): readonly ConnectorColumn[] {
  if (projection === undefined) return columns
  return projection.map((index) => {
    const column = columns[index]
    if (column === undefined) throw new RangeError(`projection index ${index} is outside the table's columns`)
    return column
  })
}
