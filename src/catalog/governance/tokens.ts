/**
 * API tokens: `weir_<id>_<secret>`. The id is public and indexes the stored row, so checking a token is one
 * primary-key lookup instead of hashing against every row; the secret is 32 random bytes. Only a hash of the
 * whole token is stored, and a token is shown exactly once, when it is created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const TOKEN_PATTERN = /^weir_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/
const ID_BYTES = 8
const SECRET_BYTES = 32

/** The environment variable that fixes the bootstrap admin token instead of generating one. */
export const ADMIN_TOKEN_ENV = 'WEIR_ADMIN_TOKEN'

export interface ParsedToken {
  /** The whole token as presented, which is what the stored hash covers. */
  token: string
  id: string
}

export interface NewToken {
  /** Give this to the caller once; it cannot be recovered later. */
  token: string
  id: string
  hash: string
}

/** What the catalog stores about a token; never the token itself. */
export interface TokenRecord {
  id: string
  principal: string
  hash: string
  expiresAt: Date | null
  revokedAt: Date | null
}

export type TokenRejection = 'malformed' | 'unknown' | 'mismatch' | 'expired' | 'revoked'

export type TokenCheck =
  | { ok: true; principal: string; tokenId: string }
  | { ok: false; reason: TokenRejection; expiredAt?: Date }

export function generateToken(): NewToken {
  const id = randomBytes(ID_BYTES).toString('hex')
  const token = `weir_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`
  return { token, id, hash: hashToken(token) }
}

export function parseToken(text: string): ParsedToken | undefined {
  const match = TOKEN_PATTERN.exec(text)
  return match ? { token: text, id: match[1]! } : undefined
}

const TOKEN_ID_PATTERN = /^[0-9a-f]{16}$/

/**
 * The id of a token given either as its id or as the whole token, so that commands taking an id can be handed
 * a leaked token without the caller cutting it apart; undefined when it is neither.
 */
export function tokenIdOf(text: string): string | undefined {
  if (TOKEN_ID_PATTERN.test(text)) return text
  return parseToken(text)?.id
}

// Anything shaped like a token, also cut short or run into other text: a partial secret is still a secret.
const TOKEN_LIKE = /weir_([0-9a-f]{16})_[A-Za-z0-9_-]+/g

/** Replaces the secret of everything that looks like a token with `<redacted>`, keeping the id to trace it. */
export function redactTokens(text: string): string {
  return text.includes('weir_') ? text.replace(TOKEN_LIKE, 'weir_$1_<redacted>') : text
}

/**
 * `redactTokens` over every string (and object key) of a JSON-like value, for records that are kept forever:
 * the audit trail cannot be cleaned after the fact, so no secret may enter it.
 */
export function redactTokensIn<T>(value: T): T {
  if (typeof value === 'string') return redactTokens(value) as T
  if (Array.isArray(value)) return value.map((item) => redactTokensIn(item)) as T
  if (typeof value !== 'object' || value === null) return value
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redactTokens(key), redactTokensIn(item)]),
  ) as T
}

/**
 * SHA-256, not a password KDF: a token carries 256 random bits, so there is nothing to brute-force that a slow
 * hash would protect, and every request pays for the check.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Compares in constant time, so response timing does not reveal how much of a guessed token was right. */
export function tokenMatchesHash(token: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(token, 'utf8').digest()
  const stored = Buffer.from(storedHash, 'hex')
  return stored.length === presented.length && timingSafeEqual(presented, stored)
}

export type TokenState = 'active' | 'expired' | 'revoked'

export function tokenState(record: Pick<TokenRecord, 'expiresAt' | 'revokedAt'>, now: Date): TokenState {
  if (record.revokedAt !== null) return 'revoked'
  if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) return 'expired'
  return 'active'
}

// Hashing against a fixed value when the id is unknown keeps "no such token" and "wrong secret" equally slow.
const UNKNOWN_TOKEN_HASH = hashToken('weir_0000000000000000_unknown')

/**
 * The whole check of a presented token: its shape, the row found by its id, the hash, expiry and revocation.
 * The reason is for metrics and the audit log; a client only ever learns "unauthorized".
 */
export async function authenticateToken(
  presented: string,
  findToken: (id: string) => Promise<TokenRecord | undefined>,
  now: Date,
): Promise<TokenCheck> {
  const parsed = parseToken(presented)
  if (parsed === undefined) return { ok: false, reason: 'malformed' }
  const record = await findToken(parsed.id)
  const matches = tokenMatchesHash(parsed.token, record?.hash ?? UNKNOWN_TOKEN_HASH)
  if (record === undefined) return { ok: false, reason: 'unknown' }
  if (!matches) return { ok: false, reason: 'mismatch' }
  const state = tokenState(record, now)
  // The secret matched: its holder may learn when it expired (a 401 says so), nobody else gets this far.
  if (state === 'expired' && record.expiresAt !== null)
    return { ok: false, reason: state, expiredAt: record.expiresAt }
  if (state !== 'active') return { ok: false, reason: state }
  return { ok: true, principal: record.principal, tokenId: record.id }
}

export type BootstrapToken = { source: 'env' | 'generated' } & NewToken

/**
 * The first admin's token on an empty catalog: the one in WEIR_ADMIN_TOKEN (for automation) or a fresh one the
 * server prints once. A malformed variable stops startup rather than silently generating a different token.
 */
export function bootstrapAdminToken(env: NodeJS.ProcessEnv): BootstrapToken {
  const fromEnv = env[ADMIN_TOKEN_ENV]
  if (fromEnv === undefined || fromEnv === '') return { source: 'generated', ...generateToken() }
  const parsed = parseToken(fromEnv)
  if (parsed === undefined) {
    throw new Error(
      `${ADMIN_TOKEN_ENV} is not a Weir token: it must look like weir_<16 hex digits>_<43 base64url characters>. ` +
        `Generate one with: echo "weir_$(openssl rand -hex 8)_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')" ` +
        'or unset the variable and Weir prints a new token on first start.',
    )
  }
  return { source: 'env', token: parsed.token, id: parsed.id, hash: hashToken(parsed.token) }
}
