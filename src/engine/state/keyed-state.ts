/**
 * A canonical state key: the group key of a row encoded as one Map-comparable value (see
 * `grouping/key-encoder.ts`). Numbers and strings stand for themselves so single-column keys cost no
 * allocation; composite keys are injective strings; null is the SQL NULL key.
 */
export type StateKey = string | number | null

/** Entries of a keyed state, deep-copied: later changes to the live state do not reach a snapshot. */
export type KeyedStateSnapshot<V> = ReadonlyArray<readonly [StateKey, V]>

/**
 * Per-key state of one operator. Values are plain data (objects, arrays, Maps, typed arrays; no class
 * instances) so a snapshot is structured-clonable and a backend can serialise it with `v8.serialize`.
 *
 * Contract for values: an object returned by `get` may be mutated in place without calling `put` again. The
 * heap backend holds the live object; a disk backend (LMDB) must therefore act as a write-back cache that
 * keeps touched values in memory and writes them out at the latest in `snapshot()` or when it evicts them.
 * This keeps the hot path to one lookup per row on every backend.
 */
export interface KeyedState<V> {
  readonly size: number
  get(key: StateKey): V | undefined
  put(key: StateKey, value: V): void
  delete(key: StateKey): boolean
  entries(): IterableIterator<[StateKey, V]>
  clear(): void
  snapshot(): KeyedStateSnapshot<V>
  restore(snapshot: KeyedStateSnapshot<V>): void
}

/** Creates the keyed states of one operator; the name scopes a state on backends that share one store. */
export interface StateBackend {
  keyedState<V>(name: string): KeyedState<V>
}
