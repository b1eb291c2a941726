import { MS_PER_HOUR, MS_PER_MINUTE } from './calendar.ts'

/**
 * The session time zone (`table.local-time-zone`), used wherever Flink converts between an instant
 * (TIMESTAMP_LTZ, epoch seconds) and a wall-clock time (TIMESTAMP, formatted strings). UTC is the default;
 * fixed offsets (`+08:00`, `GMT+8`, `UTC-05:30`) and IANA names (`Asia/Shanghai`, via `Intl`) are supported.
 */
export interface TimeZone {
  readonly id: string
  /** Milliseconds to add to an instant to get the wall-clock time in this zone. */
  offsetAt(instant: number): number
}

export const UTC: TimeZone = { id: 'UTC', offsetAt: () => 0 }

/** Wall-clock time (as TIMESTAMP's epoch-millis representation) of an instant. */
export function toLocal(zone: TimeZone, instant: number): number {
  return instant + zone.offsetAt(instant)
}

/**
 * The instant of a wall-clock time. In a gap (spring forward) the time moves later by the gap; in an overlap
 * (fall back) the earlier instant wins: java.time's rules. Assumes at most one offset change within a day.
 */
export function toInstant(zone: TimeZone, local: number): number {
  const before = local - zone.offsetAt(local - TRANSITION_WINDOW)
  const after = local - zone.offsetAt(local + TRANSITION_WINDOW)
  const beforeValid = zone.offsetAt(before) === local - before
  const afterValid = zone.offsetAt(after) === local - after
  if (beforeValid && afterValid) return Math.min(before, after)
  if (afterValid) return after
  return before
}

/** Offsets are at most ±18 h, so a day on either side of a wall-clock time reaches past any transition. */
const TRANSITION_WINDOW = 24 * MS_PER_HOUR

/** A zone for a `table.local-time-zone` value; throws RangeError for an unknown zone. */
export function timeZone(id: string): TimeZone {
  const trimmed = id.trim()
  if (/^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT)$/i.test(trimmed)) return UTC
  const offset = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(trimmed)
  if (offset !== null) {
    const sign = offset[1] === '-' ? -1 : 1
    const hours = Number(offset[2])
    const minutes = Number(offset[3] ?? '0')
    if (hours > 18 || minutes > 59) throw new RangeError(`time zone offset out of range: ${id}`)
    const millis = sign * (hours * MS_PER_HOUR + minutes * MS_PER_MINUTE)
    return { id: trimmed, offsetAt: () => millis }
  }
  return namedZone(trimmed)
}

/** Offsets change at most every quarter hour, so they are cached per 15-minute bucket of the instant. */
const BUCKET = 15 * MS_PER_MINUTE
const CACHE_LIMIT = 4096

function namedZone(name: string): TimeZone {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new RangeError(`unknown time zone '${name}'; use UTC, an offset such as '+08:00', or an IANA name`)
  }
  const cache = new Map<number, number>()
  const compute = (instant: number): number => {
    const parts: Record<string, number> = {}
    for (const part of format.formatToParts(new Date(instant))) parts[part.type] = Number(part.value)
    const local = Date.UTC(
      parts.year!,
      parts.month! - 1,
      parts.day!,
      parts.hour!,
      parts.minute!,
      parts.second!,
    )
    return local - (instant - (((instant % 1000) + 1000) % 1000))
  }
  return {
    id: format.resolvedOptions().timeZone,
    offsetAt(instant) {
      const bucket = Math.floor(instant / BUCKET)
      let offset = cache.get(bucket)
      if (offset === undefined) {
        if (cache.size >= CACHE_LIMIT) cache.clear()
        offset = compute(bucket * BUCKET)
        cache.set(bucket, offset)
      }
      return offset
    },
  }
}
