import { beforeAll, describe, expect, it } from 'vitest'
import { LEAF_CATEGORIES } from './categories.ts'
import {
  CLICKSTREAM_EVENT_TYPES,
  CLICKSTREAM_SCHEMA,
  type ClickstreamConfig,
  ClickstreamRows,
} from './clickstream.ts'
import { DEFAULT_START_TIME } from './event-time.ts'
import { BatchGenerator } from './generator.ts'
import { DimProductRows } from './products.ts'
import { columnIndex } from './schema.ts'
import { UserTraits } from './users.ts'

const col = Object.fromEntries(CLICKSTREAM_SCHEMA.map((c, i) => [c.name, i])) as Record<string, number>

function rows(config: Partial<ClickstreamConfig>, count: number, start = 0): unknown[][] {
  return new BatchGenerator(new ClickstreamRows(config), { start }).nextBatch(count)
}

/** Streams `count` events through `visit` in batches, without keeping them. */
function scan(config: Partial<ClickstreamConfig>, count: number, visit: (row: unknown[]) => void): void {
  const generator = new BatchGenerator(new ClickstreamRows(config), { end: count })
  while (!generator.done) for (const row of generator.nextBatch(8192)) visit(row)
}

describe('clickstream determinism', () => {
  it('produces identical rows for the same seed and different rows for another', () => {
    const first = rows({ seed: 1 }, 2000)
    expect(rows({ seed: 1 }, 2000)).toEqual(first)
    const other = rows({ seed: 2 }, 2000)
    const sameUser = other.filter((row, i) => row[col.user_id!] === first[i]![col.user_id!]).length
    expect(sameUser).toBeLessThan(100)
  })

  it('does not depend on batching or on where the stream was resumed', () => {
    const whole = rows({ seed: 3, maxOutOfOrdernessMs: 2000 }, 3000)
    const generator = new BatchGenerator(new ClickstreamRows({ seed: 3, maxOutOfOrdernessMs: 2000 }))
    const pieces = [...generator.nextBatch(1), ...generator.nextBatch(999), ...generator.nextBatch(500)]
    const resumed = new BatchGenerator(new ClickstreamRows({ seed: 3, maxOutOfOrdernessMs: 2000 }))
    resumed.seek(generator.position)
    expect([...pieces, ...resumed.nextBatch(1500)]).toEqual(whole)
  })
})

describe('clickstream over a million events', () => {
  const events = 1_000_000
  const users = 1_000_000
  const typeCounts = new Map<string, number>()
  const eventsPerUser = new Int32Array(users + 1)
  let previousEventId = 0
  let idsIncrease = true

  beforeAll(() => {
    scan({ seed: 11, users }, events, (row) => {
      const type = row[col.event_type!] as string
      typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1)
      eventsPerUser[row[col.user_id!] as number]!++
      const eventId = row[col.event_id!] as number
      idsIncrease &&= eventId === previousEventId + 1
      previousEventId = eventId
    })
  })

  it('mixes event types in the default 70/20/6/4 proportions', () => {
    const expected = { pageview: 0.7, click: 0.2, cart: 0.06, order: 0.04 }
    for (const type of CLICKSTREAM_EVENT_TYPES) {
      expect(Math.abs(typeCounts.get(type)! / events - expected[type])).toBeLessThan(0.002)
    }
  })

  it('numbers events 1, 2, 3, … so ids are unique and increasing', () => {
    expect(idsIncrease).toBe(true)
    expect(previousEventId).toBe(events)
  })

  it('skews activity: the top 1% of users produce over 30% of events', () => {
    const sorted = Array.from(eventsPerUser).sort((a, b) => b - a)
    const top = sorted.slice(0, users / 100).reduce((a, b) => a + b, 0)
    expect(top / events).toBeGreaterThan(0.3)
    expect(sorted[0]! / events).toBeLessThan(0.05)
  })
})

describe('clickstream event time', () => {
  it.each(['uniform', 'exponential'] as const)(
    'lags the stream by at most max-out-of-orderness (%s), reaching close to it',
    (lateness) => {
      const bound = 3000
      let maxSeen = Number.NEGATIVE_INFINITY
      let worstLag = 0
      let lagTotal = 0
      let lagged = 0
      let previousIngest = 0
      let ingestDecreased = false
      let minShift = Number.POSITIVE_INFINITY
      let maxShift = 0
      const startTime = DEFAULT_START_TIME
      const count = 200_000
      scan({ seed: 5, maxOutOfOrdernessMs: bound, lateness, eventsPerSecond: 5000 }, count, (row) => {
        const eventTime = row[col.event_time!] as number
        const ingestTime = row[col.ingest_time!] as number
        ingestDecreased ||= ingestTime < previousIngest
        previousIngest = ingestTime
        minShift = Math.min(minShift, ingestTime - eventTime)
        maxShift = Math.max(maxShift, ingestTime - eventTime)
        maxSeen = Math.max(maxSeen, eventTime)
        worstLag = Math.max(worstLag, maxSeen - eventTime)
        // The first `bound` ms are clamped to the start time, which would shorten their lag.
        if (ingestTime >= startTime + bound) {
          lagTotal += ingestTime - eventTime
          lagged++
        }
      })
      expect(ingestDecreased).toBe(false)
      expect(minShift).toBe(0)
      expect(maxShift).toBeLessThanOrEqual(bound)
      expect(worstLag).toBeLessThanOrEqual(bound)
      expect(worstLag).toBeGreaterThan(bound * 0.95)
      // Uniform over 0..bound; or exponential with mean bound/4 truncated at bound, floored to whole ms.
      const truncatedExponentialMean = bound * (0.25 - Math.exp(-4) / (1 - Math.exp(-4))) - 0.5
      expect(lagTotal / lagged).toBeCloseTo(lateness === 'uniform' ? bound / 2 : truncatedExponentialMean, -1)
    },
  )

  it('advances ingest time by 1000 / rate ms per event from the start time', () => {
    const startTime = Date.UTC(2025, 5, 18)
    const sample = rows({ startTime, eventsPerSecond: 4 }, 9)
    expect(sample.map((row) => row[col.ingest_time!])).toEqual(
      [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000].map((ms) => startTime + ms),
    )
    expect(sample.every((row) => row[col.event_time!] === row[col.ingest_time!])).toBe(true)
  })

  it('never dates an event before the start time', () => {
    const startTime = Date.UTC(2025, 0, 1)
    const eventTimes = rows({ startTime, maxOutOfOrdernessMs: 60_000 }, 5000).map(
      (row) => row[col.event_time!],
    )
    expect(Math.min(...(eventTimes as number[]))).toBe(startTime)
  })
})

describe('clickstream fields', () => {
  const sample = rows({ seed: 9, users: 50_000, products: 20_000 }, 50_000)

  it('prices only carts and orders, in yuan with at most two decimals', () => {
    const misfits = sample.filter((row) => {
      const price = row[col.price!]
      const quantity = row[col.quantity!]
      if (row[col.event_type!] !== 'cart' && row[col.event_type!] !== 'order') {
        return price !== null || quantity !== null
      }
      const twoDecimals = typeof price === 'number' && price > 0 && Math.round(price * 100) / 100 === price
      return !twoDecimals || ![1, 2, 3, 4, 5].includes(quantity as number)
    })
    expect(misfits).toEqual([])
    expect(sample.filter((row) => row[col.price!] !== null).length).toBeGreaterThan(sample.length * 0.08)
  })

  it('agrees with dim_product on every product category', () => {
    const products = new BatchGenerator(new DimProductRows({ seed: 9, products: 20_000 })).nextBatch(20_000)
    const paths = new Map(LEAF_CATEGORIES.map((c) => [c.id, c.path]))
    const misfits = sample.filter((row) => {
      const product = products[(row[col.product_id!] as number) - 1]!
      return row[col.category_id!] !== product[1] || row[col.category!] !== paths.get(product[1] as number)
    })
    expect(misfits).toEqual([])
  })

  it('gives each user one audience', () => {
    const traits = new UserTraits(9)
    const misfits = sample.filter(
      (row) => row[col.audience!] !== traits.audienceOf(row[col.user_id!] as number),
    )
    expect(misfits).toEqual([])
  })

  it('gives each user one session per half hour of the stream', () => {
    const slow = rows({ users: 1000, eventsPerSecond: 1 }, 4000)
    const sessionUsers = new Map<unknown, unknown>()
    for (const [i, row] of slow.entries()) {
      const slot = Math.floor(i / 1800)
      expect(row[col.session_id!]).toBe(slot * 1000 + (row[col.user_id!] as number))
      expect(sessionUsers.get(row[col.session_id!]) ?? row[col.user_id!]).toBe(row[col.user_id!])
      sessionUsers.set(row[col.session_id!], row[col.user_id!])
    }
  })

  it('puts the product id in the URL of every event', () => {
    for (const row of sample.slice(0, 1000)) {
      expect(row[col.url!] as string).toMatch(new RegExp(`[=]${row[col.product_id!]}$`))
    }
  })

  it('follows a configured event mix, leaving out types with weight 0', () => {
    const types = new Set(
      rows({ eventMix: { pageview: 1, click: 0, cart: 0, order: 1 } }, 2000).map((r) => r[1]),
    )
    expect([...types].sort()).toEqual(['order', 'pageview'])
  })

  it('keeps the schema order for lookups by name', () => {
    expect(columnIndex(CLICKSTREAM_SCHEMA, 'user_id')).toBe(2)
    expect(() => columnIndex(CLICKSTREAM_SCHEMA, 'nope')).toThrow(/no column 'nope'/)
  })
})
