import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  daysOfMillis,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
  millisOfDay,
} from './calendar.ts'

/**
 * The SQL text forms of DATE, TIME and TIMESTAMP values (`2024-01-31`, `12:30:00.250`,
 * `2024-01-31 12:30:00.250`), as CAST, literals and default-format TO_TIMESTAMP read and write them.
 */

const DATE_TEXT = /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})\s*$/
const TIME_TEXT = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?\s*$/
const TIMESTAMP_TEXT =
  /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*$/

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}

function year(value: number): string {
  if (value >= 0 && value <= 9999) return String(value).padStart(4, '0')
  return String(value)
}

export function formatDate(days: number): string {
  const { year: y, month, day } = civilFromDays(days)
  return `${year(y)}-${two(month)}-${two(day)}`
}

/** `HH:mm:ss` plus `precision` fraction digits (milliseconds, zero-padded beyond 3). */
export function formatTime(msOfDay: number, precision: number): string {
  const hours = Math.floor(msOfDay / MS_PER_HOUR)
  const minutes = Math.floor(msOfDay / MS_PER_MINUTE) % 60
  const seconds = Math.floor(msOfDay / MS_PER_SECOND) % 60
  return `${two(hours)}:${two(minutes)}:${two(seconds)}${fraction(msOfDay % MS_PER_SECOND, precision)}`
}

export function formatTimestamp(ms: number, precision: number): string {
  return `${formatDate(daysOfMillis(ms))} ${formatTime(millisOfDay(ms), precision)}`
}

function fraction(millis: number, precision: number): string {
  if (precision <= 0) return ''
  const digits = String(millis).padStart(3, '0')
  return `.${precision <= 3 ? digits.slice(0, precision) : digits + '0'.repeat(precision - 3)}`
}

export function parseDate(text: string): number | null {
  const match = DATE_TEXT.exec(text)
  if (match === null) return null
  return validDays(Number(match[1]), Number(match[2]), Number(match[3]))
}

export function parseTime(text: string): number | null {
  const match = TIME_TEXT.exec(text)
  if (match === null) return null
  return validTime(match[1], match[2], match[3], match[4])
}

/** `yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]`, as Flink's CAST(… AS TIMESTAMP) accepts it. */
export function parseTimestamp(text: string): number | null {
  const match = TIMESTAMP_TEXT.exec(text)
  if (match === null) return null
  const days = validDays(Number(match[1]), Number(match[2]), Number(match[3]))
  if (days === null) return null
  if (match[4] === undefined) return days * MS_PER_DAY
  const time = validTime(match[4], match[5], match[6], match[7])
  return time === null ? null : days * MS_PER_DAY + time
}

function validDays(y: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month)) return null
  return daysFromCivil(y, month, day)
}

function validTime(
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
  digits: string | undefined,
): number | null {
  const h = Number(hours)
  const m = Number(minutes)
  const s = Number(seconds ?? '0')
  if (h > 23 || m > 59 || s > 59) return null
  const millis = digits === undefined ? 0 : Number(digits.slice(0, 3).padEnd(3, '0'))
  return h * MS_PER_HOUR + m * MS_PER_MINUTE + s * MS_PER_SECOND + millis
}
