import { describe, expect, it } from 'vitest'
import { DailyCurveClock, daysOfTraffic } from './daily-curve.ts'
import { DEFAULT_START_TIME } from './event-time.ts'
import { DatagenOptionError, parseDatagenOptions } from './options.ts'
import { createDatagenSource } from './source.ts'

const DAY = 86_400_000
const HOUR = 3_600_000
const EVENT_TIME = 15
const INGEST_TIME = 16

/** A day of clicks as the Dataeye example generates it. */
function dayOfClicks(extra: Record<string, string> = {}): unknown[][] {
  const { generator } = createDatagenSource({
    connector: 'datagen',
    generator: 'clickstream',
    'number-of-rows': '100000',
    'event-time.span': '1 d',
    'event-time.curve': 'daily',
    seed: '42',
    ...extra,
  })
  return generator.nextBatch(100_000)
}

function perHour(rows: readonly unknown[][]): number[] {
  const hours = new Array<number>(24).fill(0)
  for (const row of rows) hours[new Date(row[INGEST_TIME] as number).getUTCHours()]! += 1
  return hours
}

describe('clickstream over a day of event time', () => {
  it('spreads number-of-rows over the whole span, from the start to its last second', () => {
    const rows = dayOfClicks()
    const first = rows[0]![INGEST_TIME] as number
    const last = rows[rows.length - 1]![INGEST_TIME] as number
    expect(first).toBe(DEFAULT_START_TIME)
    expect(last).toBeLessThan(DEFAULT_START_TIME + DAY)
    expect(last).toBeGreaterThan(DEFAULT_START_TIME + DAY - 60_000)
  })

  it('follows a daily curve: quiet at night, busy at midday, busiest in the evening', () => {
    const hours = perHour(dayOfClicks())
    const night = hours[4]!
    const midday = hours[12]!
    const evening = hours[21]!
    expect(evening).toBe(Math.max(...hours))
    expect(night).toBe(Math.min(...hours))
    expect(midday).toBeGreaterThan(night * 5)
    expect(evening).toBeGreaterThan(midday)
    // Every minute of the day has events, so every per-minute window shows new numbers.
    const minutes = new Set(dayOfClicks().map((row) => Math.floor((row[INGEST_TIME] as number) / 60_000)))
    expect(minutes.size).toBe(1440)
  })

  it('keeps ingest time in order and event time within the out-of-orderness bound', () => {
    const rows = dayOfClicks({ 'max-out-of-orderness': '5 s' })
    let maxEventTime = Number.NEGATIVE_INFINITY
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]![INGEST_TIME] as number).toBeGreaterThanOrEqual(rows[i - 1]![INGEST_TIME] as number)
      const eventTime = rows[i]![EVENT_TIME] as number
      expect(eventTime).toBeGreaterThanOrEqual(maxEventTime - 5000)
      maxEventTime = Math.max(maxEventTime, eventTime)
    }
  })

  it('is deterministic, and a row does not depend on where generation started', () => {
    const rows = dayOfClicks()
    const { generator } = createDatagenSource({
      connector: 'datagen',
      generator: 'clickstream',
      'number-of-rows': '100000',
      'event-time.span': '1 d',
      'event-time.curve': 'daily',
      seed: '42',
    })
    generator.seek(73_001)
    expect(generator.nextBatch(5)).toEqual(rows.slice(73_001, 73_006))
    expect(dayOfClicks()).toEqual(rows)
  })

  it('fits a span shorter than a day, and a flat curve spaces events evenly', () => {
    const evening = dayOfClicks({ 'start-time': '2024-01-01 18:00:00', 'event-time.span': '2 h' })
    const start = Date.UTC(2024, 0, 1, 18)
    expect(evening[0]![INGEST_TIME]).toBe(start)
    expect(evening[evening.length - 1]![INGEST_TIME] as number).toBeLessThan(start + 2 * HOUR)
    expect(evening[evening.length - 1]![INGEST_TIME] as number).toBeGreaterThan(start + 2 * HOUR - 1000)
    const flat = dayOfClicks({ 'event-time.curve': 'flat' })
    const hours = perHour(flat)
    expect(Math.max(...hours) - Math.min(...hours)).toBeLessThanOrEqual(1)
  })

  it('counts a span over the evening as more traffic than one over the night', () => {
    const start = DEFAULT_START_TIME
    expect(daysOfTraffic('flat', start, 6 * HOUR)).toBe(0.25)
    expect(daysOfTraffic('daily', start, DAY)).toBeCloseTo(1, 12)
    expect(daysOfTraffic('daily', start + 2 * HOUR, 4 * HOUR)).toBeLessThan(0.05)
    expect(daysOfTraffic('daily', start + 18 * HOUR, 4 * HOUR)).toBeGreaterThan(0.25)
    const clock = new DailyCurveClock(start, 1)
    expect(clock.timeOf(86_400)).toBe(start + DAY)
  })
})

describe('event-time options', () => {
  const base = { connector: 'datagen', generator: 'clickstream' }

  it('reads event-time.span and event-time.curve; flat is the default', () => {
    expect(parseDatagenOptions({ ...base, 'number-of-rows': '10' })).toMatchObject({
      eventTimeSpanMs: undefined,
      eventTimeCurve: 'flat',
    })
    expect(
      parseDatagenOptions({
        ...base,
        'number-of-rows': '10',
        'event-time.span': '1 d',
        'event-time.curve': 'daily',
      }),
    ).toMatchObject({ eventTimeSpanMs: DAY, eventTimeCurve: 'daily' })
  })

  it('says what to do with a span but no number of rows, an empty span or an unknown curve', () => {
    expect(() => parseDatagenOptions({ ...base, 'event-time.span': '1 d' })).toThrow(
      /'event-time.span' spreads 'number-of-rows' rows .* set 'number-of-rows' too/,
    )
    expect(() => parseDatagenOptions({ ...base, 'number-of-rows': '1', 'event-time.span': '0 s' })).toThrow(
      DatagenOptionError,
    )
    expect(() => parseDatagenOptions({ ...base, 'event-time.curve': 'weekly' })).toThrow(
      "option 'event-time.curve' must be one of flat, daily; got 'weekly'",
    )
    expect(() =>
      parseDatagenOptions({ connector: 'datagen', generator: 'nexmark', 'event-time.curve': 'daily' }),
    ).toThrow(/does not apply to generator 'nexmark'/)
  })
})
