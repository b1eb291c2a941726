/**
 * Reads the `Authorization` header. `/api/v1` takes `Bearer <token>`; the schema-registry routes also take
 * `Basic base64(user:token)`, because Confluent serializers and Flink's `avro-confluent` format can only send
 * basic auth (`basic.auth.user.info`). With basic auth the token is the password and the user name is only
 * informative: the token alone identifies the principal.
 */
import type { TokenRejection } from './tokens.ts'

/** Far above any real header (a token is 65 characters); longer ones are refused before any decoding. */
export const MAX_AUTHORIZATION_HEADER_LENGTH = 1024

export type AuthScheme = 'bearer' | 'basic'

export type Credentials =
  | { scheme: 'bearer'; token: string }
  | { scheme: 'basic'; username: string; token: string }

export type HeaderProblem = 'missing' | 'too_long' | 'unsupported_scheme' | 'malformed'

/** Every way authentication fails, as a bounded set fit for a metrics label. */
export type AuthenticationFailure = HeaderProblem | TokenRejection

export type HeaderParse = { ok: true; credentials: Credentials } | { ok: false; problem: HeaderProblem }

// The scheme is an RFC 9110 token.
const SCHEME_AND_CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +(\S+)$/
// RFC 6750 b64token.
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
// Padded standard base64 only: Buffer.from would silently skip stray characters and accept garbage.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export function parseAuthorizationHeader(
  header: string | undefined,
  accepted: readonly AuthScheme[] = ['bearer', 'basic'],
): HeaderParse {
  if (header === undefined || header.trim() === '') return { ok: false, problem: 'missing' }
  if (header.length > MAX_AUTHORIZATION_HEADER_LENGTH) return { ok: false, problem: 'too_long' }
  const match = SCHEME_AND_CREDENTIALS.exec(header.trim())
  if (match === null) return { ok: false, problem: 'malformed' }
  const scheme = match[1]!.toLowerCase()
  const value = match[2]!
  if (scheme === 'bearer' && accepted.includes('bearer')) return parseBearer(value)
  if (scheme === 'basic' && accepted.includes('basic')) return parseBasic(value)
  return { ok: false, problem: 'unsupported_scheme' }
}

function parseBearer(value: string): HeaderParse {
  if (!BEARER_TOKEN.test(value)) return { ok: false, problem: 'malformed' }
  return { ok: true, credentials: { scheme: 'bearer', token: value } }
}

function parseBasic(value: string): HeaderParse {
  if (!BASE64.test(value)) return { ok: false, problem: 'malformed' }
  let decoded: string
  try {
    decoded = strictUtf8.decode(Buffer.from(value, 'base64'))
  } catch {
    return { ok: false, problem: 'malformed' }
  }
  // RFC 7617: the user id cannot contain ':', the password can, so split at the first one.
  const colon = decoded.indexOf(':')
  if (colon < 0 || CONTROL_CHARACTERS.test(decoded)) return { ok: false, problem: 'malformed' }
  const token = decoded.slice(colon + 1)
  if (token === '') return { ok: false, problem: 'malformed' }
  return { ok: true, credentials: { scheme: 'basic', username: decoded.slice(0, colon), token } }
}
