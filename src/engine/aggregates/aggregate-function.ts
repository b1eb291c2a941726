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
  /**
   * The accumulator as one row value, for a local (pre-)aggregation that ships partial results across an
   * exchange to a global one that merges them; absent when there is no compact row form (then the aggregate
   * runs in one phase).
   */
  readonly partial?: PartialCodec<A>
}

/**
 * An accumulator as a row value the exchange carries: numbers, bigints, strings, null, arrays and bytes only
 * (plain objects do not cross it). Only insert-only accumulators are shipped: a local aggregation never
 * retracts.
 */
export interface PartialCodec<A> {
  encode(accumulator: A): unknown
  decode(value: unknown): A
}

/** Options for aggregates whose accumulator differs when rows can be retracted. */
export interface RetractOptions {
  /** Keep what retraction needs (value counts, arrival lists); costs memory, so only for changelog input. */
  readonly retractable?: boolean
}

export function notRetractable(name: string): never {
  throw new Error(`${name} cannot retract rows; it needs an insert-only input`)
}
