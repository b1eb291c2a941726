import { describe, expect, it } from 'vitest'
import { useService } from '../../../test/harness/services.ts'
import { KeyPattern } from './key-pattern.ts'
import { RedisStore } from './store.ts'

describe('Redis key patterns', () => {
  it('renders keys from named parts', () => {
    const pattern = new KeyPattern('dim:user:{user_id}:{region}')
    expect(pattern.fields).toEqual(['user_id', 'region'])
    expect(pattern.render({ user_id: 42, region: 'eu' })).toBe('dim:user:42:eu')
  })

  it('names the missing part', () => {
    expect(() => new KeyPattern('u:{id}').render({ other: 1 })).toThrow(/needs 'id'/)
  })

  it('rejects an unbalanced pattern', () => {
    expect(() => new KeyPattern('u:{id')).toThrow(/unbalanced/)
  })
})

describe('Redis store', () => {
  it('stores and looks up string and hash values', async () => {
    const { url } = await useService('redis')
    const prefix = `test${Date.now()}`
    const strings = RedisStore.connect({ url, keyPattern: `${prefix}:s:{id}`, dataType: 'string' })
    const hashes = RedisStore.connect({ url, keyPattern: `${prefix}:h:{id}`, dataType: 'hash' })
    try {
      await strings.set({ id: 1 }, Buffer.from([0, 1, 2]))
      expect(await strings.get({ id: 1 })).toEqual(Buffer.from([0, 1, 2]))
      expect(await strings.get({ id: 2 })).toBeUndefined()
      await hashes.set({ id: 7 }, { name: 'ann', level: 'vip' })
      await hashes.set({ id: 7 }, { name: 'ann', level: 'gold' })
      expect(await hashes.get({ id: 7 })).toEqual({ name: 'ann', level: 'gold' })
      await expect(strings.set({ id: 3 }, { a: 'b' })).rejects.toThrow(/string dataset/)
    } finally {
      await strings.close()
      await hashes.close()
    }
  })
})
