import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import { expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import { parseAnchor } from '../../src/catalog/governance/audit-anchor.ts'
import { startServer } from '../../src/server/serve.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN } from './helpers.ts'

it('logs the audit anchor at start and at shutdown, and the trail verifies against it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-anchor-log-'))
  const lines: Array<{ auditAnchor?: string; msg: string }> = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  const logger = pino({ level: 'info' }, sink) as FastifyBaseLogger
  try {
    const server = await startServer({
      database: { dataDir },
      host: '127.0.0.1',
      port: 0,
      logger,
      adminToken: ADMIN_TOKEN,
    })
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${server.url}/api/v1/principals`, { headers: ADMIN_HEADERS })).status).toBe(200)
    }
    await server.stop()
    const anchors = lines.filter((line) => line.auditAnchor !== undefined)
    expect(anchors.map((line) => line.msg.slice(0, line.msg.indexOf(')') + 1))).toEqual([
      'audit anchor (start)',
      'audit anchor (shutdown)',
    ])
    const last = parseAnchor(anchors[1]!.auditAnchor!)
    expect(last.sequence).toBeGreaterThanOrEqual(3)
    expect(anchors[1]!.msg).toContain(`weir audit verify --anchor ${anchors[1]!.auditAnchor}`)
    const reopened = await Catalog.open({ database: { dataDir } })
    try {
      expect(await reopened.governance.verifyAudit({ anchor: last })).toMatchObject({ ok: true, head: last })
    } finally {
      await reopened.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
