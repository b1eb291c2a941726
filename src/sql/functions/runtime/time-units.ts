import { TIME_UNITS, type TimeUnit } from '../../parser/index.ts'
import {
  addMonths,
  civilFromDays,
  dayOfYear,
  daysFromCivil,
  daysOfMillis,
  fieldsOf,
  isoDayOfWeek,
  isoWeek,
  isoYear,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
  millisOfDay,
  monthsBetween,
  sqlDayOfWeek,
} from './calendar.ts'

/**
 * EXTRACT, FLOOR/CEIL(… TO unit), TIMESTAMPADD and TIMESTAMPDIFF over TIMESTAMP values (epoch milliseconds of a
 * wall-clock time). Callers convert DATE (days) and TIMESTAMP_LTZ (instants) to this form first.
 */

const KNOWN_TIME_UNITS: ReadonlySet<string> = new Set<string>(TIME_UNITS)

/** The unit a SYMBOL literal argument (`FLOOR(ts TO HOUR)`) holds. */
export function timeUnit(value: unknown): TimeUnit {
  if (typeof value !== 'string' || !KNOWN_TIME_UNITS.has(value))
    throw new TypeError(`not a time unit: ${String(value)}`)
  return value as TimeUnit
}

const FIXED_UNIT_MILLIS: Partial<Record<TimeUnit, number>> = {
  WEEK: 7 * MS_PER_DAY,
  DAY: MS_PER_DAY,
  HOUR: MS_PER_HOUR,
  MINUTE: MS_PER_MINUTE,
  SECOND: MS_PER_SECOND,
  MILLISECOND: 1,
}

const MONTHS_PER_UNIT: Partial<Record<TimeUnit, number>> = {
  MONTH: 1,
  QUARTER: 3,
  YEAR: 12,
  DECADE: 120,
  CENTURY: 1200,
  MILLENNIUM: 12000,
}

export function extractField(unit: TimeUnit, ms: number): number {
  const days = daysOfMillis(ms)
  switch (unit) {
    case 'MILLENNIUM':
      return Math.floor((civilFromDays(days).year - 1) / 1000) + 1
    case 'CENTURY':
      return Math.floor((civilFromDays(days).year - 1) / 100) + 1
    case 'DECADE':
      return Math.floor(civilFromDays(days).year / 10)
    case 'YEAR':
      return civilFromDays(days).year
    case 'ISOYEAR':
      return isoYear(days)
    case 'QUARTER':
      return Math.floor((civilFromDays(days).month - 1) / 3) + 1
    case 'MONTH':
      return civilFromDays(days).month
    case 'WEEK':
      return isoWeek(days)
    case 'DAY':
      return civilFromDays(days).day
    case 'DOY':
      return dayOfYear(days)
    case 'DOW':
      return sqlDayOfWeek(days)
    case 'ISODOW':
      return isoDayOfWeek(days)
    case 'HOUR':
      return Math.floor(millisOfDay(ms) / MS_PER_HOUR)
    case 'MINUTE':
      return Math.floor(millisOfDay(ms) / MS_PER_MINUTE) % 60
    case 'SECOND':
      return Math.floor(millisOfDay(ms) / MS_PER_SECOND) % 60
    case 'MILLISECOND':
      return millisOfDay(ms) % MS_PER_MINUTE
    case 'MICROSECOND':
      return (millisOfDay(ms) % MS_PER_MINUTE) * 1000
    case 'NANOSECOND':
      return (millisOfDay(ms) % MS_PER_MINUTE) * 1_000_000
    case 'EPOCH':
      return Math.floor(ms / MS_PER_SECOND)
  }
}

/** FLOOR(ts TO unit): the start of the unit containing `ms`. Weeks start on Monday (ISO). */
export function floorTo(unit: TimeUnit, ms: number): number {
  const fixed = FIXED_UNIT_MILLIS[unit]
  if (unit === 'WEEK') {
    const days = daysOfMillis(ms)
    return (days - isoDayOfWeek(days) + 1) * MS_PER_DAY
  }
  if (fixed !== undefined) return Math.floor(ms / fixed) * fixed
  const months = MONTHS_PER_UNIT[unit]
  if (months === undefined) throw new RangeError(`cannot round a timestamp to ${unit}`)
  const { year, month } = fieldsOf(ms)
  const index = year * 12 + (month - 1)
  // Decades, centuries and millennia are aligned on years divisible by 10/100/1000, like Calcite.
  const start = Math.floor(index / months) * months
  return daysFromCivil(Math.floor(start / 12), (start % 12) + 1, 1) * MS_PER_DAY
}

/** CEIL(ts TO unit): `ms` itself when already on a boundary, otherwise the start of the next unit. */
export function ceilTo(unit: TimeUnit, ms: number): number {
  const floor = floorTo(unit, ms)
  return floor === ms ? ms : addUnits(unit, 1, floor)
}

/** TIMESTAMPADD(unit, amount, ts). */
export function addUnits(unit: TimeUnit, amount: number, ms: number): number {
  const months = MONTHS_PER_UNIT[unit]
  if (months !== undefined) return addMonths(ms, amount * months)
  const fixed = FIXED_UNIT_MILLIS[unit]
  if (fixed !== undefined) return ms + amount * fixed
  if (unit === 'MICROSECOND') return ms + Math.trunc(amount / 1000)
  if (unit === 'NANOSECOND') return ms + Math.trunc(amount / 1_000_000)
  throw new RangeError(`cannot add ${unit} to a timestamp`)
}

/** TIMESTAMPDIFF(unit, from, to): whole units from `from` to `to`, truncated toward zero. */
export function diffUnits(unit: TimeUnit, from: number, to: number): number {
  const months = MONTHS_PER_UNIT[unit]
  if (months !== undefined) return Math.trunc(monthsBetween(from, to) / months)
  const fixed = FIXED_UNIT_MILLIS[unit]
  if (fixed !== undefined) return Math.trunc((to - from) / fixed)
  if (unit === 'MICROSECOND') return (to - from) * 1000
  if (unit === 'NANOSECOND') return (to - from) * 1_000_000
  throw new RangeError(`cannot measure a difference in ${unit}`)
}
