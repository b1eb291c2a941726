import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../catalog/governance/audit-chain.ts'
import { AuthFailureAudit } from './auth-failure-audit.ts'

describe('failed authentication audit', () => {
  let audit: AuthFailureAudit | undefined
  afterEach(async () => audit?.close())

  function setup(limits = { windowMs: 10_000, failuresPerWindow: 3, maxKeys: 100 }) {
    const written: AuditEntry[] = []
    let now = Date.parse('2026-01-01T00:00:00.000Z')
    audit = new AuthFailureAudit(
      async (entry) => {
        written.push(entry)
      },
      limits,
      () => now,
    )
    return { written, audit, advance: (ms: number) => (now += ms) }
  }
  const failure = (clientAddress: string, reason = 'unknown', requestId = 'r') => ({
    clientAddress,
    reason,
    requestId,
  })

  it('records the first failure of a window at once and the rest as one count when the next window opens', async () => {
    const { written, audit, advance } = setup()
    for (let i = 0; i < 5; i++) await audit.fail(failure('10.0.0.1', 'unknown', `r${i}`))
    expect(written.map((entry) => entry.change)).toEqual([{ failures: 1 }])
    advance(10_000)
    await audit.fail(failure('10.0.0.1', 'unknown', 'r5'))
    expect(written.map((entry) => entry.change?.failures)).toEqual([1, 4, 1])
    expect(written[1]).toMatchObject({
      requestId: 'r4',
      reason: expect.stringMatching(
        /failed 4 more times from this address since 2026-01-01T00:00:00.000Z \(unknown\)$/,
      ),
      change: { rateLimited: 2, from: '2026-01-01T00:00:00.000Z', until: '2026-01-01T00:00:10.000Z' },
    })
  })

  it('keeps addresses and reasons apart, and limits each address on its own', async () => {
    const { written, audit } = setup()
    const answers = []
    for (let i = 0; i < 4; i++) answers.push((await audit.fail(failure('10.0.0.1', 'unknown'))).status)
    answers.push((await audit.fail(failure('10.0.0.1', 'expired'))).status)
    answers.push((await audit.fail(failure('10.0.0.2', 'unknown'))).status)
    expect(answers).toEqual([401, 401, 401, 429, 429, 401])
    expect(written.map((entry) => [entry.clientAddress, entry.reason])).toEqual([
      ['10.0.0.1', 'denied: authentication failed (unknown)'],
      ['10.0.0.1', 'denied: authentication failed (expired)'],
      ['10.0.0.2', 'denied: authentication failed (unknown)'],
    ])
  })

  it('says when to retry, and lets the address in again in the next window', async () => {
    const { audit, advance } = setup()
    for (let i = 0; i < 3; i++) await audit.fail(failure('10.0.0.1'))
    advance(2_500)
    expect(await audit.fail(failure('10.0.0.1'))).toEqual({ status: 429, retryAfterSeconds: 8 })
    advance(7_500)
    expect(await audit.fail(failure('10.0.0.1'))).toEqual({ status: 401 })
  })

  it('writes the open windows on close, and nothing for a window of one failure', async () => {
    const { written, audit } = setup()
    await audit.fail(failure('10.0.0.1'))
    for (let i = 0; i < 3; i++) await audit.fail(failure('10.0.0.2'))
    await audit.close()
    expect(written.map((entry) => [entry.clientAddress, entry.change?.failures])).toEqual([
      ['10.0.0.1', 1],
      ['10.0.0.2', 1],
      ['10.0.0.2', 2],
    ])
  })

  it('bounds the addresses it tracks by summarising early', async () => {
    const { written, audit } = setup({ windowMs: 10_000, failuresPerWindow: 100, maxKeys: 2 })
    await audit.fail(failure('10.0.0.1'))
    await audit.fail(failure('10.0.0.1'))
    await audit.fail(failure('10.0.0.2'))
    await audit.fail(failure('10.0.0.3'))
    expect(written.map((entry) => [entry.clientAddress, entry.change?.failures])).toEqual([
      ['10.0.0.1', 1],
      ['10.0.0.2', 1],
      ['10.0.0.1', 1],
      ['10.0.0.3', 1],
    ])
  })
})
