import { Redis } from 'ioredis'
import { KeyPattern } from './key-pattern.ts'

export type RedisDataType = 'string' | 'hash'

export interface RedisLocation {
  url: string
  keyPattern: string
  dataType: RedisDataType
}

/**
 * A key/value view of one Redis dataset: `string` keys hold one encoded value (decoded by the dataset's
 * format), `hash` keys hold one field per column (strings, as Redis stores them).
 */
export class RedisStore {
  private readonly pattern: KeyPattern

  constructor(
    private readonly redis: Redis,
    private readonly location: RedisLocation,
  ) {
    this.pattern = new KeyPattern(location.keyPattern)
  }

  static connect(location: RedisLocation): RedisStore {
    return new RedisStore(new Redis(location.url, { lazyConnect: false, maxRetriesPerRequest: 3 }), location)
  }

  get dataType(): RedisDataType {
    return this.location.dataType
  }

  keyFor(key: Record<string, unknown>): string {
    return this.pattern.render(key)
  }

  /** The encoded value (`string`) or the fields (`hash`) stored under the key, or undefined when absent. */
  async get(key: Record<string, unknown>): Promise<Buffer | Record<string, string> | undefined> {
    const redisKey = this.keyFor(key)
    if (this.location.dataType === 'string') return (await this.redis.getBuffer(redisKey)) ?? undefined
    const fields = await this.redis.hgetall(redisKey)
    return Object.keys(fields).length === 0 ? undefined : fields
  }

  async set(key: Record<string, unknown>, value: Buffer | Record<string, string>): Promise<void> {
    const redisKey = this.keyFor(key)
    if (Buffer.isBuffer(value)) {
      if (this.location.dataType !== 'string')
        throw new Error(`${redisKey} is a hash dataset: write fields, not bytes`)
      await this.redis.set(redisKey, value)
      return
    }
    if (this.location.dataType !== 'hash')
      throw new Error(`${redisKey} is a string dataset: write encoded bytes`)
    await this.redis.multi().del(redisKey).hset(redisKey, value).exec()
  }

  async close(): Promise<void> {
    await this.redis.quit()
  }
}
