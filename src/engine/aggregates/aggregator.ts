import type { Row } from '../rows.ts'
import type { AggregateFunction, PartialCodec } from './aggregate-function.ts'

/** One aggregate call of a query, e.g. `SUM(amount) FILTER (WHERE paid)`. */
export interface AggregateCall {
  readonly fn: AggregateFunction<unknown>
  /** Input column of the argument; absent for COUNT(*). The planner projects computed arguments first. */
  readonly argument?: number
  /** The FILTER (WHERE …) predicate, compiled. */
  readonly filter?: (row: Row) => boolean
}

const NO_ARGUMENT = -1

/**
 * Drives the aggregate calls of one operator over an array of accumulators (one per call). The calls are
 * unpacked into parallel arrays once, so the per-row loop reads no optional properties; null arguments are
 * skipped here, as SQL aggregates ignore nulls.
 */
export class Aggregator {
  readonly size: number
  private readonly functions: AggregateFunction<unknown>[]
  private readonly arguments: Int32Array
  private readonly filters: (((row: Row) => boolean) | null)[]

  constructor(calls: readonly AggregateCall[]) {
    this.size = calls.length
    this.functions = calls.map((call) => call.fn)
    this.arguments = Int32Array.from(calls, (call) => call.argument ?? NO_ARGUMENT)
    this.filters = calls.map((call) => call.filter ?? null)
  }

  /** True when every call can retract, i.e. the aggregate may consume a changelog. */
  get retractable(): boolean {
    return this.functions.every((fn) => fn.retractable)
  }

  describeNonRetractable(): string[] {
    return this.functions.filter((fn) => !fn.retractable).map((fn) => fn.name)
  }

  create(): unknown[] {
    const accumulators = new Array<unknown>(this.size)
    for (let i = 0; i < this.size; i++) accumulators[i] = this.functions[i]!.create()
    return accumulators
  }

  accumulate(accumulators: unknown[], row: Row): void {
    this.update(accumulators, row, false)
  }

  retract(accumulators: unknown[], row: Row): void {
    this.update(accumulators, row, true)
  }

  private update(accumulators: unknown[], row: Row, retraction: boolean): void {
    for (let i = 0; i < this.size; i++) {
      const filter = this.filters[i]!
      if (filter !== null && !filter(row)) continue
      const column = this.arguments[i]!
      const value = column === NO_ARGUMENT ? undefined : row[column]
      if (column !== NO_ARGUMENT && (value === null || value === undefined)) continue
      const fn = this.functions[i]!
      if (retraction) fn.retract(accumulators[i], value)
      else fn.add(accumulators[i], value)
    }
  }

  merge(target: unknown[], source: unknown[]): void {
    for (let i = 0; i < this.size; i++) this.functions[i]!.merge(target[i], source[i])
  }

  /** The calls with no partial (row value) form, which keep the aggregate in one phase; none: it can split. */
  describeNonSplittable(): string[] {
    return this.functions.filter((fn) => fn.partial === undefined).map((fn) => fn.name)
  }

  /** Writes the accumulators as partial values into `row` from column `offset` on (see `PartialCodec`). */
  writePartials(accumulators: unknown[], row: unknown[], offset: number): void {
    for (let i = 0; i < this.size; i++) row[offset + i] = this.partialCodec(i).encode(accumulators[i])
  }

  /** Merges the partial values of `row` from column `offset` on, written by `writePartials`, into `target`. */
  mergePartials(target: unknown[], row: Row, offset: number): void {
    for (let i = 0; i < this.size; i++) {
      this.functions[i]!.merge(target[i], this.partialCodec(i).decode(row[offset + i]))
    }
  }

  private partialCodec(i: number): PartialCodec<unknown> {
    const fn = this.functions[i]!
    if (fn.partial === undefined) throw new Error(`${fn.name} has no partial form for two-phase aggregation`)
    return fn.partial
  }

  /** A result row: the group key columns, the aggregate values, then `extraColumns` unset columns. */
  resultRow(key: Row, accumulators: unknown[], extraColumns = 0): Row {
    const keyArity = key.length
    const row = new Array<unknown>(keyArity + this.size + extraColumns)
    for (let i = 0; i < keyArity; i++) row[i] = key[i]
    for (let i = 0; i < this.size; i++) row[keyArity + i] = this.functions[i]!.getValue(accumulators[i])
    return row
  }
}
