/**
 * A day's traffic curve for generated event time: quiet at night (fewest events around 04:00), climbing
 * through the morning, a plateau at midday and the day's peak in the evening (around 21:00), as e-commerce
 * traffic looks. Hours are of the UTC day, so with the default start time (midnight UTC) the generated day
 * reads naturally in the default session time zone.
 *
 * The curve is a rate, so event time follows its cumulative share of the day: event k of a stream falls
 * where the cumulative share reaches k / eventsPerDay. That mapping is a pure function of k (rows stay
 * seekable and identical under any batching or partitioning) and never decreases (ingest time stays in
 * order, so a watermark bounded by the out-of-orderness still finds no late event).
 */

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
const MINUTES_PER_DAY = 1440

/** Relative traffic per hour of the day (00:00-01:00 first); only the ratios matter. */
const HOURLY_WEIGHTS: readonly number[] = [
  2.0, 1.2, 0.8, 0.6, 0.5, 0.7, 1.5, 2.8, 3.8, 4.5, 5.0, 5.4, 5.8, 5.2, 4.8, 4.7, 4.8, 5.0, 5.5, 6.5, 7.5,
  8.0, 6.5, 4.0,
]

export type EventTimeCurve = 'flat' | 'daily'
export const EVENT_TIME_CURVES: readonly EventTimeCurve[] = ['flat', 'daily']

/**
 * Per-minute weights, interpolated linearly between hour midpoints (wrapping at midnight) so the rate has no
 * steps at the hour, normalised so that a whole day sums to 1; `cumulative[m]` is the share before minute m.
 */
function buildCumulative(): { weights: Float64Array; cumulative: Float64Array } {
  const weights = new Float64Array(MINUTES_PER_DAY)
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    const hours = (minute + 0.5) / 60 - 0.5
    const lower = Math.floor(hours)
    const fraction = hours - lower
    const at = (hour: number): number => HOURLY_WEIGHTS[(hour + 24) % 24]!
    weights[minute] = at(lower) * (1 - fraction) + at(lower + 1) * fraction
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  const cumulative = new Float64Array(MINUTES_PER_DAY + 1)
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    weights[minute] = weights[minute]! / total
    cumulative[minute + 1] = cumulative[minute]! + weights[minute]!
  }
  // Rounding may leave the sum a hair off 1; the last minute ends the day exactly.
  cumulative[MINUTES_PER_DAY] = 1
  return { weights, cumulative }
}

const { weights: WEIGHTS, cumulative: CUMULATIVE } = buildCumulative()

/** Days of traffic from the epoch to `epochMs`: whole days, plus the curve's share of the last one. */
function sharesUpTo(epochMs: number): number {
  const day = Math.floor(epochMs / DAY_MS)
  const inDay = epochMs - day * DAY_MS
  const minute = Math.floor(inDay / MINUTE_MS)
  const share = CUMULATIVE[minute]! + (WEIGHTS[minute] ?? 0) * ((inDay - minute * MINUTE_MS) / MINUTE_MS)
  return day + share
}

/**
 * How many days of traffic the span [start, start + spanMs) holds under `curve`: spanMs / 1 day for a flat
 * curve; more for a span over the busy hours, less for one over the night. `number-of-rows` events spread
 * over the span average `rows / days / 86 400` events per second.
 */
export function daysOfTraffic(curve: EventTimeCurve, startTime: number, spanMs: number): number {
  if (curve === 'flat') return spanMs / DAY_MS
  return sharesUpTo(startTime + spanMs) - sharesUpTo(startTime)
}

/** Maps a stream's event index to its time under the daily curve. */
export class DailyCurveClock {
  private readonly startShares: number
  private readonly eventsPerDay: number
  private readonly startTime: number
  /** The minute the last lookup landed in: consecutive events mostly share one, so lookups skip the search. */
  private lastMinute = 0

  constructor(startTime: number, eventsPerSecond: number) {
    if (!(eventsPerSecond > 0)) throw new RangeError('eventsPerSecond must be > 0')
    this.startTime = startTime
    this.startShares = sharesUpTo(startTime)
    this.eventsPerDay = eventsPerSecond * (DAY_MS / 1000)
  }

  /** Epoch ms of event `index`: where the cumulative traffic since the start reaches index / eventsPerDay. */
  timeOf(index: number): number {
    const shares = this.startShares + index / this.eventsPerDay
    const day = Math.floor(shares)
    const share = shares - day
    const minute = this.minuteOf(share)
    const weight = WEIGHTS[minute]!
    // Clamped to the minute, so float rounding never pushes a time past the next minute's first event.
    const offset = Math.min(MINUTE_MS, ((share - CUMULATIVE[minute]!) / weight) * MINUTE_MS)
    // The first event can round a hair before the start; nothing is generated before it.
    return Math.max(this.startTime, Math.floor(day * DAY_MS + minute * MINUTE_MS + offset))
  }

  /** The minute m with cumulative[m] <= share < cumulative[m + 1]. */
  private minuteOf(share: number): number {
    const last = this.lastMinute
    if (CUMULATIVE[last]! <= share && share < CUMULATIVE[last + 1]!) return last
    let low = 0
    let high = MINUTES_PER_DAY - 1
    while (low < high) {
      const middle = (low + high + 1) >>> 1
      if (CUMULATIVE[middle]! <= share) low = middle
      else high = middle - 1
    }
    this.lastMinute = low
    return low
  }
}
