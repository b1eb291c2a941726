import { describe, expect, it } from 'vitest'
import { BatchGenerator } from './generator.ts'
import { NEXMARK_EVENT_TYPES, type NexmarkConfig, NexmarkEventRows, NexmarkTableRows } from './nexmark.ts'
import {
  AUCTION_ID_LEAD,
  countOfKind,
  eventIdOfKind,
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  kindOfEvent,
  lastBase0AuctionId,
  lastBase0PersonId,
  NEXMARK_KINDS,
  PERSON_ID_LEAD,
} from './nexmark-ids.ts'

const EVENTS = 100_000
const BASE_TIME = Date.UTC(2024, 0, 1)

function events(count: number, config: Partial<NexmarkConfig> = {}): unknown[][] {
  return new BatchGenerator(new NexmarkEventRows(config), { end: count }).nextBatch(count)
}

const stream = events(EVENTS, { seed: 1 })
const persons = stream.filter((e) => e[0] === NEXMARK_EVENT_TYPES.person).map((e) => e[1] as unknown[])
const auctions = stream.filter((e) => e[0] === NEXMARK_EVENT_TYPES.auction).map((e) => e[2] as unknown[])
const bids = stream.filter((e) => e[0] === NEXMARK_EVENT_TYPES.bid).map((e) => e[3] as unknown[])

describe('Nexmark event mix', () => {
  it('has exactly 1 person, then 3 auctions, then 46 bids in every 50 events', () => {
    const epoch = [0, 1, 1, 1, ...new Array<number>(46).fill(2)]
    for (let start = 0; start < EVENTS; start += 50) {
      expect(stream.slice(start, start + 50).map((e) => e[0])).toEqual(epoch)
    }
    expect([persons.length, auctions.length, bids.length]).toEqual([2000, 6000, 92_000])
  })

  it('fills only the ROW of the event type and repeats its time outside', () => {
    for (const event of stream.slice(0, 500)) {
      const type = event[0] as number
      const rows = [event[1], event[2], event[3]]
      expect(rows.map((row) => row !== null)).toEqual([0, 1, 2].map((t) => t === type))
      const nestedDateTime = [6, 5, 5][type]!
      expect(event[4]).toBe((rows[type] as unknown[])[nestedDateTime])
    }
  })

  it('numbers persons and auctions consecutively from 1000', () => {
    expect(persons.map((p) => p[0])).toEqual(Array.from({ length: 2000 }, (_, i) => FIRST_PERSON_ID + i))
    expect(auctions.map((a) => a[0])).toEqual(Array.from({ length: 6000 }, (_, i) => FIRST_AUCTION_ID + i))
  })
})

describe('Nexmark references', () => {
  /** Largest person and auction id created before each event. */
  function createdBefore(): { person: number; auction: number }[] {
    let person = -1
    let auction = -1
    return stream.map((event) => {
      const created = { person, auction }
      if (event[0] === NEXMARK_EVENT_TYPES.person) person = (event[1] as unknown[])[0] as number
      if (event[0] === NEXMARK_EVENT_TYPES.auction) auction = (event[2] as unknown[])[0] as number
      return created
    })
  }

  it('bids on auctions and by persons at most the Nexmark lead ahead of the newest ones', () => {
    const created = createdBefore()
    let existingAuction = 0
    let existingBidder = 0
    const outOfRange = stream.filter((event, i) => {
      if (event[0] !== NEXMARK_EVENT_TYPES.bid) return false
      const [auction, bidder] = event[3] as number[]
      if (auction! <= created[i]!.auction) existingAuction++
      if (bidder! <= created[i]!.person) existingBidder++
      return (
        auction! < FIRST_AUCTION_ID ||
        auction! > created[i]!.auction + AUCTION_ID_LEAD ||
        bidder! < FIRST_PERSON_ID ||
        bidder! > created[i]!.person + PERSON_ID_LEAD
      )
    })
    expect(outOfRange).toEqual([])
    expect(existingAuction / bids.length).toBeGreaterThan(0.95)
    expect(existingBidder / bids.length).toBeGreaterThan(0.98)
  })

  it('refers only to auctions and persons the stream creates', () => {
    const personIds = new Set(persons.map((p) => p[0]))
    const auctionIds = new Set(auctions.map((a) => a[0]))
    // Leave out the tail, whose lead may point past the end of the stream.
    const settled = bids.slice(0, bids.length - 1000)
    expect(settled.filter((b) => !auctionIds.has(b[0]) || !personIds.has(b[1]))).toEqual([])
    expect(auctions.filter((a) => !personIds.has(a[7])).length).toBeLessThan(10)
  })

  it('sends bids to hot auctions and from hot bidders at the configured ratios', () => {
    const hotAuction = bids.filter((b, i) => {
      const eventId = eventIdOfKind('bid', i)
      return b[0] === FIRST_AUCTION_ID + Math.floor(lastBase0AuctionId(eventId) / 100) * 100
    })
    const hotBidder = bids.filter((b, i) => {
      const eventId = eventIdOfKind('bid', i)
      return b[1] === FIRST_PERSON_ID + Math.floor(lastBase0PersonId(eventId) / 100) * 100 + 1
    })
    // 1 - 1/2 and 1 - 1/4, plus the few random picks that happen to land on the hot id.
    expect(hotAuction.length / bids.length).toBeCloseTo(0.505, 2)
    expect(hotBidder.length / bids.length).toBeCloseTo(0.75, 2)
  })
})

describe('Nexmark fields', () => {
  it('dates event i at base time + i / rate', () => {
    const sample = events(2000, { baseTime: BASE_TIME, eventsPerSecond: 1000 })
    expect(sample.map((e) => e[4])).toEqual(sample.map((_, i) => BASE_TIME + i))
  })

  it('pads each kind of event to its average byte size with extra', () => {
    const meanLength = (rows: unknown[][], column: number) =>
      rows.reduce((sum, row) => sum + (row[column] as string).length, 0) / rows.length
    expect(meanLength(bids, 6)).toBeCloseTo(100 - 32, 0)
    const personSize = persons.map(
      (p) => 8 + [1, 2, 3, 4, 5, 7].reduce((s, c) => s + (p[c] as string).length, 0),
    )
    expect(personSize.reduce((a, b) => a + b) / persons.length).toBeCloseTo(200, -1)
  })

  it('keeps auction fields in range', () => {
    const misfits = auctions.filter((auction) => {
      const [, itemName, description, initialBid, reserve, dateTime, expires, , category] = auction as [
        number,
        string,
        string,
        number,
        number,
        number,
        number,
        number,
        number,
      ]
      return (
        itemName.length >= 20 ||
        description.length >= 100 ||
        !Number.isInteger(initialBid) ||
        initialBid < 100 ||
        reserve < initialBid ||
        expires <= dateTime ||
        category < 10 ||
        category > 14
      )
    })
    expect(misfits).toEqual([])
  })

  it('draws half the bids from four hot channels and tags most numbered channels in the URL', () => {
    const hot = bids.filter((b) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b[3] as string))
    expect(hot.length / bids.length).toBeCloseTo(0.5, 1)
    const numbered = bids.filter((b) => /^channel-\d+$/.test(b[3] as string))
    expect(numbered.length + hot.length).toBe(bids.length)
    const tagged = numbered.filter((b) => (b[4] as string).includes('&channel_id='))
    expect(tagged.length / numbered.length).toBeCloseTo(0.9, 1)
    for (const b of bids.slice(0, 200))
      expect(b[4]).toMatch(/^https:\/\/www\.nexmark\.com\/[a-z_]+\/[a-z_]+\/[a-z_]+\//)
  })

  it('is deterministic per seed', () => {
    expect(events(3000, { seed: 1 })).toEqual(stream.slice(0, 3000))
    const other = events(3000, { seed: 2 })
    expect(
      other.filter((e, i) => e[0] === 2 && (e[3] as unknown[])[2] === (stream[i]![3] as unknown[])[2]).length,
    ).toBeLessThan(30)
  })
})

describe('Nexmark per-kind tables', () => {
  it.each(NEXMARK_KINDS)('serves the %s slice of the combined stream', (kind) => {
    const table = new NexmarkTableRows(kind, { seed: 1 })
    const expected = { person: persons, auction: auctions, bid: bids }[kind]
    const generator = new BatchGenerator(table, { end: table.rowsWithin(EVENTS) })
    expect(generator.nextBatch(EVENTS)).toEqual(expected)
  })

  it('maps row indexes to event ids and counts rows per kind', () => {
    for (let eventId = 0; eventId < 500; eventId++) {
      const kind = kindOfEvent(eventId)
      const index = countOfKind(kind, eventId)
      expect(eventIdOfKind(kind, index)).toBe(eventId)
    }
    expect(NEXMARK_KINDS.map((k) => countOfKind(k, 53))).toEqual([2, 5, 46])
    expect(countOfKind('bid', Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
  })
})
