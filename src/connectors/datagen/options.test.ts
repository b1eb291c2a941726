import { describe, expect, it } from 'vitest'
import { DEFAULT_START_TIME } from './event-time.ts'
import { DatagenOptionError, parseDatagenOptions, parseDuration, parseTimestamp } from './options.ts'

const base = { connector: 'datagen', generator: 'clickstream' }

function errorOf(raw: Record<string, string>): string {
  try {
    parseDatagenOptions(raw)
  } catch (error) {
    if (error instanceof DatagenOptionError) return error.message
    throw error
  }
  throw new Error('expected a DatagenOptionError')
}

describe('parseDatagenOptions', () => {
  it('fills defaults: unbounded, unthrottled, in order, fixed start time', () => {
    expect(parseDatagenOptions(base)).toMatchObject({
      generator: 'clickstream',
      seed: 0,
      rowsPerSecond: undefined,
      numberOfRows: undefined,
      startTime: DEFAULT_START_TIME,
      maxOutOfOrdernessMs: 0,
      lateness: 'uniform',
      users: 1_000_000,
      eventMix: { pageview: 70, click: 20, cart: 6, order: 4 },
    })
  })

  it('reads every option of its generator', () => {
    expect(
      parseDatagenOptions({
        ...base,
        seed: '-7',
        'rows-per-second': '2500.5',
        'number-of-rows': '1000',
        'start-time': '2024-06-18 12:00:00',
        'max-out-of-orderness': '5 s',
        'out-of-orderness.distribution': 'exponential',
        users: '5000',
        products: '300',
        'event-mix': 'pageview:1, order:1',
      }),
    ).toMatchObject({
      seed: -7,
      rowsPerSecond: 2500.5,
      numberOfRows: 1000,
      startTime: Date.UTC(2024, 5, 18, 12),
      maxOutOfOrdernessMs: 5000,
      lateness: 'exponential',
      users: 5000,
      products: 300,
      eventMix: { pageview: 1, click: 0, cart: 0, order: 1 },
    })
    expect(
      parseDatagenOptions({ connector: 'datagen', generator: 'nexmark', 'nexmark.table': 'bid' }),
    ).toMatchObject({
      nexmarkTable: 'bid',
    })
    expect(
      parseDatagenOptions({
        connector: 'datagen',
        generator: 'dim_user',
        'dimension.version': '3',
        'dimension.changed-fraction': '0.2',
      }),
    ).toMatchObject({ dimensionVersion: 3, changedFraction: 0.2 })
  })

  it('names an unknown option and lists the valid ones', () => {
    const message = errorOf({ ...base, 'rows-per-sec': '10' })
    expect(message).toContain("unknown datagen option 'rows-per-sec'")
    expect(message).toContain('rows-per-second')
    expect(message).toContain('nexmark.table')
  })

  it('requires the datagen connector and a known generator', () => {
    expect(errorOf({ generator: 'clickstream' })).toBe("option 'connector' must be 'datagen', got nothing")
    expect(errorOf({ connector: 'kafka', generator: 'clickstream' })).toContain("got 'kafka'")
    expect(errorOf({ connector: 'datagen' })).toContain("option 'generator' is required")
    expect(errorOf({ connector: 'datagen', generator: 'tpch' })).toBe(
      "option 'generator' must be one of clickstream, nexmark, dim_user, dim_product; got 'tpch'",
    )
  })

  it('rejects options that do not apply to the generator', () => {
    expect(errorOf({ ...base, 'nexmark.table': 'bid' })).toBe(
      "option 'nexmark.table' does not apply to generator 'clickstream' (only to: nexmark)",
    )
    expect(errorOf({ connector: 'datagen', generator: 'dim_product', users: '5' })).toContain(
      "option 'users' does not apply to generator 'dim_product'",
    )
  })

  it.each([
    ['seed', '1.5', 'must be an integer'],
    ['seed', '99999999999999999999', 'must be an integer'],
    ['rows-per-second', '0', 'must be a positive number'],
    ['rows-per-second', 'fast', 'must be a positive number'],
    ['number-of-rows', '-1', 'must be >= 0'],
    ['users', '0', 'must be in 1..2^31'],
    ['max-out-of-orderness', '5 fortnights', "must be a duration such as '5 s'"],
    ['start-time', 'yesterday', 'must be epoch milliseconds'],
    ['out-of-orderness.distribution', 'normal', 'must be one of uniform, exponential'],
    ['event-mix', 'pageview:70,refund:5', "must look like 'pageview:70"],
    ['event-mix', 'pageview:0', 'needs a positive weight'],
  ])("rejects %s = '%s'", (name, value, message) => {
    const error = errorOf({ ...base, [name]: value })
    expect(error).toContain(`option '${name}'`)
    expect(error).toContain(message)
  })

  it('rejects a changed fraction outside [0, 1]', () => {
    expect(
      errorOf({ connector: 'datagen', generator: 'dim_user', 'dimension.changed-fraction': '1.5' }),
    ).toContain('must be in [0, 1]')
  })
})

describe('option values', () => {
  it.each([
    ['250', 250],
    ['250 ms', 250],
    ['5 s', 5000],
    ['5s', 5000],
    ['2 min', 120_000],
    ['1 h', 3_600_000],
    ['1 d', 86_400_000],
  ])("reads the duration '%s' as %i ms", (text, millis) => {
    expect(parseDuration('d', text)).toBe(millis)
  })

  it.each([
    ['1718712000000', 1718712000000],
    ['2024-06-18', Date.UTC(2024, 5, 18)],
    ['2024-06-18 12:30', Date.UTC(2024, 5, 18, 12, 30)],
    ['2024-06-18T12:30:05.250', Date.UTC(2024, 5, 18, 12, 30, 5, 250)],
    ['2024-06-18T12:30:05Z', Date.UTC(2024, 5, 18, 12, 30, 5)],
    ['2024-06-18 12:30:05+08:00', Date.UTC(2024, 5, 18, 4, 30, 5)],
  ])("reads the start time '%s' (UTC unless zoned)", (text, millis) => {
    expect(parseTimestamp('t', text)).toBe(millis)
  })
})
