import type { KeyedState, KeyedStateSnapshot, StateBackend, StateKey } from './keyed-state.ts'

/**
 * Keyed state in a JS Map keyed by the canonical key. A Map keeps insertion order, which makes iteration
 * (and therefore window output order) deterministic; its SameValueZero equality treats 0/-0 and NaN/NaN as
 * equal, matching SQL grouping.
 */
export class HeapKeyedState<V> implements KeyedState<V> {
  private readonly map = new Map<StateKey, V>()

  get size(): number {
    return this.map.size
  }

  get(key: StateKey): V | undefined {
    return this.map.get(key)
  }

  put(key: StateKey, value: V): void {
    this.map.set(key, value)
  }

  delete(key: StateKey): boolean {
    return this.map.delete(key)
  }

  entries(): IterableIterator<[StateKey, V]> {
    return this.map.entries()
  }

  clear(): void {
    this.map.clear()
  }

  snapshot(): KeyedStateSnapshot<V> {
    return structuredClone([...this.map])
  }

  restore(snapshot: KeyedStateSnapshot<V>): void {
    this.map.clear()
    for (const [key, value] of structuredClone(snapshot)) this.map.set(key, value)
  }
}

export const heapStateBackend: StateBackend = {
  keyedState: <V>() => new HeapKeyedState<V>(),
}
