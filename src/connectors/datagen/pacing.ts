/**
 * Rate limiting for a datagen source ('rows-per-second'). The source asks how many rows are due, emits up
 * to that many as one batch, and reports them consumed; between batches it can sleep `millisUntilDue`.
 */
export interface Pacer {
  /** Whole rows that may be emitted at wall-clock time `nowMs`; `Infinity` when unthrottled. */
  rowsDue(nowMs: number): number
  /** Records that `count` rows were emitted. */
  consume(count: number): void
  /** How long after `nowMs` until `rows` rows are due; 0 if they already are. */
  millisUntilDue(nowMs: number, rows: number): number
}

/** A token bucket, or no limit at all when `rowsPerSecond` is undefined. */
export function createPacer(rowsPerSecond: number | undefined, options: { burstRows?: number } = {}): Pacer {
  return rowsPerSecond === undefined ? UNTHROTTLED : new TokenBucket(rowsPerSecond, options.burstRows)
}

const UNTHROTTLED: Pacer = {
  rowsDue: () => Number.POSITIVE_INFINITY,
  consume: () => {},
  millisUntilDue: () => 0,
}

/**
 * Tokens accrue at `rowsPerSecond` from the first call on, up to `burstRows` (default: one second of
 * rows). The cap means a source that stalled does not flood its downstream to catch up on the whole stall.
 */
export class TokenBucket implements Pacer {
  private readonly burstRows: number
  private tokens = 0
  private lastRefillMs: number | undefined

  constructor(
    readonly rowsPerSecond: number,
    burstRows?: number,
  ) {
    if (!(rowsPerSecond > 0) || !Number.isFinite(rowsPerSecond)) {
      throw new RangeError(`rows per second must be a positive number, got ${rowsPerSecond}`)
    }
    this.burstRows = burstRows ?? Math.max(1, rowsPerSecond)
  }

  rowsDue(nowMs: number): number {
    this.refill(nowMs)
    return Math.floor(this.tokens)
  }

  consume(count: number): void {
    this.tokens -= count
  }

  millisUntilDue(nowMs: number, rows: number): number {
    this.refill(nowMs)
    const missing = Math.min(rows, this.burstRows) - this.tokens
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rowsPerSecond)
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - (this.lastRefillMs ?? nowMs))
    this.lastRefillMs = Math.max(nowMs, this.lastRefillMs ?? nowMs)
    this.tokens = Math.min(this.burstRows, this.tokens + (elapsedMs * this.rowsPerSecond) / 1000)
  }
}
