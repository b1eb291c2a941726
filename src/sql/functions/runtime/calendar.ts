/**
 * Proleptic Gregorian calendar arithmetic on the runtime representations: DATE as days since the epoch and
 * TIMESTAMP as epoch milliseconds of a wall-clock time read as UTC. Pure integer math (Howard Hinnant's
 * civil-from-days algorithms), no `Date` objects on the hot path.
 */

export const MS_PER_SECOND = 1000
export const MS_PER_MINUTE = 60_000
export const MS_PER_HOUR = 3_600_000
export const MS_PER_DAY = 86_400_000

export interface CivilDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

export function daysOfMillis(ms: number): number {
  return Math.floor(ms / MS_PER_DAY)
}

/** Milliseconds since midnight of the day containing `ms`, always in [0, 86 400 000). */
export function millisOfDay(ms: number): number {
  return ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY
}

/** The broken-down wall-clock fields of a TIMESTAMP value. */
export interface DateTimeFields extends CivilDate {
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly millisecond: number
}

export function fieldsOf(ms: number): DateTimeFields {
  const date = civilFromDays(daysOfMillis(ms))
  const inDay = millisOfDay(ms)
  return {
    ...date,
    hour: Math.floor(inDay / MS_PER_HOUR),
    minute: Math.floor(inDay / MS_PER_MINUTE) % 60,
    second: Math.floor(inDay / MS_PER_SECOND) % 60,
    millisecond: inDay % MS_PER_SECOND,
  }
}
/** 1 = Monday … 7 = Sunday (ISO). 1970-01-01 was a Thursday. */
export function isoDayOfWeek(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1
}

/** 1 = Sunday … 7 = Saturday, as SQL's DAYOFWEEK and EXTRACT(DOW) count. */
export function sqlDayOfWeek(days: number): number {
  return (isoDayOfWeek(days) % 7) + 1
}

export function dayOfYear(days: number): number {
  return days - daysFromCivil(civilFromDays(days).year, 1, 1) + 1
}

/** The ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(days: number): number {
  const thursday = days - isoDayOfWeek(days) + 4
  const year = civilFromDays(thursday).year
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1
}

export function isoYear(days: number): number {
  return civilFromDays(days - isoDayOfWeek(days) + 4).year
}

/** Adds calendar months, clamping the day to the end of the target month (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(ms: number, months: number): number {
  const days = daysOfMillis(ms)
  const { year, month, day } = civilFromDays(days)
  const total = year * 12 + (month - 1) + months
  const targetYear = Math.floor(total / 12)
  const targetMonth = total - targetYear * 12 + 1
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth))
  return daysFromCivil(targetYear, targetMonth, targetDay) * MS_PER_DAY + millisOfDay(ms)
}

/** Whole months from `from` to `to`, counted like Flink's TIMESTAMPDIFF (a partial month does not count). */
export function monthsBetween(from: number, to: number): number {
  const a = fieldsOf(from)
  const b = fieldsOf(to)
  let months = (b.year - a.year) * 12 + (b.month - a.month)
  const aRest = millisOfDay(from) + a.day * MS_PER_DAY
  const bRest = millisOfDay(to) + b.day * MS_PER_DAY
  if (months > 0 && bRest < aRest) months--
  else if (months < 0 && bRest > aRest) months++
  return months
}
