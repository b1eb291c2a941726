import { BaseOperator, type Batch, BatchBuilder, kindAt, type Row } from '../../engine/index.ts'
import type { ResolvedTable } from '../catalog/table-resolver.ts'
import { SqlRuntimeError, SqlValidationError } from '../errors.ts'

/** Flink's option: what a sink does with a row holding NULL in a NOT NULL column. */
export const NOT_NULL_ENFORCER_OPTION = 'table.exec.sink.not-null-enforcer'
export const NOT_NULL_ENFORCEMENTS = ['ERROR', 'DROP'] as const
export type NotNullEnforcement = (typeof NOT_NULL_ENFORCEMENTS)[number]

/** A row reached a sink with NULL in a NOT NULL column while the enforcer is 'ERROR': the job fails. */
export class NotNullViolationError extends SqlRuntimeError {
  constructor(
    readonly table: string,
    readonly column: string,
  ) {
    super(
      `Column '${column}' is NOT NULL, however, a null value is being written into it (sink ${table}); filter the rows (WHERE ${column} IS NOT NULL), give a default (COALESCE(${column}, …)), or SET '${NOT_NULL_ENFORCER_OPTION}' = 'DROP' to drop such rows as dead letters`,
    )
  }
}

/** The enforcement in force: 'ERROR' (Flink's default) unless the session sets 'DROP'; case as Flink's enums. */
export function notNullEnforcement(options: Readonly<Record<string, string>>): NotNullEnforcement {
  const text = options[NOT_NULL_ENFORCER_OPTION]
  if (text === undefined) return 'ERROR'
  const mode = NOT_NULL_ENFORCEMENTS.find((candidate) => candidate === text.trim().toUpperCase())
  if (mode === undefined)
    throw new SqlValidationError({
      problem: `'${NOT_NULL_ENFORCER_OPTION}' must be ${NOT_NULL_ENFORCEMENTS.join(' or ')}; got '${text}'`,
      hint: `SET '${NOT_NULL_ENFORCER_OPTION}' = 'DROP' to drop rows with NULL in a NOT NULL column, or 'ERROR' (the default) to fail the job on the first one`,
    })
  return mode
}

/**
 * The operator in front of a sink, checking the NOT NULL columns among `written` (table positions; the input
 * row holds the table's columns in table order), or undefined when there are none. Every row kind is checked:
 * a retraction of a row that could not have been written is as wrong as the row itself.
 */
export function notNullEnforcer(
  table: ResolvedTable,
  written: readonly number[],
  options: Readonly<Record<string, string>>,
): NotNullEnforcerOperator | undefined {
  const mode = notNullEnforcement(options)
  const columns = written.flatMap((index) => {
    const column = table.columns[index]!
    return column.type.nullable ? [] : [{ index, name: column.name }]
  })
  return columns.length === 0 ? undefined : new NotNullEnforcerOperator(table.name, columns, mode)
}

export class NotNullEnforcerOperator extends BaseOperator<null> {
  constructor(
    private readonly table: string,
    private readonly columns: readonly { readonly index: number; readonly name: string }[],
    private readonly mode: NotNullEnforcement,
  ) {
    super()
  }

  processBatch(batch: Batch): void {
    // Most batches are clean: pass them on as they are rather than copying every row.
    if (batch.rows.every((row) => this.violated(row) === undefined)) {
      if (batch.rows.length > 0) this.context.output.emit(batch)
      return
    }
    const out = new BatchBuilder()
    for (const [i, row] of batch.rows.entries()) {
      const violated = this.violated(row)
      if (violated === undefined) out.add(row, kindAt(batch, i))
      else if (this.mode === 'ERROR') throw new NotNullViolationError(this.table, violated)
      else this.context.deadLetters.send(row, 'not-null-violation', null)
    }
    const result = out.take()
    if (result !== null) this.context.output.emit(result)
  }

  /** The first NOT NULL column the row has NULL in. */
  private violated(row: Row): string | undefined {
    for (const column of this.columns)
      if (row[column.index] === null || row[column.index] === undefined) return column.name
    return undefined
  }

  onBarrier(): null {
    return null
  }

  restore(): void {}
}
