import { execFileSync } from 'node:child_process'
import { createHash, timingSafeEqual } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import {
  ADMIN_TOKEN_ENV,
  authenticateToken,
  bootstrapAdminToken,
  generateToken,
  hashToken,
  parseToken,
  type TokenRecord,
  tokenMatchesHash,
  tokenState,
} from './tokens.ts'

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

const NOW = new Date('2025-03-01T12:00:00.000Z')

function recordFor(token: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  const parsed = parseToken(token)!
  return {
    id: parsed.id,
    principal: 'alice',
    hash: hashToken(token),
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  }
}

function lookupOf(...records: TokenRecord[]): (id: string) => Promise<TokenRecord | undefined> {
  return async (id) => records.find((record) => record.id === id)
}

describe('token format', () => {
  it('generates weir_<16 hex>_<43 base64url> tokens that parse back to their id', () => {
    const created = generateToken()
    expect(created.token).toMatch(/^weir_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
    expect(parseToken(created.token)).toEqual({ token: created.token, id: created.id })
    expect(created.hash).toBe(createHash('sha256').update(created.token).digest('hex'))
  })

  it('never repeats ids or secrets', () => {
    const tokens = Array.from({ length: 200 }, () => generateToken())
    expect(new Set(tokens.map((token) => token.id)).size).toBe(200)
    expect(new Set(tokens.map((token) => token.token.slice(22))).size).toBe(200)
  })

  it('keeps only a hash that does not contain the secret', () => {
    const created = generateToken()
    expect(created.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(created.hash).not.toContain(created.token.slice(22))
  })

  it.each([
    '',
    'weir_',
    'weir_0123456789abcdef',
    'weir_0123456789abcdef_',
    'weir_0123456789ABCDEF_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'weir_0123456789abcde_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'weir_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'weir_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'weir_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    'WEIR_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ' weir_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    "weir_0123456789abcdef_' OR '1'='1' --AAAAAAAAAAAAAAAAAAAAAAAAA",
    'weir_../../../etc/pa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  ])('rejects the malformed token %j', (text) => {
    expect(parseToken(text)).toBeUndefined()
  })
})

describe('authenticateToken', () => {
  it('accepts a valid token and names its principal', async () => {
    const created = generateToken()
    const check = await authenticateToken(created.token, lookupOf(recordFor(created.token)), NOW)
    expect(check).toEqual({ ok: true, principal: 'alice', tokenId: created.id })
  })

  it('rejects a token whose secret differs from the stored one', async () => {
    const stored = generateToken()
    const forged = `weir_${stored.id}_${generateToken().token.slice(22)}`
    const check = await authenticateToken(forged, lookupOf(recordFor(stored.token)), NOW)
    expect(check).toEqual({ ok: false, reason: 'mismatch' })
  })

  it('rejects a well-formed token with an unknown id', async () => {
    const check = await authenticateToken(generateToken().token, lookupOf(), NOW)
    expect(check).toEqual({ ok: false, reason: 'unknown' })
  })

  it('rejects malformed text without looking anything up', async () => {
    const lookup = vi.fn(lookupOf())
    expect(await authenticateToken("x' OR 1=1 --", lookup, NOW)).toEqual({ ok: false, reason: 'malformed' })
    expect(lookup).not.toHaveBeenCalled()
  })

  it('rejects expired tokens from the instant of expiry', async () => {
    const created = generateToken()
    const at = (expiresAt: string) => lookupOf(recordFor(created.token, { expiresAt: new Date(expiresAt) }))
    expect(await authenticateToken(created.token, at('2025-03-01T11:59:59.999Z'), NOW)).toEqual({
      ok: false,
      reason: 'expired',
      expiredAt: new Date('2025-03-01T11:59:59.999Z'),
    })
    expect(await authenticateToken(created.token, at('2025-03-01T12:00:00.000Z'), NOW)).toEqual({
      ok: false,
      reason: 'expired',
      expiredAt: new Date('2025-03-01T12:00:00.000Z'),
    })
    expect((await authenticateToken(created.token, at('2025-03-01T12:00:00.001Z'), NOW)).ok).toBe(true)
  })

  it('rejects revoked tokens, whatever their expiry', async () => {
    const created = generateToken()
    const revoked = recordFor(created.token, {
      revokedAt: new Date('2025-03-01T12:30:00Z'),
      expiresAt: new Date('2020-01-01T00:00:00Z'),
    })
    expect(await authenticateToken(created.token, lookupOf(revoked), NOW)).toEqual({
      ok: false,
      reason: 'revoked',
    })
  })

  it('tells token states apart as a pure function of the record and the time', () => {
    const day = (date: string) => new Date(`${date}T00:00:00Z`)
    expect(tokenState({ expiresAt: null, revokedAt: null }, NOW)).toBe('active')
    expect(tokenState({ expiresAt: day('2030-01-01'), revokedAt: null }, NOW)).toBe('active')
    expect(tokenState({ expiresAt: day('2020-01-01'), revokedAt: null }, NOW)).toBe('expired')
    expect(tokenState({ expiresAt: null, revokedAt: day('2020-01-01') }, NOW)).toBe('revoked')
  })
})

describe('constant-time comparison', () => {
  const timingSafeEqualSpy = vi.mocked(timingSafeEqual)

  it('compares hashes with timingSafeEqual on 32-byte digests', async () => {
    timingSafeEqualSpy.mockClear()
    const created = generateToken()
    await authenticateToken(created.token, lookupOf(recordFor(created.token)), NOW)
    expect(timingSafeEqualSpy).toHaveBeenCalledTimes(1)
    const [presented, stored] = timingSafeEqualSpy.mock.calls[0]!
    expect((presented as Buffer).length).toBe(32)
    expect((stored as Buffer).length).toBe(32)
  })

  it('still compares when the id is unknown, so both failures take the same path', async () => {
    timingSafeEqualSpy.mockClear()
    await authenticateToken(generateToken().token, lookupOf(), NOW)
    expect(timingSafeEqualSpy).toHaveBeenCalledTimes(1)
  })

  it('returns false instead of throwing for a stored hash of the wrong shape', () => {
    const created = generateToken()
    expect(tokenMatchesHash(created.token, 'not-a-hash')).toBe(false)
    expect(tokenMatchesHash(created.token, created.hash.slice(2))).toBe(false)
  })
})

describe('bootstrap admin token', () => {
  it('generates one when the variable is unset or empty', () => {
    expect(bootstrapAdminToken({}).source).toBe('generated')
    expect(bootstrapAdminToken({ [ADMIN_TOKEN_ENV]: '' }).source).toBe('generated')
    expect(parseToken(bootstrapAdminToken({}).token)).toBeDefined()
  })

  it('takes the token from WEIR_ADMIN_TOKEN', () => {
    const created = generateToken()
    expect(bootstrapAdminToken({ [ADMIN_TOKEN_ENV]: created.token })).toEqual({ source: 'env', ...created })
  })

  it('refuses a malformed WEIR_ADMIN_TOKEN with a recipe for a good one', () => {
    expect(() => bootstrapAdminToken({ [ADMIN_TOKEN_ENV]: 'changeme' })).toThrow(/WEIR_ADMIN_TOKEN.*openssl/)
  })

  it('gives a recipe that really produces a valid token', () => {
    let message = ''
    try {
      bootstrapAdminToken({ [ADMIN_TOKEN_ENV]: 'changeme' })
    } catch (error) {
      message = (error as Error).message
    }
    const recipe = /Generate one with: (.*) or unset/.exec(message)?.[1]
    expect(recipe).toBeDefined()
    const token = execFileSync('sh', ['-c', recipe!], { encoding: 'utf8' }).trim()
    expect(parseToken(token)).toBeDefined()
  })
})
