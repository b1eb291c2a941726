import {
  civilFromDays,
  dayOfYear,
  daysFromCivil,
  daysInMonth,
  daysOfMillis,
  isoDayOfWeek,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
  millisOfDay,
} from './calendar.ts'

/**
 * Java date-time patterns (`yyyy-MM-dd HH:mm:ss.SSS`), as DATE_FORMAT, TO_TIMESTAMP, FROM_UNIXTIME,
 * UNIX_TIMESTAMP and TO_DATE take them. A pattern is compiled once into a list of fields; formatting and
 * parsing then walk that list without regular expressions.
 *
 * Letters: y (year), M/L (month; MMM = Jan, MMMM = January), d, D (day of year), E (Mon / Monday),
 * u (ISO day of week), a (AM/PM), H (0-23), k (1-24), K (0-11), h (1-12), m, s, S (fraction of a second,
 * one digit per letter, as java.time's DateTimeFormatter), Z (+0800), X/XX/XXX (Z, +08, +0800, +08:00),
 * z (UTC / GMT+08:00). Text in single quotes is literal, `''` is a quote; other non-letters are literal.
 */
export interface DatePattern {
  readonly pattern: string
  /** Formats a wall-clock time; `offsetMs` is the zone offset printed by Z/X/z fields. */
  format(local: number, offsetMs?: number): string
  /** Parses the whole text, or returns null when it does not match or names an impossible date. */
  parse(text: string): ParsedDateTime | null
}

export interface ParsedDateTime {
  /** The wall-clock time read, as epoch milliseconds. */
  readonly local: number
  /** The zone offset in the text, when the pattern has a zone field. */
  readonly offsetMs: number | undefined
}

type FieldLetter =
  | 'y'
  | 'M'
  | 'd'
  | 'D'
  | 'E'
  | 'u'
  | 'a'
  | 'H'
  | 'k'
  | 'K'
  | 'h'
  | 'm'
  | 's'
  | 'S'
  | 'Z'
  | 'X'
  | 'z'

type PatternPart = { readonly literal: string } | { readonly letter: FieldLetter; readonly width: number }

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const LETTER_ALIASES: Readonly<Record<string, FieldLetter>> = { L: 'M', Y: 'y' }
const FIELD_LETTERS = new Set<string>([
  'y',
  'M',
  'd',
  'D',
  'E',
  'u',
  'a',
  'H',
  'k',
  'K',
  'h',
  'm',
  's',
  'S',
  'Z',
  'X',
  'z',
])

const cache = new Map<string, DatePattern>()
const CACHE_LIMIT = 256

/** The compiled pattern, shared by every caller; throws RangeError for an unknown pattern letter. */
export function datePattern(pattern: string): DatePattern {
  let compiled = cache.get(pattern)
  if (compiled === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear()
    compiled = compile(pattern)
    cache.set(pattern, compiled)
  }
  return compiled
}

function compile(pattern: string): DatePattern {
  const parts = tokenize(pattern)
  return {
    pattern,
    format: (local, offsetMs = 0) => format(parts, local, offsetMs),
    parse: (text) => parse(parts, text),
  }
}

function tokenize(pattern: string): PatternPart[] {
  const parts: PatternPart[] = []
  let literal = ''
  let i = 0
  while (i < pattern.length) {
    const char = pattern[i]!
    if (char === "'") {
      if (pattern[i + 1] === "'") {
        literal += "'"
        i += 2
        continue
      }
      // A quoted section runs to the next lone quote; a doubled quote inside it is a quote character.
      i++
      while (i < pattern.length && !(pattern[i] === "'" && pattern[i + 1] !== "'")) {
        literal += pattern[i]
        i += pattern[i] === "'" ? 2 : 1
      }
      if (i >= pattern.length) throw new RangeError(`unterminated quote in date pattern '${pattern}'`)
      i++
      continue
    }
    if (!/[A-Za-z]/.test(char)) {
      literal += char
      i++
      continue
    }
    const letter = LETTER_ALIASES[char] ?? char
    if (!FIELD_LETTERS.has(letter))
      throw new RangeError(`unknown letter '${char}' in date pattern '${pattern}'`)
    let width = 1
    while (pattern[i + width] === char) width++
    if (literal !== '') parts.push({ literal })
    literal = ''
    parts.push({ letter: letter as FieldLetter, width })
    i += width
  }
  if (literal !== '') parts.push({ literal })
  return parts
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value))
  return (value < 0 ? '-' : '') + (text.length >= width ? text : '0'.repeat(width - text.length) + text)
}

function format(parts: readonly PatternPart[], local: number, offsetMs: number): string {
  const days = daysOfMillis(local)
  const date = civilFromDays(days)
  const inDay = millisOfDay(local)
  const hour = Math.floor(inDay / MS_PER_HOUR)
  let out = ''
  for (const part of parts) {
    if ('literal' in part) {
      out += part.literal
      continue
    }
    const w = part.width
    switch (part.letter) {
      case 'y':
        out += w === 2 ? pad(date.year % 100, 2) : pad(date.year, w)
        break
      case 'M':
        out +=
          w >= 4 ? MONTHS[date.month - 1] : w === 3 ? MONTHS[date.month - 1]!.slice(0, 3) : pad(date.month, w)
        break
      case 'd':
        out += pad(date.day, w)
        break
      case 'D':
        out += pad(dayOfYear(days), w)
        break
      case 'E': {
        const name = WEEKDAYS[isoDayOfWeek(days) - 1]!
        out += w >= 4 ? name : name.slice(0, 3)
        break
      }
      case 'u':
        out += pad(isoDayOfWeek(days), w)
        break
      case 'a':
        out += hour < 12 ? 'AM' : 'PM'
        break
      case 'H':
        out += pad(hour, w)
        break
      case 'k':
        out += pad(hour === 0 ? 24 : hour, w)
        break
      case 'K':
        out += pad(hour % 12, w)
        break
      case 'h':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, w)
        break
      case 'm':
        out += pad(Math.floor(inDay / MS_PER_MINUTE) % 60, w)
        break
      case 's':
        out += pad(Math.floor(inDay / MS_PER_SECOND) % 60, w)
        break
      case 'S': {
        const millis = pad(inDay % MS_PER_SECOND, 3)
        out += w <= 3 ? millis.slice(0, w) : millis + '0'.repeat(w - 3)
        break
      }
      case 'Z':
        out += formatOffset(offsetMs, false, false)
        break
      case 'X':
        out +=
          offsetMs === 0
            ? 'Z'
            : w === 1
              ? formatOffset(offsetMs, false, true)
              : formatOffset(offsetMs, w >= 3, false)
        break
      case 'z':
        out += offsetMs === 0 ? 'UTC' : `GMT${formatOffset(offsetMs, true, false)}`
        break
    }
  }
  return out
}

function formatOffset(offsetMs: number, colon: boolean, hoursOnly: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+'
  const minutes = Math.abs(offsetMs) / MS_PER_MINUTE
  const hh = pad(Math.floor(minutes / 60), 2)
  if (hoursOnly) return sign + hh
  return sign + hh + (colon ? ':' : '') + pad(minutes % 60, 2)
}

/** Mutable fields filled while parsing. */
interface Fields {
  year: number
  month: number
  day: number
  dayOfYear: number
  hour: number
  minute: number
  second: number
  millisecond: number
  pm: boolean | undefined
  hour12: boolean
  offsetMs: number | undefined
}

function parse(parts: readonly PatternPart[], text: string): ParsedDateTime | null {
  const fields: Fields = {
    year: 1970,
    month: 1,
    day: 1,
    dayOfYear: 0,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
    pm: undefined,
    hour12: false,
    offsetMs: undefined,
  }
  let position = 0
  for (const [index, part] of parts.entries()) {
    if ('literal' in part) {
      if (!text.startsWith(part.literal, position)) return null
      position += part.literal.length
      continue
    }
    const next = parts[index + 1]
    // Adjacent numeric fields (yyyyMMdd) are told apart by their widths only.
    const fixedWidth = next !== undefined && 'letter' in next && isNumericField(next.letter, next.width)
    const end = parseField(part.letter, part.width, fixedWidth, text, position, fields)
    if (end < 0) return null
    position = end
  }
  if (position !== text.length) return null
  return resolve(fields)
}

function isNumericField(letter: FieldLetter, width: number): boolean {
  if (letter === 'M') return width <= 2
  return !['E', 'a', 'Z', 'X', 'z'].includes(letter)
}

/** Parses one field at `position`; returns the position after it, or -1. */
function parseField(
  letter: FieldLetter,
  width: number,
  fixedWidth: boolean,
  text: string,
  position: number,
  fields: Fields,
): number {
  switch (letter) {
    case 'M':
      if (width >= 3) {
        const found = matchName(text, position, MONTHS, width === 3)
        if (found === undefined) return -1
        fields.month = found.index + 1
        return found.end
      }
      return readDigits(text, position, fixedWidth ? width : 2, (value) => {
        fields.month = value
      })
    case 'E': {
      const found = matchName(text, position, WEEKDAYS, width <= 3)
      return found === undefined ? -1 : found.end
    }
    case 'a': {
      const upper = text.slice(position, position + 2).toUpperCase()
      if (upper !== 'AM' && upper !== 'PM') return -1
      fields.pm = upper === 'PM'
      return position + 2
    }
    case 'Z':
    case 'X':
    case 'z':
      return parseOffset(text, position, fields)
    case 'S': {
      const digits = fixedWidth ? width : 9
      return readDigits(text, position, digits, (value, count) => {
        fields.millisecond = Math.floor(value / 10 ** Math.max(0, count - 3)) * 10 ** Math.max(0, 3 - count)
      })
    }
    default:
      return readDigits(text, position, fixedWidth ? width : letter === 'y' ? 9 : 3, (value) => {
        assignNumber(letter, value, width, fields)
      })
  }
}

function assignNumber(letter: FieldLetter, value: number, width: number, fields: Fields): void {
  switch (letter) {
    case 'y':
      fields.year = width === 2 ? 2000 + value : value
      break
    case 'd':
      fields.day = value
      break
    case 'D':
      fields.dayOfYear = value
      break
    case 'H':
      fields.hour = value
      break
    case 'k':
      fields.hour = value === 24 ? 0 : value
      break
    case 'K':
    case 'h':
      fields.hour = value % 12
      fields.hour12 = true
      break
    case 'm':
      fields.minute = value
      break
    case 's':
      fields.second = value
      break
    default:
      break
  }
}

function readDigits(
  text: string,
  position: number,
  maxDigits: number,
  assign: (value: number, count: number) => void,
): number {
  let value = 0
  let count = 0
  while (count < maxDigits && position + count < text.length) {
    const code = text.charCodeAt(position + count)
    if (code < 48 || code > 57) break
    value = value * 10 + (code - 48)
    count++
  }
  if (count === 0) return -1
  assign(value, count)
  return position + count
}

function matchName(
  text: string,
  position: number,
  names: readonly string[],
  short: boolean,
): { index: number; end: number } | undefined {
  const rest = text.slice(position).toLowerCase()
  for (const [index, name] of names.entries()) {
    const candidate = (short ? name.slice(0, 3) : name).toLowerCase()
    if (rest.startsWith(candidate)) return { index, end: position + candidate.length }
  }
  return undefined
}

function parseOffset(text: string, position: number, fields: Fields): number {
  if (text[position] === 'Z') {
    fields.offsetMs = 0
    return position + 1
  }
  let at = position
  if (text.startsWith('UTC', at) || text.startsWith('GMT', at)) {
    at += 3
    if (at === text.length || (text[at] !== '+' && text[at] !== '-')) {
      fields.offsetMs = 0
      return at
    }
  }
  const match = /^([+-])(\d{2})(?::?(\d{2}))?/.exec(text.slice(at))
  if (match === null) return -1
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? '0')
  fields.offsetMs = (match[1] === '-' ? -1 : 1) * minutes * MS_PER_MINUTE
  return at + match[0].length
}

function resolve(fields: Fields): ParsedDateTime | null {
  let hour = fields.hour
  if (fields.pm !== undefined && (fields.hour12 || hour < 12)) hour = (hour % 12) + (fields.pm ? 12 : 0)
  if (fields.month < 1 || fields.month > 12) return null
  if (hour > 23 || fields.minute > 59 || fields.second > 59) return null
  let days: number
  if (fields.dayOfYear > 0) {
    days = daysFromCivil(fields.year, 1, 1) + fields.dayOfYear - 1
  } else {
    if (fields.day < 1 || fields.day > daysInMonth(fields.year, fields.month)) return null
    days = daysFromCivil(fields.year, fields.month, fields.day)
  }
  const local =
    days * MS_PER_DAY +
    hour * MS_PER_HOUR +
    fields.minute * MS_PER_MINUTE +
    fields.second * MS_PER_SECOND +
    fields.millisecond
  return { local, offsetMs: fields.offsetMs }
}
