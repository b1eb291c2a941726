import { DailyCurveClock, type EventTimeCurve } from './daily-curve.ts'
import type { Rng } from './random.ts'

/** A fixed start so repeated runs produce identical timestamps: 2024-01-01 00:00:00.000 UTC. */
export const DEFAULT_START_TIME = Date.UTC(2024, 0, 1)

/** Event-time rate when no 'rows-per-second' is given; Nexmark's default first event rate. */
export const DEFAULT_EVENTS_PER_SECOND = 10_000

/** Exponential lateness has mean max / 4; this is its probability mass below max. */
const EXPONENTIAL_MASS_BELOW_MAX = -Math.expm1(-4)

export type LatenessDistribution = 'uniform' | 'exponential'

export interface EventTimeConfig {
  readonly startTime: number
  /** The average rate; under a daily curve, the rate over a whole day. */
  readonly eventsPerSecond: number
  /** 'flat': events evenly spaced; 'daily': spaced by a day's traffic curve (see `daily-curve.ts`). */
  readonly curve?: EventTimeCurve
  /** Upper bound on how far an event's time lags the stream's progress; 0 keeps events in order. */
  readonly maxOutOfOrdernessMs: number
  /**
   * How lateness spreads over [0, max]: uniform, or exponential with mean max/4 truncated at max (most
   * events nearly on time, a thin tail of stragglers, like real mobile clients).
   */
  readonly lateness: LatenessDistribution
}

/**
 * Event time of a stream whose i-th event is emitted (ingested) at `startTime + i * 1000 / rate`, and whose
 * event time lags that by a random lateness in [0, maxOutOfOrdernessMs]. Ingest time never decreases, so
 * every event time is at least (max event time seen so far) - maxOutOfOrdernessMs: a bounded-out-of-
 * orderness watermark with that bound never finds a late event.
 */
export class EventClock {
  private readonly exponentialMean: number
  private readonly daily: DailyCurveClock | undefined

  constructor(readonly config: EventTimeConfig) {
    if (!(config.eventsPerSecond > 0)) throw new RangeError('eventsPerSecond must be > 0')
    if (!Number.isSafeInteger(config.maxOutOfOrdernessMs) || config.maxOutOfOrdernessMs < 0) {
      throw new RangeError('maxOutOfOrdernessMs must be a non-negative integer')
    }
    this.exponentialMean = config.maxOutOfOrdernessMs / 4
    this.daily =
      config.curve === 'daily' ? new DailyCurveClock(config.startTime, config.eventsPerSecond) : undefined
  }

  /**
   * When event `index` is ingested. Flat: `index * 1000` is exact, so the average spacing is exactly
   * 1000 / rate. Daily: where the day's cumulative traffic reaches the index.
   */
  ingestTime(index: number): number {
    if (this.daily !== undefined) return this.daily.timeOf(index)
    return this.config.startTime + Math.floor((index * 1000) / this.config.eventsPerSecond)
  }

  /** The event's own time: its ingest time less a lateness, never before the start of the stream. */
  eventTime(ingestTime: number, rng: Rng): number {
    const bound = this.config.maxOutOfOrdernessMs
    if (bound === 0) return ingestTime
    // The exponential is truncated by inverting its CDF over [0, max], so no draw is ever rejected.
    const lateness =
      this.config.lateness === 'uniform'
        ? rng.nextInt(bound + 1)
        : Math.min(
            bound,
            Math.floor(-this.exponentialMean * Math.log1p(-rng.nextUnit() * EXPONENTIAL_MASS_BELOW_MAX)),
          )
    return Math.max(this.config.startTime, ingestTime - lateness)
  }
}
