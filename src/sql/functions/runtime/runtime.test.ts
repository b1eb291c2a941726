import { describe, expect, it } from 'vitest'
import { civilFromDays, daysFromCivil, isoWeek } from './calendar.ts'
import { datePattern } from './date-pattern.ts'
import { evaluateJsonPath, JsonDocumentCache, jsonPath } from './json-path.ts'
import { javaDoubleText, javaFloatText, roundHalfUp } from './numbers.ts'
import { formatTimestamp, parseTimestamp } from './temporal-text.ts'
import { timeZone, toInstant, toLocal, UTC } from './time-zone.ts'

describe('calendar', () => {
  it('converts days and civil dates both ways across eras', () => {
    for (const days of [-719468, -1, 0, 59, 19753, 2932896]) {
      const { year, month, day } = civilFromDays(days)
      expect(daysFromCivil(year, month, day)).toBe(days)
    }
    expect(civilFromDays(19782)).toEqual({ year: 2024, month: 2, day: 29 })
  })

  it('numbers ISO weeks across year ends', () => {
    expect(isoWeek(daysFromCivil(2021, 1, 3))).toBe(53)
    expect(isoWeek(daysFromCivil(2024, 12, 30))).toBe(1)
  })
})

describe('Java date patterns', () => {
  const at = Date.UTC(2024, 2, 5, 7, 8, 9, 45)

  it.each([
    ['yyyy-MM-dd HH:mm:ss', '2024-03-05 07:08:09'],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2024-03-05 07:08:09.045'],
    ['yy/M/d H:m:s.S', '24/3/5 7:8:9.0'],
    ['yyyyMMddHHmm', '202403050708'],
    ['EEEE, MMMM d', 'Tuesday, March 5'],
    ["'day' D 'of' yyyy, hh a", 'day 65 of 2024, 07 AM'],
    ["HH 'o''clock'", "07 o'clock"],
    ['SSSSSS', '045000'],
  ])('formats %s', (pattern, expected) => {
    expect(datePattern(pattern).format(at)).toBe(expected)
  })

  it('prints zone fields from the offset', () => {
    expect(datePattern('HH:mm Z').format(at, 8 * 3_600_000)).toBe('07:08 +0800')
    expect(datePattern('XXX').format(at, -5.5 * 3_600_000)).toBe('-05:30')
    expect(datePattern('X').format(at, 0)).toBe('Z')
  })

  it.each([
    ['yyyy-MM-dd HH:mm:ss', '2024-03-05 07:08:09', Date.UTC(2024, 2, 5, 7, 8, 9)],
    ['yyyyMMdd', '20240305', Date.UTC(2024, 2, 5)],
    ['dd/MMM/yyyy:HH:mm:ss', '05/Mar/2024:07:08:09', Date.UTC(2024, 2, 5, 7, 8, 9)],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2024-03-05 07:08:09.5', Date.UTC(2024, 2, 5, 7, 8, 9, 500)],
    ['h:mm a', '7:08 PM', Date.UTC(1970, 0, 1, 19, 8)],
  ])('parses %s', (pattern, text, expected) => {
    expect(datePattern(pattern).parse(text)?.local).toBe(expected)
  })

  it('rejects text that does not match or names an impossible date', () => {
    expect(datePattern('yyyy-MM-dd').parse('2024-02-30')).toBeNull()
    expect(datePattern('yyyy-MM-dd').parse('2024-02-01 extra')).toBeNull()
    expect(datePattern('HH:mm').parse('25:00')).toBeNull()
  })

  it('reads an offset in the text', () => {
    expect(datePattern("yyyy-MM-dd'T'HH:mm:ssXXX").parse('2024-03-05T07:08:09+08:00')).toEqual({
      local: Date.UTC(2024, 2, 5, 7, 8, 9),
      offsetMs: 8 * 3_600_000,
    })
  })

  it('refuses unknown pattern letters', () => {
    expect(() => datePattern('yyyy-QQ')).toThrow("unknown letter 'Q'")
  })
})

describe('SQL timestamp text', () => {
  it('parses the forms CAST accepts', () => {
    expect(parseTimestamp('2024-01-31')).toBe(Date.UTC(2024, 0, 31))
    expect(parseTimestamp('2024-01-31 12:30')).toBe(Date.UTC(2024, 0, 31, 12, 30))
    expect(parseTimestamp(' 2024-01-31T12:30:05.123456 ')).toBe(Date.UTC(2024, 0, 31, 12, 30, 5, 123))
    expect(parseTimestamp('2024-01-32')).toBeNull()
  })

  it('prints the declared precision', () => {
    const ms = Date.UTC(2024, 0, 31, 12, 30, 5, 120)
    expect(formatTimestamp(ms, 0)).toBe('2024-01-31 12:30:05')
    expect(formatTimestamp(ms, 3)).toBe('2024-01-31 12:30:05.120')
    expect(formatTimestamp(ms, 6)).toBe('2024-01-31 12:30:05.120000')
  })
})

describe('time zones', () => {
  it('parses UTC, fixed offsets and IANA names', () => {
    expect(timeZone('UTC')).toBe(UTC)
    expect(timeZone('GMT+8').offsetAt(0)).toBe(8 * 3_600_000)
    expect(timeZone('-03:30').offsetAt(0)).toBe(-3.5 * 3_600_000)
    expect(timeZone('Asia/Shanghai').offsetAt(Date.UTC(2024, 0, 1))).toBe(8 * 3_600_000)
    expect(() => timeZone('Mars/Base')).toThrow('unknown time zone')
  })

  it('follows daylight saving time, resolving gaps and overlaps like java.time', () => {
    const berlin = timeZone('Europe/Berlin')
    expect(berlin.offsetAt(Date.UTC(2024, 6, 1))).toBe(2 * 3_600_000)
    // 2024-03-31 02:30 does not exist in Berlin: it moves forward to 03:30 CEST (01:30 UTC).
    expect(toInstant(berlin, Date.UTC(2024, 2, 31, 2, 30))).toBe(Date.UTC(2024, 2, 31, 1, 30))
    // 2024-10-27 02:30 happens twice: the earlier one (CEST, 00:30 UTC) wins.
    expect(toInstant(berlin, Date.UTC(2024, 9, 27, 2, 30))).toBe(Date.UTC(2024, 9, 27, 0, 30))
    expect(toLocal(berlin, Date.UTC(2024, 9, 27, 1, 30))).toBe(Date.UTC(2024, 9, 27, 2, 30))
  })
})

describe('JSON paths', () => {
  const document = JSON.parse('{"a":{"b":[{"c":1},{"c":2}],"d e":"x"}}') as unknown

  it.each([
    ['$.a.b[1].c', 2],
    ["$.a['d e']", 'x'],
    ['$.a."d e"', 'x'],
    ['strict $.a.b[0]', { c: 1 }],
    ['$.a.missing', undefined],
    ['$.a.b[5]', undefined],
    ['$', document],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(document, jsonPath(path))).toEqual(expected)
  })

  it('compiles each distinct path once and rejects malformed ones', () => {
    expect(jsonPath('$.a.b')).toBe(jsonPath('$.a.b'))
    expect(() => jsonPath('a.b')).toThrow("must start with '$'")
    expect(() => jsonPath('$.a[?(@.x)]')).toThrow('unsupported subscript')
  })

  it('parses a repeated document once', () => {
    const cache = new JsonDocumentCache()
    const text = '{"k":1}'
    expect(cache.parse(text)).toBe(cache.parse(text))
    expect(cache.parse('{oops')).toBeUndefined()
  })
})

describe('numbers', () => {
  it('rounds decimal ties up, away from zero', () => {
    expect(roundHalfUp(1.005, 2)).toBe(1.01)
    expect(roundHalfUp(-2.5, 0)).toBe(-3)
    expect(roundHalfUp(1234.5, -2)).toBe(1200)
  })

  it('prints doubles and floats like Java', () => {
    expect(javaDoubleText(1)).toBe('1.0')
    expect(javaDoubleText(0.0001)).toBe('1.0E-4')
    expect(javaDoubleText(12345678.9)).toBe('1.23456789E7')
    expect(javaDoubleText(-0)).toBe('-0.0')
    expect(javaFloatText(Math.fround(0.1))).toBe('0.1')
  })
})
