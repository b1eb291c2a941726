import {
  CLICKSTREAM_EVENT_TYPES,
  type ClickstreamEventType,
  DEFAULT_CLICKSTREAM_CONFIG,
  type EventMix,
} from './clickstream.ts'
import { EVENT_TIME_CURVES, type EventTimeCurve } from './daily-curve.ts'
import { DEFAULT_START_TIME, type LatenessDistribution } from './event-time.ts'
import { NEXMARK_KINDS } from './nexmark-ids.ts'

/**
 * The datagen connector's table options, named as Flink names its options, e.g.
 *   'connector' = 'datagen', 'generator' = 'clickstream', 'rows-per-second' = '50000',
 *   'max-out-of-orderness' = '5 s'
 * Every value is a string, as in a WITH clause; validation names the option and what it accepts.
 */

export const GENERATORS = ['clickstream', 'nexmark', 'dim_user', 'dim_product'] as const
export type GeneratorName = (typeof GENERATORS)[number]

export const NEXMARK_TABLES = [...NEXMARK_KINDS, 'all'] as const
export type NexmarkTable = (typeof NEXMARK_TABLES)[number]

export interface DatagenOptions {
  readonly generator: GeneratorName
  readonly seed: number
  /** Undefined: as fast as the consumer reads. For nexmark, events of the combined stream per second. */
  readonly rowsPerSecond: number | undefined
  /** Undefined: unbounded (dimension tables end after their last id). For nexmark, events of the combined stream. */
  readonly numberOfRows: number | undefined
  readonly startTime: number
  /** Clickstream: spread 'number-of-rows' over this much event time from the start; undefined: by the rate. */
  readonly eventTimeSpanMs: number | undefined
  /** Clickstream: how events spread over the hours of a day. */
  readonly eventTimeCurve: EventTimeCurve
  readonly maxOutOfOrdernessMs: number
  readonly lateness: LatenessDistribution
  readonly users: number
  readonly products: number
  readonly eventMix: EventMix
  readonly nexmarkTable: NexmarkTable
  readonly dimensionVersion: number
  readonly changedFraction: number
}

export class DatagenOptionError extends Error {
  override readonly name = 'DatagenOptionError'
}

type OptionValues = Omit<DatagenOptions, 'generator'>

interface OptionSpec {
  /** Generators the option applies to; all when absent. */
  readonly generators?: readonly GeneratorName[]
  /** The option's text as the values it sets. */
  readonly parse: (text: string) => Partial<OptionValues>
}

const DIMENSIONS: readonly GeneratorName[] = ['dim_user', 'dim_product']

/** Options handled before the others: they decide which generator the rest apply to. */
const FRAMING_OPTIONS = ['connector', 'generator'] as const

const OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  seed: { parse: (text) => ({ seed: parseInteger('seed', text) }) },
  'rows-per-second': { parse: (text) => ({ rowsPerSecond: parsePositive('rows-per-second', text) }) },
  'number-of-rows': { parse: (text) => ({ numberOfRows: parseCount('number-of-rows', text) }) },
  'start-time': {
    generators: ['clickstream', 'nexmark', 'dim_user'],
    parse: (text) => ({ startTime: parseTimestamp('start-time', text) }),
  },
  'event-time.span': {
    generators: ['clickstream'],
    parse: (text) => ({ eventTimeSpanMs: parsePositiveDuration('event-time.span', text) }),
  },
  'event-time.curve': {
    generators: ['clickstream'],
    parse: (text) => ({ eventTimeCurve: parseChoice('event-time.curve', text, EVENT_TIME_CURVES) }),
  },
  'max-out-of-orderness': {
    generators: ['clickstream'],
    parse: (text) => ({ maxOutOfOrdernessMs: parseDuration('max-out-of-orderness', text) }),
  },
  'out-of-orderness.distribution': {
    generators: ['clickstream'],
    parse: (text) => ({
      lateness: parseChoice('out-of-orderness.distribution', text, ['uniform', 'exponential'] as const),
    }),
  },
  users: {
    generators: ['clickstream', 'dim_user'],
    parse: (text) => ({ users: parseIdCount('users', text) }),
  },
  products: {
    generators: ['clickstream', 'dim_product'],
    parse: (text) => ({ products: parseIdCount('products', text) }),
  },
  'event-mix': { generators: ['clickstream'], parse: (text) => ({ eventMix: parseEventMix(text) }) },
  'nexmark.table': {
    generators: ['nexmark'],
    parse: (text) => ({ nexmarkTable: parseChoice('nexmark.table', text, NEXMARK_TABLES) }),
  },
  'dimension.version': {
    generators: DIMENSIONS,
    parse: (text) => ({ dimensionVersion: parseCount('dimension.version', text) }),
  },
  'dimension.changed-fraction': {
    generators: DIMENSIONS,
    parse: (text) => ({ changedFraction: parseFraction('dimension.changed-fraction', text) }),
  },
}

export const DATAGEN_OPTION_NAMES: readonly string[] = [...FRAMING_OPTIONS, ...Object.keys(OPTION_SPECS)]

const DEFAULTS: OptionValues = {
  seed: 0,
  rowsPerSecond: undefined,
  numberOfRows: undefined,
  startTime: DEFAULT_START_TIME,
  eventTimeSpanMs: undefined,
  eventTimeCurve: 'flat',
  maxOutOfOrdernessMs: 0,
  lateness: 'uniform',
  users: DEFAULT_CLICKSTREAM_CONFIG.users,
  products: DEFAULT_CLICKSTREAM_CONFIG.products,
  eventMix: DEFAULT_CLICKSTREAM_CONFIG.eventMix,
  nexmarkTable: 'all',
  dimensionVersion: 0,
  changedFraction: 0.01,
}

export function parseDatagenOptions(raw: Readonly<Record<string, string>>): DatagenOptions {
  for (const name of Object.keys(raw)) {
    if (!DATAGEN_OPTION_NAMES.includes(name)) {
      throw new DatagenOptionError(
        `unknown datagen option '${name}'; valid options: ${DATAGEN_OPTION_NAMES.join(', ')}`,
      )
    }
  }
  if (raw.connector !== 'datagen') {
    throw new DatagenOptionError(`option 'connector' must be 'datagen', got ${describe(raw.connector)}`)
  }
  if (raw.generator === undefined) {
    throw new DatagenOptionError(`option 'generator' is required; one of: ${GENERATORS.join(', ')}`)
  }
  const generator = parseChoice('generator', raw.generator, GENERATORS)
  let values: OptionValues = DEFAULTS
  for (const [name, spec] of Object.entries(OPTION_SPECS)) {
    const text = raw[name]
    if (text === undefined) continue
    if (spec.generators && !spec.generators.includes(generator)) {
      throw new DatagenOptionError(
        `option '${name}' does not apply to generator '${generator}' (only to: ${spec.generators.join(', ')})`,
      )
    }
    values = { ...values, ...spec.parse(text) }
  }
  if (values.eventTimeSpanMs !== undefined && values.numberOfRows === undefined) {
    throw new DatagenOptionError(
      `option 'event-time.span' spreads 'number-of-rows' rows over event time; set 'number-of-rows' too, or leave the span out and set 'rows-per-second' for an endless stream`,
    )
  }
  return { generator, ...values }
}

function describe(text: string | undefined): string {
  return text === undefined ? 'nothing' : `'${text}'`
}

function parseInteger(name: string, text: string): number {
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value))
    throw new DatagenOptionError(`option '${name}' must be an integer, got '${text}'`)
  return value
}

function parseCount(name: string, text: string): number {
  const value = parseInteger(name, text)
  if (value < 0) throw new DatagenOptionError(`option '${name}' must be >= 0, got '${text}'`)
  return value
}

/** Ids 1..n, kept below 2^31 so skewed ids stay exact (see SkewedIds). */
function parseIdCount(name: string, text: string): number {
  const value = parseInteger(name, text)
  if (value < 1 || value > 2 ** 31)
    throw new DatagenOptionError(`option '${name}' must be in 1..2^31, got '${text}'`)
  return value
}

function parsePositive(name: string, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text)
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new DatagenOptionError(`option '${name}' must be a positive number, got '${text}'`)
  }
  return value
}

function parseFraction(name: string, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text)
  if (!(value >= 0 && value <= 1))
    throw new DatagenOptionError(`option '${name}' must be in [0, 1], got '${text}'`)
  return value
}

function parseChoice<T extends string>(name: string, text: string, choices: readonly T[]): T {
  const choice = choices.find((c) => c === text)
  if (choice === undefined) {
    throw new DatagenOptionError(`option '${name}' must be one of ${choices.join(', ')}; got '${text}'`)
  }
  return choice
}

/** Milliseconds per unit, with Flink's spellings of duration units. */
const DURATION_UNITS: ReadonlyMap<string, number> = new Map([
  ...['', 'ms', 'milli', 'millis', 'millisecond', 'milliseconds'].map((u) => [u, 1] as const),
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((u) => [u, 1000] as const),
  ...['m', 'min', 'minute', 'minutes'].map((u) => [u, 60_000] as const),
  ...['h', 'hour', 'hours'].map((u) => [u, 3_600_000] as const),
  ...['d', 'day', 'days'].map((u) => [u, 86_400_000] as const),
])

/** A Flink duration: '500', '500 ms', '5 s', '5s', '1 min'; a bare number is milliseconds. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim())
  const unit = match === null ? undefined : DURATION_UNITS.get(match[2]!.toLowerCase())
  if (match === null || unit === undefined) {
    throw new DatagenOptionError(
      `option '${name}' must be a duration such as '5 s' or '500 ms', got '${text}'`,
    )
  }
  const millis = Number(match[1]) * unit
  if (!Number.isSafeInteger(millis)) throw new DatagenOptionError(`option '${name}' is too large: '${text}'`)
  return millis
}

function parsePositiveDuration(name: string, text: string): number {
  const millis = parseDuration(name, text)
  if (millis === 0) throw new DatagenOptionError(`option '${name}' must be longer than 0, got '${text}'`)
  return millis
}

const TIMESTAMP_TEXT =
  /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?\s*(Z|[+-]\d{2}:\d{2})?$/

/** Epoch milliseconds, or 'yyyy-MM-dd[ HH:mm[:ss[.SSS]]]' (also with 'T'), in UTC unless a zone is given. */
export function parseTimestamp(name: string, text: string): number {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return parseInteger(name, trimmed)
  const match = TIMESTAMP_TEXT.exec(trimmed)
  const millis = match ? Date.parse(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? 'Z'}`) : Number.NaN
  if (Number.isNaN(millis)) {
    throw new DatagenOptionError(
      `option '${name}' must be epoch milliseconds or 'yyyy-MM-dd HH:mm:ss[.SSS]' (UTC), got '${text}'`,
    )
  }
  return millis
}

/** 'pageview:70,click:20,cart:6,order:4'; event types left out get weight 0. */
function parseEventMix(text: string): EventMix {
  const mix: Record<ClickstreamEventType, number> = { pageview: 0, click: 0, cart: 0, order: 0 }
  for (const part of text.split(',')) {
    const [type, weightText] = part.split(':').map((s) => s.trim())
    const eventType = CLICKSTREAM_EVENT_TYPES.find((t) => t === type)
    const weight = weightText === undefined || weightText === '' ? Number.NaN : Number(weightText)
    if (eventType === undefined || !(weight >= 0) || !Number.isFinite(weight)) {
      throw new DatagenOptionError(
        `option 'event-mix' must look like 'pageview:70,click:20,cart:6,order:4' ` +
          `(types: ${CLICKSTREAM_EVENT_TYPES.join(', ')}), got '${text}'`,
      )
    }
    mix[eventType] = weight
  }
  if (Object.values(mix).every((w) => w === 0)) {
    throw new DatagenOptionError(`option 'event-mix' needs a positive weight, got '${text}'`)
  }
  return mix
}
