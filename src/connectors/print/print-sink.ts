import type { Writable } from 'node:stream'
import { type Batch, kindAt, rowKindSymbol, type Sink } from '../../engine/index.ts'
import { formatTimestamp } from '../engine/sql-values.ts'
import type { ConnectorColumn } from '../engine/table.ts'

export interface PrintSinkOptions {
  /** Flink's `print-identifier`: a prefix telling several print sinks apart. */
  readonly identifier?: string
  readonly output: Writable
}

/** Prints each row as Flink's print connector does: `<identifier>> +I[a, 1]`. */
export class PrintSink implements Sink {
  private readonly prefix: string

  constructor(
    private readonly columns: readonly ConnectorColumn[],
    private readonly options: PrintSinkOptions,
  ) {
    this.prefix = options.identifier === undefined ? '' : `${options.identifier}> `
  }

  write(batch: Batch): void {
    let text = ''
    for (let i = 0; i < batch.rows.length; i++) {
      const fields = batch.rows[i]!.map((value, column) => this.render(value, column))
      text += `${this.prefix}${rowKindSymbol(kindAt(batch, i))}[${fields.join(', ')}]\n`
    }
    if (text !== '') this.options.output.write(text)
  }

  private render(value: unknown, column: number): string {
    if (value === null || value === undefined) return 'null'
    const type = this.columns[column]?.type ?? ''
    if (typeof value === 'number' && /^TIMESTAMP/i.test(type)) return formatTimestamp(value)
    if (Array.isArray(value))
      return `(${value.map((field) => (field === null ? 'null' : String(field))).join(', ')})`
    if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString('hex')}'`
    return String(value)
  }
}
