import { DEFAULT_EVENTS_PER_SECOND, DEFAULT_START_TIME } from './event-time.ts'
import type { IndexedRows } from './generator.ts'
import {
  countOfKind,
  eventIdOfKind,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  kindOfEvent,
  lastBase0AuctionId,
  lastBase0PersonId,
  type NexmarkKind,
  nextBase0AuctionId,
  nextBase0PersonId,
  PROPORTIONS,
  TOTAL_PROPORTION,
} from './nexmark-ids.ts'
import { BidChannels, NexmarkText } from './nexmark-text.ts'
import { Rng, type StreamKey, streamKey } from './random.ts'
import { column, rowType, type Schema } from './schema.ts'

/**
 * The Nexmark benchmark's event stream (persons, auctions, bids), with the field sets, id spaces, hot
 * ratios and timing of the Flink Nexmark generator. Served two ways: one stream whose rows carry an
 * `event_type` and one ROW per kind (like Flink Nexmark's `datagen` table), and one table per kind
 * (`person`, `auction`, `bid`, like the views its queries read). Both derive every event from its event id,
 * so the per-kind tables are exactly the per-kind slices of the combined stream.
 */

export const PERSON_SCHEMA: Schema = [
  column('id', 'BIGINT'),
  column('name', 'STRING'),
  column('emailAddress', 'STRING'),
  column('creditCard', 'STRING'),
  column('city', 'STRING'),
  column('state', 'STRING'),
  column('dateTime', 'TIMESTAMP(3)'),
  column('extra', 'STRING'),
]

export const AUCTION_SCHEMA: Schema = [
  column('id', 'BIGINT'),
  column('itemName', 'STRING'),
  column('description', 'STRING'),
  column('initialBid', 'BIGINT'),
  column('reserve', 'BIGINT'),
  column('dateTime', 'TIMESTAMP(3)'),
  column('expires', 'TIMESTAMP(3)'),
  column('seller', 'BIGINT'),
  column('category', 'BIGINT'),
  column('extra', 'STRING'),
]

export const BID_SCHEMA: Schema = [
  column('auction', 'BIGINT'),
  column('bidder', 'BIGINT'),
  column('price', 'BIGINT'),
  column('channel', 'STRING'),
  column('url', 'STRING'),
  column('dateTime', 'TIMESTAMP(3)'),
  column('extra', 'STRING'),
]

export const NEXMARK_TABLE_SCHEMAS: Readonly<Record<NexmarkKind, Schema>> = {
  person: PERSON_SCHEMA,
  auction: AUCTION_SCHEMA,
  bid: BID_SCHEMA,
}

/** The `event_type` discriminator of the combined stream. */
export const NEXMARK_EVENT_TYPES: Readonly<Record<NexmarkKind, number>> = { person: 0, auction: 1, bid: 2 }

export const NEXMARK_EVENT_SCHEMA: Schema = [
  column('event_type', 'INT'),
  column('person', rowType(PERSON_SCHEMA), true),
  column('auction', rowType(AUCTION_SCHEMA), true),
  column('bid', rowType(BID_SCHEMA), true),
  column('dateTime', 'TIMESTAMP(3)'),
]

export interface NexmarkConfig {
  readonly seed: number
  /** Time of event 0; fixed by default so runs are reproducible. */
  readonly baseTime: number
  /** Event time advances 1 / eventsPerSecond per event. */
  readonly eventsPerSecond: number
  /** A bid goes to a hot auction with probability 1 - 1/hotAuctionRatio. */
  readonly hotAuctionRatio: number
  /** An auction has a hot seller with probability 1 - 1/hotSellersRatio. */
  readonly hotSellersRatio: number
  /** A bid has a hot bidder with probability 1 - 1/hotBiddersRatio. */
  readonly hotBiddersRatio: number
  /** Random sellers and bidders come from the most recent `activePeople` persons. */
  readonly activePeople: number
  /** Random bids go to the most recent `inFlightAuctions` auctions, which also sets auction lengths. */
  readonly inFlightAuctions: number
  /** Average idealized size of each kind of event, reached by padding `extra`. */
  readonly avgPersonByteSize: number
  readonly avgAuctionByteSize: number
  readonly avgBidByteSize: number
}

/** Flink Nexmark's defaults. */
export const DEFAULT_NEXMARK_CONFIG: NexmarkConfig = {
  seed: 0,
  baseTime: DEFAULT_START_TIME,
  eventsPerSecond: DEFAULT_EVENTS_PER_SECOND,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  activePeople: 1000,
  inFlightAuctions: 100,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
}

/** Hot auctions, sellers and bidders are taken from the latest group of this many ids. */
const HOT_ID_GROUP = 100
/** Few categories, so queries find results in small data sets. */
const CATEGORIES = 5
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']
const US_CITIES = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
]
const FIRST_NAMES = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
]
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris']
const FULL_NAMES = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`))
/** Bytes Nexmark counts for each long field when sizing `extra`. */
const LONG_BYTES = 8

/** Builds the event with a given id; each event draws from its own random stream. */
class NexmarkModel {
  readonly config: NexmarkConfig
  private readonly rng = new Rng()
  private readonly key: StreamKey
  private readonly text: NexmarkText
  private readonly channels: BidChannels
  private readonly interEventDelayUs: number
  /** Events until `inFlightAuctions` more auctions exist: the average auction runs that long. */
  private readonly eventsPerAuctionHorizon: number

  constructor(overrides: Partial<NexmarkConfig>) {
    const config = { ...DEFAULT_NEXMARK_CONFIG, ...overrides }
    if (!(config.eventsPerSecond > 0)) throw new RangeError('eventsPerSecond must be > 0')
    this.config = config
    this.key = streamKey(config.seed, 'nexmark')
    this.text = new NexmarkText(config.seed)
    this.channels = new BidChannels(config.seed)
    this.interEventDelayUs = 1_000_000 / config.eventsPerSecond
    this.eventsPerAuctionHorizon = Math.floor(
      (config.inFlightAuctions * TOTAL_PROPORTION) / PROPORTIONS.auction,
    )
  }

  timestampOf(eventId: number): number {
    return this.config.baseTime + Math.floor(Math.floor(eventId * this.interEventDelayUs) / 1000)
  }

  rowOf(kind: NexmarkKind, eventId: number): unknown[] {
    if (kind === 'person') return this.person(eventId)
    return kind === 'auction' ? this.auction(eventId) : this.bid(eventId)
  }

  private person(eventId: number): unknown[] {
    const { rng, text } = this
    rng.seedRow(this.key, eventId)
    const name = rng.pick(FULL_NAMES)
    const email = `${text.string(rng, 7)}@${text.string(rng, 5)}.com`
    const creditCard = [0, 1, 2, 3].map(() => String(rng.nextInt(10_000)).padStart(4, '0')).join(' ')
    const city = rng.pick(US_CITIES)
    const state = rng.pick(US_STATES)
    const size = LONG_BYTES + name.length + email.length + creditCard.length + city.length + state.length
    const extra = text.extra(rng, size, this.config.avgPersonByteSize)
    const id = lastBase0PersonId(eventId) + FIRST_PERSON_ID
    return [id, name, email, creditCard, city, state, this.timestampOf(eventId), extra]
  }

  private auction(eventId: number): unknown[] {
    const { rng, text, config } = this
    rng.seedRow(this.key, eventId)
    const dateTime = this.timestampOf(eventId)
    const seller =
      FIRST_PERSON_ID +
      (rng.nextInt(config.hotSellersRatio) > 0
        ? Math.floor(lastBase0PersonId(eventId) / HOT_ID_GROUP) * HOT_ID_GROUP
        : nextBase0PersonId(eventId, rng, config.activePeople))
    const category = FIRST_CATEGORY_ID + rng.nextInt(CATEGORIES)
    const initialBid = nextPrice(rng)
    const expires = dateTime + this.auctionLengthMs(eventId, dateTime)
    const itemName = text.string(rng, 20)
    const description = text.string(rng, 100)
    const reserve = initialBid + nextPrice(rng)
    const size = LONG_BYTES * 6 + itemName.length + description.length
    const extra = text.extra(rng, size, config.avgAuctionByteSize)
    const id = lastBase0AuctionId(eventId) + FIRST_AUCTION_ID
    return [id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra]
  }

  private bid(eventId: number): unknown[] {
    const { rng, config } = this
    rng.seedRow(this.key, eventId)
    const auction =
      FIRST_AUCTION_ID +
      (rng.nextInt(config.hotAuctionRatio) > 0
        ? Math.floor(lastBase0AuctionId(eventId) / HOT_ID_GROUP) * HOT_ID_GROUP
        : nextBase0AuctionId(eventId, rng, config.inFlightAuctions))
    // The second person of the group, so hot bidders and hot sellers differ.
    const bidder =
      FIRST_PERSON_ID +
      (rng.nextInt(config.hotBiddersRatio) > 0
        ? Math.floor(lastBase0PersonId(eventId) / HOT_ID_GROUP) * HOT_ID_GROUP + 1
        : nextBase0PersonId(eventId, rng, config.activePeople))
    const price = nextPrice(rng)
    const channel = this.channels.next(rng)
    const extra = this.text.extra(rng, LONG_BYTES * 4, config.avgBidByteSize)
    const { channels } = this
    return [
      auction,
      bidder,
      price,
      channels.nameOf(channel),
      channels.urlOf(channel),
      this.timestampOf(eventId),
      extra,
    ]
  }

  /** Uniform in [1, 2 × horizon]: on average an auction closes when `inFlightAuctions` newer ones exist. */
  private auctionLengthMs(eventId: number, dateTime: number): number {
    const horizonMs = this.timestampOf(eventId + this.eventsPerAuctionHorizon) - dateTime
    return 1 + this.rng.nextInt(Math.max(horizonMs * 2, 1))
  }
}

/** A price in cents, log-uniform between $1 and $1,000,000. */
function nextPrice(rng: Rng): number {
  return Math.round(10 ** (rng.nextDouble() * 6) * 100)
}

/** The combined stream: row i is event i. */
export class NexmarkEventRows implements IndexedRows {
  readonly schema = NEXMARK_EVENT_SCHEMA
  readonly size = Number.POSITIVE_INFINITY
  private readonly model: NexmarkModel

  constructor(config: Partial<NexmarkConfig> = {}) {
    this.model = new NexmarkModel(config)
  }

  rowAt(eventId: number): unknown[] {
    const kind = kindOfEvent(eventId)
    const event = this.model.rowOf(kind, eventId)
    const dateTime = this.model.timestampOf(eventId)
    if (kind === 'person') return [NEXMARK_EVENT_TYPES.person, event, null, null, dateTime]
    if (kind === 'auction') return [NEXMARK_EVENT_TYPES.auction, null, event, null, dateTime]
    return [NEXMARK_EVENT_TYPES.bid, null, null, event, dateTime]
  }
}

/** One kind's table: row i is the i-th event of that kind in the combined stream. */
export class NexmarkTableRows implements IndexedRows {
  readonly schema: Schema
  readonly size = Number.POSITIVE_INFINITY
  private readonly model: NexmarkModel

  constructor(
    readonly kind: NexmarkKind,
    config: Partial<NexmarkConfig> = {},
  ) {
    this.schema = NEXMARK_TABLE_SCHEMAS[kind]
    this.model = new NexmarkModel(config)
  }

  rowAt(index: number): unknown[] {
    return this.model.rowOf(this.kind, eventIdOfKind(this.kind, index))
  }

  /** Rows of this table among the first `eventCount` events of the combined stream. */
  rowsWithin(eventCount: number): number {
    return countOfKind(this.kind, eventCount)
  }
}
