import { LEAF_CATEGORIES } from './categories.ts'
import {
  DEFAULT_EVENTS_PER_SECOND,
  DEFAULT_START_TIME,
  EventClock,
  type EventTimeConfig,
} from './event-time.ts'
import type { IndexedRows } from './generator.ts'
import { ProductCatalog } from './products.ts'
import { Rng, type StreamKey, streamKey, WeightedPicker } from './random.ts'
import { column, type Schema } from './schema.ts'
import { UserTraits } from './users.ts'
import { SkewedIds } from './zipf.ts'

/**
 * The e-commerce clickstream behind the Dataeye dashboard: page views, clicks, add-to-carts and orders
 * by Zipf-skewed users on Zipf-skewed products, over the dashboard's dimensions (site, platform, channel,
 * category, audience, activity).
 */
export const CLICKSTREAM_SCHEMA: Schema = [
  column('event_id', 'BIGINT'),
  column('event_type', 'STRING'),
  column('user_id', 'BIGINT'),
  column('session_id', 'BIGINT'),
  column('site', 'STRING'),
  column('platform', 'STRING'),
  column('channel', 'STRING'),
  column('category_id', 'INT'),
  column('category', 'STRING'),
  column('product_id', 'BIGINT'),
  column('activity', 'STRING', true),
  column('audience', 'STRING'),
  column('url', 'STRING'),
  column('price', 'DOUBLE', true),
  column('quantity', 'INT', true),
  column('event_time', 'TIMESTAMP(3)'),
  column('ingest_time', 'TIMESTAMP(3)'),
]

export const CLICKSTREAM_EVENT_TYPES = ['pageview', 'click', 'cart', 'order'] as const
export type ClickstreamEventType = (typeof CLICKSTREAM_EVENT_TYPES)[number]
/** Relative weights of the event types; they need not sum to 100. */
export type EventMix = Readonly<Record<ClickstreamEventType, number>>

export interface ClickstreamConfig extends EventTimeConfig {
  readonly seed: number
  /** User ids are 1..users, matching dim_user. */
  readonly users: number
  /** Product ids are 1..products, matching dim_product. */
  readonly products: number
  /** Zipf exponent of user activity: 0.8 gives the top 1% of a million users about 37% of events. */
  readonly userSkew: number
  /** Zipf exponent of product popularity. */
  readonly productSkew: number
  readonly eventMix: EventMix
}

export const DEFAULT_CLICKSTREAM_CONFIG: ClickstreamConfig = {
  seed: 0,
  users: 1_000_000,
  products: 100_000,
  userSkew: 0.8,
  productSkew: 1,
  eventMix: { pageview: 70, click: 20, cart: 6, order: 4 },
  startTime: DEFAULT_START_TIME,
  eventsPerSecond: DEFAULT_EVENTS_PER_SECOND,
  maxOutOfOrdernessMs: 0,
  lateness: 'uniform',
}

/** Events of one user within one 30-minute slot share a session. */
const SESSION_MS = 30 * 60_000
/** Share of events that happen inside a marketing campaign. */
const CAMPAIGN_SHARE = 0.4
/** Campaign prices are the list price less a discount of about 15% ± 5%. */
const CAMPAIGN_PRICE_FACTOR = 0.85
const CAMPAIGN_PRICE_JITTER = 0.05

const SITES = ['vip.com', 'm.vip.com', 'app'] as const
type Site = (typeof SITES)[number]
const SITE_URL_BASES: Readonly<Record<Site, string>> = {
  'vip.com': 'https://www.vip.com',
  'm.vip.com': 'https://m.vip.com',
  app: 'vipshop://app',
}
/** Platforms with their share of traffic and the sites they reach: apps also open the mobile site. */
const PLATFORMS: readonly { name: string; weight: number; sites: Partial<Record<Site, number>> }[] = [
  { name: 'android', weight: 40, sites: { app: 85, 'm.vip.com': 15 } },
  { name: 'ios', weight: 30, sites: { app: 85, 'm.vip.com': 15 } },
  { name: 'pc', weight: 12, sites: { 'vip.com': 1 } },
  { name: 'h5', weight: 10, sites: { 'm.vip.com': 1 } },
  { name: 'mini-program', weight: 8, sites: { 'm.vip.com': 1 } },
]
/** Each event type's URL path; the product id ends the URL, so building one is a single concatenation. */
const URL_PATHS: Readonly<Record<ClickstreamEventType, string>> = {
  pageview: '/product.html?id=',
  click: '/product.html?action=add-to-cart&id=',
  cart: '/cart/add?product=',
  order: '/checkout?product=',
}
const CHANNELS: readonly [string, number][] = [
  ['organic', 35],
  ['search', 20],
  ['ads', 15],
  ['social', 12],
  ['push', 8],
  ['affiliate', 6],
  ['email', 4],
]
const CAMPAIGNS = [
  'flash-sale',
  'brand-day',
  'new-season',
  'member-day',
  'clearance',
  'festival-618',
  'double-11',
  'double-12',
  'spring-festival',
  'beauty-week',
  'kids-week',
  'home-week',
]
const QUANTITIES: readonly [number, number][] = [
  [1, 70],
  [2, 18],
  [3, 7],
  [4, 3],
  [5, 2],
]
/** Types from cart on (cart, order) carry a price and quantity. */
const FIRST_PRICED_TYPE = CLICKSTREAM_EVENT_TYPES.indexOf('cart')

/** The clickstream as an endless table: row i is event i + 1. */
export class ClickstreamRows implements IndexedRows {
  readonly schema = CLICKSTREAM_SCHEMA
  readonly size = Number.POSITIVE_INFINITY
  readonly config: ClickstreamConfig
  private readonly rng = new Rng()
  private readonly key: StreamKey
  private readonly clock: EventClock
  private readonly catalog: ProductCatalog
  private readonly traits: UserTraits
  private readonly userIds: SkewedIds
  private readonly productIds: SkewedIds
  private readonly eventTypes: WeightedPicker<ClickstreamEventType>
  private readonly platforms = new WeightedPicker(PLATFORMS.map((p) => [p.name, p.weight] as const))
  private readonly sitesByPlatform = PLATFORMS.map(
    (p) => new WeightedPicker(SITES.map((site) => [site, p.sites[site] ?? 0] as const)),
  )
  private readonly channels = new WeightedPicker(CHANNELS)
  private readonly campaigns = new WeightedPicker(CAMPAIGNS.map((c, i) => [c, 1 / (i + 1)] as const))
  private readonly quantities = new WeightedPicker(QUANTITIES)
  /** URL text before the product id, indexed by [site index][event type index]. */
  private readonly urlPrefixes = SITES.map((site) =>
    CLICKSTREAM_EVENT_TYPES.map((t) => SITE_URL_BASES[site] + URL_PATHS[t]),
  )

  constructor(overrides: Partial<ClickstreamConfig> = {}) {
    const config = { ...DEFAULT_CLICKSTREAM_CONFIG, ...overrides }
    this.config = config
    this.key = streamKey(config.seed, 'clickstream')
    this.clock = new EventClock(config)
    this.catalog = new ProductCatalog(config.seed, config.products)
    this.traits = new UserTraits(config.seed)
    this.userIds = new SkewedIds(config.users, config.userSkew, streamKey(config.seed, 'clickstream.users'))
    this.productIds = new SkewedIds(
      config.products,
      config.productSkew,
      streamKey(config.seed, 'clickstream.products'),
    )
    this.eventTypes = new WeightedPicker(CLICKSTREAM_EVENT_TYPES.map((t) => [t, config.eventMix[t]] as const))
  }

  rowAt(index: number): unknown[] {
    const rng = this.rng
    rng.seedRow(this.key, index)
    const typeIndex = this.eventTypes.pickIndex(rng)
    const userId = this.userIds.next(rng)
    const productId = this.productIds.next(rng)
    const platformIndex = this.platforms.pickIndex(rng)
    const siteIndex = this.sitesByPlatform[platformIndex]!.pickIndex(rng)
    const channel = this.channels.pick(rng)
    const activity = rng.chance(CAMPAIGN_SHARE) ? this.campaigns.pick(rng) : null
    const ingestTime = this.clock.ingestTime(index)
    const eventTime = this.clock.eventTime(ingestTime, rng)
    let price: number | null = null
    let quantity: number | null = null
    if (typeIndex >= FIRST_PRICED_TYPE) {
      quantity = this.quantities.pick(rng)
      price = this.priceOf(productId, activity !== null, rng)
    }
    const leaf = LEAF_CATEGORIES[this.catalog.leafIndexOf(productId)]!
    const sessionSlot = Math.floor((ingestTime - this.config.startTime) / SESSION_MS)
    return [
      index + 1,
      this.eventTypes.values[typeIndex],
      userId,
      sessionSlot * this.config.users + userId,
      SITES[siteIndex],
      this.platforms.values[platformIndex],
      channel,
      leaf.id,
      leaf.path,
      productId,
      activity,
      this.traits.audienceOf(userId),
      this.urlPrefixes[siteIndex]![typeIndex]! + productId,
      price,
      quantity,
      eventTime,
      ingestTime,
    ]
  }

  /** Unit price in yuan with two decimals: the list price, discounted inside campaigns. */
  private priceOf(productId: number, inCampaign: boolean, rng: Rng): number {
    const listCents = this.catalog.listPriceCentsOf(productId)
    if (!inCampaign) return listCents / 100
    const factor = Math.min(1, Math.max(0.5, CAMPAIGN_PRICE_FACTOR + rng.nextJitter(CAMPAIGN_PRICE_JITTER)))
    return Math.round(listCents * factor) / 100
  }
}
