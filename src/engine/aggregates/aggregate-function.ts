/**
 * One SQL aggregate, written as functions over a mutable accumulator. Accumulators are plain data (no class
 * instances), so keyed state that holds them can be snapshotted with structuredClone and stored by any
 * backend. The driver (`Aggregator`) never passes null values: SQL aggregates ignore nulls, so the functions
 * need not check.
 */
export interface AggregateFunction<A> {
  readonly name: string
  /** Whether `retract` is supported; a changelog input needs every aggregate to be retractable. */
  readonly retractable: boolean
  create(): A
  add(accumulator: A, value: unknown): void
  retract(accumulator: A, value: unknown): void
  /** Folds `source` into `target`, with `source` holding the later rows (this matters to FIRST/LAST_VALUE). */
  merge(target: A, source: A): void
  getValue(accumulator: A): unknown
}

/** Options for aggregates whose accumulator differs when rows can be retracted. */
export interface RetractOptions {
  /** Keep what retraction needs (value counts, arrival lists); costs memory, so only for changelog input. */
  readonly retractable?: boolean
}

export function notRetractable(name: string): never {
  throw new Error(`${name} cannot retract rows; it needs an insert-only input`)
}
