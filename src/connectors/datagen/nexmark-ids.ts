import type { Rng } from './random.ts'

/**
 * Id arithmetic of the Nexmark generator (as in the Beam and Flink Nexmark generators). Events come in
 * epochs of 50: 1 person, then 3 auctions, then 46 bids, so an event id alone says what kind of event it
 * is and how many persons and auctions exist before it, which lets bids name earlier auctions and persons
 * without any state.
 */

export const NEXMARK_KINDS = ['person', 'auction', 'bid'] as const
export type NexmarkKind = (typeof NEXMARK_KINDS)[number]

/** Events of each kind per epoch, in the order they occur within it. */
export const PROPORTIONS: Readonly<Record<NexmarkKind, number>> = { person: 1, auction: 3, bid: 46 }
export const TOTAL_PROPORTION = PROPORTIONS.person + PROPORTIONS.auction + PROPORTIONS.bid
/** Offset of each kind's first event within an epoch. */
const EPOCH_OFFSET: Readonly<Record<NexmarkKind, number>> = {
  person: 0,
  auction: PROPORTIONS.person,
  bid: PROPORTIONS.person + PROPORTIONS.auction,
}

/** Ids start here so queries find matches even in small data sets. */
export const FIRST_PERSON_ID = 1000
export const FIRST_AUCTION_ID = 1000
export const FIRST_CATEGORY_ID = 10

/**
 * How many ids beyond the last one created a random reference may name: such references look like events
 * that arrived out of order, as they would in a distributed system.
 */
export const PERSON_ID_LEAD = 10
export const AUCTION_ID_LEAD = 10

export function kindOfEvent(eventId: number): NexmarkKind {
  const offset = eventId % TOTAL_PROPORTION
  if (offset < EPOCH_OFFSET.auction) return 'person'
  return offset < EPOCH_OFFSET.bid ? 'auction' : 'bid'
}

/** The event id of the `index`-th (0-based) event of `kind`. */
export function eventIdOfKind(kind: NexmarkKind, index: number): number {
  const perEpoch = PROPORTIONS[kind]
  const epoch = Math.floor(index / perEpoch)
  return epoch * TOTAL_PROPORTION + EPOCH_OFFSET[kind] + (index - epoch * perEpoch)
}

/** How many events of `kind` the first `eventCount` events hold. */
export function countOfKind(kind: NexmarkKind, eventCount: number): number {
  if (eventCount === Number.POSITIVE_INFINITY) return eventCount
  const epochs = Math.floor(eventCount / TOTAL_PROPORTION)
  const rest = eventCount - epochs * TOTAL_PROPORTION
  const inLastEpoch = Math.min(PROPORTIONS[kind], Math.max(0, rest - EPOCH_OFFSET[kind]))
  return epochs * PROPORTIONS[kind] + inLastEpoch
}

/** The last person id (base 0) created at or before `eventId`; the current one if it is a person. */
export function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / TOTAL_PROPORTION)
  const offset = Math.min(eventId - epoch * TOTAL_PROPORTION, PROPORTIONS.person - 1)
  return epoch * PROPORTIONS.person + offset
}

/**
 * The last auction id (base 0) created at or before `eventId`; the current one if it is an auction. Before
 * the first auction this is -1.
 */
export function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / TOTAL_PROPORTION)
  let offset = eventId - epoch * TOTAL_PROPORTION
  if (offset < EPOCH_OFFSET.auction) {
    // A person: the last auction is the final one of the previous epoch.
    epoch--
    offset = PROPORTIONS.auction - 1
  } else if (offset >= EPOCH_OFFSET.bid) {
    offset = PROPORTIONS.auction - 1
  } else {
    offset -= EPOCH_OFFSET.auction
  }
  return epoch * PROPORTIONS.auction + offset
}

/**
 * A random person among the most recent `activePeople` (plus the lead), so the density of bids and
 * auctions per person stays level however long the stream runs.
 */
export function nextBase0PersonId(eventId: number, rng: Rng, activePeople: number): number {
  const people = lastBase0PersonId(eventId) + 1
  const active = Math.min(people, activePeople)
  return people - active + rng.nextInt(active + PERSON_ID_LEAD)
}

/** A random auction among those likely still open (the last `inFlightAuctions`, plus the lead). */
export function nextBase0AuctionId(eventId: number, rng: Rng, inFlightAuctions: number): number {
  const maxAuction = lastBase0AuctionId(eventId)
  const minAuction = Math.max(maxAuction - inFlightAuctions, 0)
  return minAuction + rng.nextInt(maxAuction - minAuction + 1 + AUCTION_ID_LEAD)
}
