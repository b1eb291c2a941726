import type { Batch, Row } from '../rows.ts'
import { MIN_WATERMARK } from '../stream.ts'

/**
 * A source's event-time declaration, Flink's `WATERMARK FOR ts AS <expression>`: the compiled expression gives
 * each row's watermark candidate (null when the row has no event time), and the watermark of a partition is
 * the largest candidate seen. `idleTimeoutMs` is `table.exec.source.idle-timeout`: a partition without rows for
 * that long stops holding the combined watermark back until it has rows again.
 */
export interface WatermarkStrategy {
  readonly watermarkOf: (row: Row) => number | null
  readonly idleTimeoutMs?: number
}

/** `WATERMARK FOR ts AS ts - INTERVAL 'delay'`: rows may be up to `delayMs` out of order. */
export function boundedOutOfOrderness(timeColumn: number, delayMs: number): (row: Row) => number | null {
  return (row) => {
    const time = row[timeColumn]
    return typeof time === 'number' ? time - delayMs : null
  }
}

/** Partition watermarks at a checkpoint, restored with the source position so replay sees the same time. */
export interface WatermarksSnapshot {
  readonly combined: number
  readonly partitions: ReadonlyArray<readonly [partition: number, watermark: number]>
}

interface PartitionProgress {
  watermark: number
  lastRowsAt: number
}

/**
 * Watermarks per source partition and their combination: the minimum over active partitions, never
 * decreasing even when an idle partition comes back with an older watermark (its rows are then late, which
 * the window operators count and route to the dead-letter output).
 */
export class PartitionedWatermarks {
  private readonly partitions = new Map<number, PartitionProgress>()
  private combined = MIN_WATERMARK

  constructor(private readonly strategy: WatermarkStrategy) {}

  /** Registers a partition that holds the watermark back from `now` on, before it has any rows. */
  addPartition(partition: number, now: number): void {
    if (!this.partitions.has(partition))
      this.partitions.set(partition, { watermark: MIN_WATERMARK, lastRowsAt: now })
  }

  observe(partition: number, batch: Batch, now: number): void {
    if (batch.rows.length === 0) return
    this.addPartition(partition, now)
    const progress = this.partitions.get(partition)!
    const watermarkOf = this.strategy.watermarkOf
    let watermark = progress.watermark
    for (const row of batch.rows) {
      const candidate = watermarkOf(row)
      if (candidate !== null && candidate > watermark) watermark = candidate
    }
    progress.watermark = watermark
    progress.lastRowsAt = now
  }

  /** The combined watermark at wall-clock `now`; it stays put while every partition is idle. */
  current(now: number): number {
    let minimum = Number.POSITIVE_INFINITY
    let lastRowsAt = Number.NEGATIVE_INFINITY
    let lastActiveMinimum = Number.POSITIVE_INFINITY
    for (const progress of this.partitions.values()) {
      if (!this.isIdle(progress, now) && progress.watermark < minimum) minimum = progress.watermark
      if (progress.lastRowsAt > lastRowsAt) {
        lastRowsAt = progress.lastRowsAt
        lastActiveMinimum = progress.watermark
      } else if (progress.lastRowsAt === lastRowsAt && progress.watermark < lastActiveMinimum) {
        lastActiveMinimum = progress.watermark
      }
    }
    // Every partition has gone idle since the last call: the ones with the latest rows went idle last, so
    // just before, they alone were active and their watermark was due; it must not be lost between calls.
    if (minimum === Number.POSITIVE_INFINITY) minimum = lastActiveMinimum
    if (minimum !== Number.POSITIVE_INFINITY && minimum > this.combined) this.combined = minimum
    return this.combined
  }

  /**
   * True when every partition is idle, or when there are none: a source subtask that owns no partition (more
   * subtasks than Kafka partitions) must not hold event time back, as in Flink.
   */
  allIdle(now: number): boolean {
    if (this.partitions.size === 0) return true
    for (const progress of this.partitions.values()) if (!this.isIdle(progress, now)) return false
    return true
  }

  snapshot(): WatermarksSnapshot {
    return {
      combined: this.combined,
      partitions: [...this.partitions].map(
        ([partition, progress]) => [partition, progress.watermark] as const,
      ),
    }
  }

  /** Restored partitions count as having had rows at `now`, so the idle timeout starts afresh. */
  restore(snapshot: WatermarksSnapshot, now: number): void {
    this.combined = snapshot.combined
    this.partitions.clear()
    for (const [partition, watermark] of snapshot.partitions)
      this.partitions.set(partition, { watermark, lastRowsAt: now })
  }

  private isIdle(progress: PartitionProgress, now: number): boolean {
    const timeout = this.strategy.idleTimeoutMs
    return timeout !== undefined && now - progress.lastRowsAt >= timeout
  }
}
