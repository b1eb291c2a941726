import type { Aggregator } from '../aggregates/aggregator.ts'
import type { Clock } from '../clock.ts'
import type { Grouping } from '../grouping/grouping.ts'
import type { Row } from '../rows.ts'
import type { StateKey } from '../state/keyed-state.ts'

interface BufferedGroup {
  readonly key: Row
  readonly accumulators: unknown[]
}

/**
 * The groups a local (pre-)aggregation has accumulated since its last flush. It lives only between flushes,
 * so it is a plain map, not keyed state: local operators flush it before every checkpoint barrier.
 */
export class PartialBuffer {
  private readonly groups = new Map<StateKey, BufferedGroup>()

  constructor(
    private readonly grouping: Grouping,
    private readonly aggregator: Aggregator,
  ) {}

  get size(): number {
    return this.groups.size
  }

  accumulate(row: Row): void {
    const key = this.grouping.key(row, 0)
    let group = this.groups.get(key)
    if (group === undefined) {
      group = { key: this.grouping.keyRow(row, 0), accumulators: this.aggregator.create() }
      this.groups.set(key, group)
    }
    this.aggregator.accumulate(group.accumulators, row)
  }

  /**
   * Appends one partial row per group to `out`, `[...key columns, ...extra, ...partial accumulators]`, the
   * layout the global operator merges (see `Aggregator.mergePartials`), and empties the buffer.
   */
  drainInto(out: Row[], extra: readonly unknown[] = []): void {
    const { aggregator } = this
    for (const group of this.groups.values()) {
      const keyArity = group.key.length
      const row = new Array<unknown>(keyArity + extra.length + aggregator.size)
      for (let i = 0; i < keyArity; i++) row[i] = group.key[i]
      for (let i = 0; i < extra.length; i++) row[keyArity + i] = extra[i]
      aggregator.writePartials(group.accumulators, row, keyArity + extra.length)
      out.push(row)
    }
    this.groups.clear()
  }
}

/** Flink's mini-batch bounds: flush after `size` input rows or `latencyMs` after the first buffered row. */
export interface MiniBatchBounds {
  readonly size: number
  /** Absent: no latency bound (the buffer is flushed by watermarks, barriers and the end of input). */
  readonly latencyMs?: number
}

/** Counts the rows of the current mini-batch and says when a bound is reached. */
export class MiniBatchTrigger {
  private rows = 0
  private startedAt = 0

  constructor(
    private readonly bounds: MiniBatchBounds,
    private readonly clock: Clock,
  ) {}

  /** Records `rows` more buffered rows; true when the mini-batch is due. */
  added(rows: number): boolean {
    if (rows === 0) return false
    if (this.rows === 0 && this.bounds.latencyMs !== undefined) this.startedAt = this.clock.now()
    this.rows += rows
    return this.due()
  }

  /** Whether a bound is reached; the latency bound is also checked on watermarks, between batches. */
  due(): boolean {
    if (this.rows === 0) return false
    if (this.rows >= this.bounds.size) return true
    const { latencyMs } = this.bounds
    return latencyMs !== undefined && this.clock.now() - this.startedAt >= latencyMs
  }

  reset(): void {
    this.rows = 0
  }
}
