/**
 * A bounded map: when full, the least recently used entry goes. Entries may carry an expiry, for data that
 * another server process could change behind this one's back (lookups of deletable versions).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>()
  hits = 0
  misses = 0

  constructor(
    private readonly capacity: number,
    private readonly ttlMs = Number.POSITIVE_INFINITY,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (
      entry === undefined ||
      (entry.expiresAt !== Number.POSITIVE_INFINITY && entry.expiresAt < Date.now())
    ) {
      if (entry !== undefined) this.entries.delete(key)
      this.misses++
      return undefined
    }
    // Re-inserting moves the key to the back of the Map's order: the front is the least recently used.
    this.entries.delete(key)
    this.entries.set(key, entry)
    this.hits++
    return entry.value
  }

  set(key: K, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, {
      value,
      expiresAt: this.ttlMs === Number.POSITIVE_INFINITY ? this.ttlMs : Date.now() + this.ttlMs,
    })
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
  }

  clear(): void {
    this.entries.clear()
  }

  get size(): number {
    return this.entries.size
  }
}
