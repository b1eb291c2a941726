import { type DimensionVersion, ORIGINAL_VERSION, VersionedAttribute } from './dimension-versions.ts'
import { DEFAULT_START_TIME } from './event-time.ts'
import type { IndexedRows } from './generator.ts'
import { hashInt32, Rng, type StreamKey, streamKey, WeightedPicker } from './random.ts'
import { column, type Schema } from './schema.ts'

export const AUDIENCES = ['new', 'returning', 'vip'] as const
export type Audience = (typeof AUDIENCES)[number]
const AUDIENCE_SHARES: Readonly<Record<Audience, number>> = { new: 15, returning: 75, vip: 10 }

const DAY_MS = 86_400_000

/**
 * Per-user traits that the clickstream and dim_user must agree on. They hash (seed, user id) rather than
 * draw from a row's stream, so any table can look them up for any user.
 */
export class UserTraits {
  private readonly audienceKey: StreamKey
  private readonly audiencePicker = new WeightedPicker(AUDIENCES.map((a) => [a, AUDIENCE_SHARES[a]] as const))

  constructor(seed: number) {
    this.audienceKey = streamKey(seed, 'user.audience')
  }

  audienceOf(userId: number): Audience {
    return this.audiencePicker.values[this.audiencePicker.indexOf(hashInt32(this.audienceKey, userId))]!
  }
}

export const DIM_USER_SCHEMA: Schema = [
  column('user_id', 'BIGINT'),
  column('gender', 'STRING'),
  column('age_band', 'STRING'),
  column('city', 'STRING'),
  column('level', 'STRING'),
  column('registered_at', 'TIMESTAMP(3)'),
]

export const USER_LEVELS = ['normal', 'silver', 'gold', 'diamond'] as const

export interface DimUserConfig {
  readonly seed: number
  /** Users 1..users; the clickstream's user ids fall in the same range. */
  readonly users: number
  /** Registration times lie before this instant: 'new' users within 30 days, others up to 8 years. */
  readonly startTime: number
  /** Which version of the table; each round changes the `level` of a fraction of users. */
  readonly versioning: DimensionVersion
}

export const DEFAULT_DIM_USER_CONFIG: DimUserConfig = {
  seed: 0,
  users: 1_000_000,
  startTime: DEFAULT_START_TIME,
  versioning: ORIGINAL_VERSION,
}

/** dim_user: one row per user id, ordered by id. */
export class DimUserRows implements IndexedRows {
  readonly schema = DIM_USER_SCHEMA
  readonly size: number
  private readonly rng = new Rng()
  private readonly key: StreamKey
  private readonly traits: UserTraits
  private readonly level: VersionedAttribute
  private readonly genders = new WeightedPicker([
    ['female', 62],
    ['male', 34],
    ['unknown', 4],
  ])
  private readonly ageBands = new WeightedPicker([
    ['18-24', 22],
    ['25-34', 38],
    ['35-44', 24],
    ['45-54', 11],
    ['55+', 5],
  ])
  private readonly cities = new WeightedPicker([
    ['Guangzhou', 12],
    ['Shanghai', 11],
    ['Beijing', 10],
    ['Shenzhen', 9],
    ['Chengdu', 7],
    ['Hangzhou', 6],
    ['Wuhan', 6],
    ['Chongqing', 5],
    ['Nanjing', 5],
    ["Xi'an", 4],
    ['Tianjin', 4],
    ['Suzhou', 4],
    ['Changsha', 3],
    ['Dongguan', 3],
    ['Foshan', 3],
    ['Xiamen', 2],
  ])
  private readonly levels = new WeightedPicker<number>([
    [0, 60],
    [1, 25],
    [2, 12],
    [3, 3],
  ])

  readonly config: DimUserConfig

  constructor(overrides: Partial<DimUserConfig> = {}) {
    const config = { ...DEFAULT_DIM_USER_CONFIG, ...overrides }
    this.config = config
    if (!Number.isSafeInteger(config.users) || config.users < 1) throw new RangeError('users must be >= 1')
    this.size = config.users
    this.key = streamKey(config.seed, 'dim_user')
    this.traits = new UserTraits(config.seed)
    this.level = new VersionedAttribute(config.seed, 'dim_user.level', USER_LEVELS.length, config.versioning)
  }

  rowAt(index: number): unknown[] {
    const userId = index + 1
    const rng = this.rng
    rng.seedRow(this.key, userId)
    const gender = this.genders.pick(rng)
    const ageBand = this.ageBands.pick(rng)
    const city = this.cities.pick(rng)
    const level = USER_LEVELS[this.level.valueOf(userId, this.levels.pick(rng))]
    const ageMs =
      this.traits.audienceOf(userId) === 'new'
        ? DAY_MS + rng.nextInt(29 * DAY_MS)
        : 30 * DAY_MS + rng.nextInt(8 * 365 * DAY_MS)
    const registeredAt = Math.floor((this.config.startTime - ageMs) / 1000) * 1000
    return [userId, gender, ageBand, city, level, registeredAt]
  }
}
