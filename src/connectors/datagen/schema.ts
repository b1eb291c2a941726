/**
 * The shape of generated tables, in terms the planner can bind. Rows are positional arrays in column order;
 * BIGINT values are JS numbers (generated ids stay below 2^53), TIMESTAMP(3) values are epoch milliseconds
 * (UTC) and ROW values are nested positional arrays in the row type's field order.
 */

export type ScalarType = 'BIGINT' | 'INT' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'TIMESTAMP(3)'

export interface RowType {
  readonly kind: 'ROW'
  readonly fields: Schema
}

export type ColumnType = ScalarType | RowType

export interface Column {
  readonly name: string
  readonly type: ColumnType
  readonly nullable: boolean
}

export type Schema = readonly Column[]

export function column(name: string, type: ColumnType, nullable = false): Column {
  return { name, type, nullable }
}

export function rowType(fields: Schema): RowType {
  return { kind: 'ROW', fields }
}

/** Position of `name` in `schema`; throws for a name the schema does not have. */
export function columnIndex(schema: Schema, name: string): number {
  const index = schema.findIndex((c) => c.name === name)
  if (index < 0) throw new Error(`no column '${name}'; columns: ${schema.map((c) => c.name).join(', ')}`)
  return index
}

/** A positional row as an object keyed by column name, nested ROWs included (for tests and JSON). */
export function toObject(row: readonly unknown[], schema: Schema): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  schema.forEach((c, i) => {
    const value = row[i]
    result[c.name] = isRowType(c.type) && value != null ? toObject(value as unknown[], c.type.fields) : value
  })
  return result
}

export function isRowType(type: ColumnType): type is RowType {
  return typeof type === 'object'
}
