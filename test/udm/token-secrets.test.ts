/**
 * No token secret reaches the server log or the append-only audit trail: `weir token revoke` given a whole
 * token sends only its id, a whole token pasted into a URL by hand is redacted from the log line and the audit
 * record, and `weir token list` shows ids and dates, never tokens. A real server logs at debug to a file; then
 * every log line and every audit record is searched for each secret.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { destination, pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateToken, redactTokens, tokenIdOf } from '../../src/catalog/governance/tokens.ts'
import { type RunningServer, startServer } from '../../src/server/serve.ts'
import { weir } from '../harness/weir-cli.ts'

const ADMIN = generateToken().token

describe('token secrets', () => {
  let directory: string
  let logFile: string
  let server: RunningServer
  let stopped = false

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'weir-token-secrets-'))
    logFile = join(directory, 'server.log')
    // Debug: the level that logs the most, reads and rejected requests included.
    const logger = pino({ level: 'debug' }, destination({ dest: logFile, sync: true }))
    server = await startServer({
      database: { inMemory: true },
      host: '127.0.0.1',
      port: 0,
      logger: logger as FastifyBaseLogger,
      adminToken: ADMIN,
    })
  })
  afterAll(async () => {
    if (!stopped) await server?.stop()
    rmSync(directory, { recursive: true, force: true })
  })

  const cli = (...args: string[]) => weir(...args, '--url', server.url, '--token', ADMIN)

  async function createToken(): Promise<{ token: string; id: string }> {
    const created = await cli('token', 'create', 'leaky-svc', '-d', 'to be leaked')
    expect(created.exitCode).toBe(0)
    return JSON.parse(created.out) as { token: string; id: string }
  }

  it('refuses to revoke something that is neither a token id nor a token, saying what to give', async () => {
    const run = await cli('token', 'revoke', 'not-a-token')
    expect(run.exitCode).toBe(1)
    expect(run.err).toMatch(/16 hex digits after weir_.*weir token list/)
    const direct = await fetch(`${server.url}/api/v1/tokens/not-a-token`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    expect(direct.status).toBe(400)
    expect(await direct.json()).toMatchObject({ error: { code: 'invalid_field', field: 'id' } })
  })

  // Last: it stops the server to read the whole log.
  it('keeps every secret out of the log and the audit trail', async () => {
    expect((await cli('principal', 'create', 'leaky-svc', '--kind', 'service')).exitCode).toBe(0)
    const viaCli = await createToken()
    const viaUrl = await createToken()
    const inQuery = await createToken()

    // The CLI given the whole token: revoked by id, and the secret is not even echoed.
    const revoked = await cli('token', 'revoke', viaCli.token)
    expect(revoked).toMatchObject({ exitCode: 0, out: `revoked ${viaCli.id}\n` })
    // Someone pasting a whole token into the URL by hand: the server revokes by its id and redacts it.
    const pasted = await fetch(`${server.url}/api/v1/tokens/${viaUrl.token}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    expect(pasted.status).toBe(204)
    // A token in a query string, on a route that writes the query into the audit record's resource.
    const query = await fetch(`${server.url}/api/v1/audit?resource=dataset:${inQuery.token}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    expect(query.status).toBe(200)
    // A leaked token used as a principal name: the write's audit summary (name) must not carry it.
    expect((await cli('principal', 'create', inQuery.token)).exitCode).toBe(0)

    const listed = await cli('token', 'list', 'leaky-svc')
    expect(listed.exitCode).toBe(0)
    const rows = listed.out.trim().split('\n')
    expect(rows[0]).toBe('id\tcreated\texpires\trevoked\tdescription')
    const byId = new Map(rows.slice(1).map((row) => [row.split('\t')[0], row.split('\t')]))
    expect(byId.get(viaCli.id)?.[3]).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(byId.get(viaUrl.id)?.[3]).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(byId.get(inQuery.id)?.[3]).toBe('-')

    const audit = await fetch(`${server.url}/api/v1/audit?format=jsonl`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    const records = (await audit.text()).trim().split('\n')
    await server.stop()
    stopped = true
    const logLines = readFileSync(logFile, 'utf8').trim().split('\n')

    const secrets = [ADMIN, viaCli.token, viaUrl.token, inQuery.token]
    const secretParts = secrets.map((token) => token.slice(token.lastIndexOf('_') + 1))
    for (const line of [...logLines, ...records, listed.out, revoked.out, revoked.err]) {
      for (const secret of secretParts) expect(line).not.toContain(secret)
    }
    // Not vacuous: the revocations are in the log and the audit trail, by id.
    expect(logLines.some((line) => line.includes(`/api/v1/tokens/${viaCli.id}`))).toBe(true)
    expect(logLines.some((line) => line.includes(`/api/v1/tokens/weir_${viaUrl.id}_<redacted>`))).toBe(true)
    expect(records.some((line) => line.includes(`"id":"${viaCli.id}"`))).toBe(true)
    expect(records.some((line) => line.includes(`"id":"weir_${viaUrl.id}_<redacted>"`))).toBe(true)
    expect(records.some((line) => line.includes(`dataset:weir_${inQuery.id}_<redacted>`))).toBe(true)
  })
})

describe('token helpers', () => {
  it('derive an id from an id or a whole token, and nothing else', () => {
    const { token, id } = generateToken()
    expect(tokenIdOf(token)).toBe(id)
    expect(tokenIdOf(id)).toBe(id)
    expect(tokenIdOf(`${token}x`)).toBeUndefined()
    expect(tokenIdOf('weir_xyz')).toBeUndefined()
  })

  it('redact whole and cut-short tokens inside other text, keeping the id', () => {
    const { token, id } = generateToken()
    expect(redactTokens(`DELETE /api/v1/tokens/${token}?x=1`)).toBe(
      `DELETE /api/v1/tokens/weir_${id}_<redacted>?x=1`,
    )
    expect(redactTokens(`name '${token.slice(0, 30)}' is bad`)).toBe(`name 'weir_${id}_<redacted>' is bad`)
    expect(redactTokens('weir_notatoken')).toBe('weir_notatoken')
  })
})
