import type { DeadLetterReason } from './dead-letter.ts'
import { MIN_WATERMARK } from './stream.ts'

/** Dead letters per reason; a reason with none is absent. */
export type DeadLetterCounts = Readonly<Partial<Record<DeadLetterReason, number>>>

/** Dead letters per reason, summed (over subtasks, or over a job's nodes). */
export function addDeadLetterCounts(a: DeadLetterCounts, b: DeadLetterCounts): DeadLetterCounts {
  const sum: Partial<Record<DeadLetterReason, number>> = { ...a }
  for (const [reason, count] of Object.entries(b) as [DeadLetterReason, number][])
    sum[reason] = (sum[reason] ?? 0) + count
  return sum
}

export interface OperatorMetricsSnapshot {
  readonly name: string
  readonly recordsIn: number
  readonly recordsOut: number
  readonly lateRecords: number
  readonly deadLetters: number
  /** `deadLetters` by reason: what a job reports and summarises per reason. */
  readonly deadLetterReasons: DeadLetterCounts
  /** The last watermark this node forwarded; -Infinity before the first. */
  readonly watermark: number
  readonly stateEntries: number
  /**
   * Where the node's wall-clock time went since the pipeline started, in ms; in one pipeline the three add up
   * to the time it ran (Flink's busy, idle and back-pressured time). `timeMsPerSecond` rates them per second.
   * Busy: working on a batch or event (a sink: also while a call is in flight). Back-pressured: its output was
   * blocked, waiting for downstream nodes to take a batch or for room in a full sink queue. Idle: neither,
   * i.e. waiting for input.
   */
  readonly busyTimeMs: number
  readonly idleTimeMs: number
  readonly backPressuredTimeMs: number
}

/** Flink's `busyTimeMsPerSecond`, `idleTimeMsPerSecond` and `backPressuredTimeMsPerSecond`. */
export interface TimeMsPerSecond {
  readonly busyTimeMsPerSecond: number
  readonly idleTimeMsPerSecond: number
  readonly backPressuredTimeMsPerSecond: number
}

/**
 * How a node spent each second between two of its snapshots, or since it started without `before`. By default
 * over the time it ran in between, exact for one subtask's snapshots; merged snapshots of several subtasks
 * (see `mergeMetrics`) need the wall-clock time between them as `elapsedMs`.
 */
export function timeMsPerSecond(
  after: OperatorMetricsSnapshot,
  before?: OperatorMetricsSnapshot,
  elapsedMs?: number,
): TimeMsPerSecond {
  const busy = after.busyTimeMs - (before?.busyTimeMs ?? 0)
  const idle = after.idleTimeMs - (before?.idleTimeMs ?? 0)
  const backPressured = after.backPressuredTimeMs - (before?.backPressuredTimeMs ?? 0)
  const elapsed = elapsedMs ?? busy + idle + backPressured
  const perSecond = (ms: number): number =>
    elapsed <= 0 ? 0 : Math.round((1000 * Math.min(Math.max(0, ms), elapsed)) / elapsed)
  return {
    busyTimeMsPerSecond: perSecond(busy),
    idleTimeMsPerSecond: perSecond(idle),
    backPressuredTimeMsPerSecond: perSecond(backPressured),
  }
}

/** Time summed over intervals, the current one included while it runs; timestamps are `performance.now()`. */
export class Stopwatch {
  private totalMs = 0
  private since: number | null = null

  start(now: number): void {
    this.since ??= now
  }

  stop(now: number): void {
    if (this.since === null) return
    this.totalMs += now - this.since
    this.since = null
  }

  add(ms: number): void {
    this.totalMs += ms
  }

  elapsedAt(now: number): number {
    return this.totalMs + (this.since === null ? 0 : now - this.since)
  }
}

/**
 * Counters of one pipeline node. Plain number fields bumped once per batch, never per row, and nothing is
 * exported on the hot path: a Prometheus collector reads `snapshot()` when scraped. The executor keeps the
 * time accounts (see `executor/thread-time.ts` and `executor/back-pressure.ts`), reading the clock per batch
 * or event.
 */
export class OperatorMetrics {
  recordsIn = 0
  recordsOut = 0
  lateRecords = 0
  deadLetters = 0
  private readonly deadLetterReasons: Partial<Record<DeadLetterReason, number>> = {}
  watermark = MIN_WATERMARK
  readonly busyTime = new Stopwatch()
  readonly backPressuredTime = new Stopwatch()
  /** From the pipeline's start to its end: what is neither busy nor back-pressured of it was idle. */
  private readonly runTime = new Stopwatch()

  constructor(
    readonly name: string,
    private readonly countStateEntries: () => number = () => 0,
  ) {}

  /**
   * Counts records that left the pipeline here: every place that drops a record (an operator's dead-letter
   * output, a source's undecodable records, a sink's rejected rows) counts through this one method, so the
   * job's totals, its per-reason summary and these metrics always agree.
   */
  countDeadLetters(reason: DeadLetterReason, count = 1): void {
    if (count <= 0) return
    this.deadLetters += count
    this.deadLetterReasons[reason] = (this.deadLetterReasons[reason] ?? 0) + count
    if (reason === 'late') this.lateRecords += count
  }

  started(now: number): void {
    this.runTime.start(now)
  }

  stopped(now: number): void {
    this.runTime.stop(now)
    this.busyTime.stop(now)
    this.backPressuredTime.stop(now)
  }

  snapshot(now = performance.now()): OperatorMetricsSnapshot {
    const ran = this.runTime.elapsedAt(now)
    // Clamped so the three add up to the run time even when clock reads of different nodes interleave.
    const busy = Math.min(this.busyTime.elapsedAt(now), ran)
    const backPressured = Math.min(this.backPressuredTime.elapsedAt(now), ran - busy)
    return {
      name: this.name,
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      lateRecords: this.lateRecords,
      deadLetters: this.deadLetters,
      deadLetterReasons: { ...this.deadLetterReasons },
      watermark: this.watermark,
      stateEntries: this.countStateEntries(),
      busyTimeMs: Math.round(busy),
      idleTimeMs: Math.round(ran - busy - backPressured),
      backPressuredTimeMs: Math.round(backPressured),
    }
  }
}
