import { MIN_WATERMARK } from './stream.ts'

export interface OperatorMetricsSnapshot {
  readonly name: string
  readonly recordsIn: number
  readonly recordsOut: number
  readonly lateRecords: number
  readonly deadLetters: number
  /** The last watermark this node forwarded; -Infinity before the first. */
  readonly watermark: number
  readonly stateEntries: number
}

/**
 * Counters of one pipeline node. Plain number fields bumped once per batch, never per row, and nothing is
 * exported on the hot path: a Prometheus collector reads `snapshot()` when scraped.
 */
export class OperatorMetrics {
  recordsIn = 0
  recordsOut = 0
  lateRecords = 0
  deadLetters = 0
  watermark = MIN_WATERMARK

  constructor(
    readonly name: string,
    private readonly countStateEntries: () => number = () => 0,
  ) {}

  snapshot(): OperatorMetricsSnapshot {
    return {
      name: this.name,
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      lateRecords: this.lateRecords,
      deadLetters: this.deadLetters,
      watermark: this.watermark,
      stateEntries: this.countStateEntries(),
    }
  }
}
