import { describe, expect, it } from 'vitest'
import { MAX_AUTHORIZATION_HEADER_LENGTH, parseAuthorizationHeader } from './authorization-header.ts'

const TOKEN = 'weir_0123456789abcdef_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd'
const basic = (userInfo: string | Buffer) => `Basic ${Buffer.from(userInfo).toString('base64')}`

describe('bearer credentials', () => {
  it('reads the token', () => {
    expect(parseAuthorizationHeader(`Bearer ${TOKEN}`)).toEqual({
      ok: true,
      credentials: { scheme: 'bearer', token: TOKEN },
    })
  })

  it('takes the scheme in any case and tolerates extra spaces', () => {
    for (const header of [`bearer ${TOKEN}`, `BEARER ${TOKEN}`, `Bearer   ${TOKEN}`, ` Bearer ${TOKEN} `]) {
      expect(parseAuthorizationHeader(header)).toMatchObject({ ok: true, credentials: { token: TOKEN } })
    }
  })
})

describe('basic credentials', () => {
  it('takes the password as the token and the user name as information only', () => {
    expect(parseAuthorizationHeader(basic(`flink-prod:${TOKEN}`))).toEqual({
      ok: true,
      credentials: { scheme: 'basic', username: 'flink-prod', token: TOKEN },
    })
  })

  it('allows an empty user name and a password containing colons', () => {
    expect(parseAuthorizationHeader(basic(`:${TOKEN}`))).toMatchObject({ credentials: { username: '' } })
    expect(parseAuthorizationHeader(basic('u:a:b'))).toMatchObject({
      credentials: { username: 'u', token: 'a:b' },
    })
  })

  it('reads UTF-8 user names', () => {
    expect(parseAuthorizationHeader(basic(`jürgen:${TOKEN}`))).toMatchObject({
      credentials: { username: 'jürgen' },
    })
  })
})

describe('refused headers', () => {
  it.each([undefined, '', '   '])('reports %j as missing', (header) => {
    expect(parseAuthorizationHeader(header)).toEqual({ ok: false, problem: 'missing' })
  })

  it('refuses overlong headers before decoding them', () => {
    const longest = `Bearer ${'a'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH - 7)}`
    expect(parseAuthorizationHeader(longest).ok).toBe(true)
    expect(parseAuthorizationHeader(`${longest}a`)).toEqual({ ok: false, problem: 'too_long' })
    expect(parseAuthorizationHeader(basic(`u:${'x'.repeat(100_000)}`))).toEqual({
      ok: false,
      problem: 'too_long',
    })
  })

  it.each(['Digest username="alice"', 'Token abc', 'Negotiate YIIBhg', 'AWS4-HMAC-SHA256 Credential=x'])(
    'refuses the unsupported scheme in %j',
    (header) => {
      expect(parseAuthorizationHeader(header)).toEqual({ ok: false, problem: 'unsupported_scheme' })
    },
  )

  it('refuses a scheme the route does not accept', () => {
    expect(parseAuthorizationHeader(basic(`u:${TOKEN}`), ['bearer'])).toEqual({
      ok: false,
      problem: 'unsupported_scheme',
    })
    expect(parseAuthorizationHeader(`Bearer ${TOKEN}`, ['basic'])).toEqual({
      ok: false,
      problem: 'unsupported_scheme',
    })
  })

  it.each([
    ['a scheme without credentials', 'Bearer'],
    ['credentials without a scheme', TOKEN],
    ['two credentials', `Bearer ${TOKEN} ${TOKEN}`],
    ['SQL in a bearer token', "Bearer x'--"],
    ['quotes in a bearer token', 'Bearer "abc"'],
    ['a comma-joined second header', `Bearer ${TOKEN},Bearer ${TOKEN}`],
    ['base64 with stray characters', 'Basic YWxp*Y2U6eA=='],
    ['unpadded base64', 'Basic YWxpY2U6eA'],
    ['url-safe base64', `Basic ${Buffer.from('\u00fb\u00ff:?>').toString('base64url')}`],
    ['no colon', basic('alice')],
    ['an empty password', basic('alice:')],
    ['invalid UTF-8', basic(Buffer.from([0x61, 0x3a, 0xff, 0xfe]))],
    ['a newline in the password', basic('alice:tok\nen')],
    ['a NUL in the user name', basic('al\u0000ice:token')],
    ['header injection', 'Bearer abc\r\nX-Admin: true'],
  ])('refuses %s as malformed', (_, header) => {
    expect(parseAuthorizationHeader(header)).toEqual({ ok: false, problem: 'malformed' })
  })
})
