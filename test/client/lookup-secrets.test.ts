/**
 * `weir data lookup` asks for the secrets of the one location it reads (issue #17): a dataset kept in Redis
 * and MySQL is looked up in Redis without the MySQL password, on a default server (no --allow-secrets) too;
 * a caller who may not receive the Redis cluster's secrets is told which grant to ask for.
 */
import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { generateToken } from '../../src/catalog/governance/tokens.ts'
import { type RunningServer, startServer } from '../../src/server/serve.ts'
import { useService } from '../harness/services.ts'
import { weir } from '../harness/weir-cli.ts'

const silent = pino({ level: 'silent' }) as FastifyBaseLogger
const suffix = Date.now().toString(36)
/** The Redis URL is the secret here: the env var holds it, the catalog only `env:` + its name. */
const REDIS_URL_ENV = `WEIR_TEST_REDIS_URL_${suffix.toUpperCase()}`

let redisUrl: string
const servers: RunningServer[] = []
/** A server as `weir udm serve` starts by default: it hands out no secrets at all. */
let plain: { server: RunningServer; adminToken: string }

/** A user dimension kept in Redis (for lookups) and MySQL (for batch jobs), whose MySQL password is a secret. */
function catalog(redisUrlProperty: string) {
  return readCatalogDocument({
    clusters: [
      { name: 'redis-dim', system: 'redis', properties: { url: redisUrlProperty } },
      {
        name: 'mysql-dim',
        system: 'mysql',
        properties: { host: '127.0.0.1', port: 3306, user: 'weir', password: 'env:WEIR_TEST_MYSQL_PASSWORD' },
      },
    ],
    datasets: [
      {
        name: 'dim.user',
        kind: 'kv',
        value: { format: 'json' },
        primaryKey: ['user_id'],
        locations: {
          prod: [
            { cluster: 'redis-dim', keyPattern: `${suffix}:user:{user_id}`, dataType: 'string' },
            { cluster: 'mysql-dim', table: 'dim.user' },
          ],
        },
      },
    ],
  })
}

async function serve(allowSecrets: boolean, redisUrlProperty: string) {
  const adminToken = generateToken().token
  const server = await startServer({
    database: { inMemory: true },
    host: '127.0.0.1',
    port: 0,
    logger: silent,
    adminToken,
    allowSecrets,
  })
  servers.push(server)
  await server.catalog.apply(catalog(redisUrlProperty))
  return { server, adminToken }
}

beforeAll(async () => {
  redisUrl = (await useService('redis')).url
  process.env[REDIS_URL_ENV] = redisUrl
  const redis = new Redis(redisUrl)
  try {
    await redis.set(`${suffix}:user:42`, JSON.stringify({ user_id: 42, city: 'Guangzhou' }))
  } finally {
    redis.disconnect()
  }
  plain = await serve(false, redisUrl)
})

afterAll(async () => {
  delete process.env[REDIS_URL_ENV]
  for (const server of servers) await server.stop()
})

describe('weir data lookup resolves only the location it reads', () => {
  it('reads Redis on a default server without asking for the MySQL password', async () => {
    const { server, adminToken } = plain
    const run = await weir(
      'data',
      'lookup',
      'dim.user',
      'user_id=42',
      '--url',
      server.url,
      '--token',
      adminToken,
    )
    expect(run.err).toBe('')
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.out)).toEqual({ user_id: 42, city: 'Guangzhou' })
    // Nothing asked for secrets: the audit trail has no resolve with includeSecrets.
    const secrets = await server.catalog.governance.queryAudit({
      action: 'dataset.secrets',
      order: 'desc',
      limit: 10,
    })
    expect(secrets).toEqual([])
  })

  it("names the grant to ask for when the Redis cluster's secrets are not the caller's", async () => {
    const { server } = await serve(true, `env:${REDIS_URL_ENV}`)
    const { governance } = server.catalog
    await governance.createPrincipal({ name: 'lookup-svc', kind: 'service' }, 'admin')
    const { token } = await governance.createToken('lookup-svc', {}, 'admin')
    const grantee = { kind: 'principal' as const, name: 'lookup-svc' }
    await governance.addGrant({ grantee, role: 'owner', scope: 'dim.user' }, 'admin')

    const refused = await weir(
      'data',
      'lookup',
      'dim.user',
      'user_id=42',
      '--url',
      server.url,
      '--token',
      token,
    )
    expect(refused.exitCode).toBe(1)
    expect(refused.err).toContain("cluster 'redis-dim'")
    expect(refused.err).toContain('weir grant add owner cluster:redis-dim --principal <you>')
    expect(refused.err).not.toContain('mysql')

    // Owner of the Redis cluster is enough: the MySQL cluster, whose secrets are not asked for, needs nothing.
    await governance.addGrant({ grantee, role: 'owner', scope: 'cluster:redis-dim' }, 'admin')
    const run = await weir('data', 'lookup', 'dim.user', 'user_id=42', '--url', server.url, '--token', token)
    expect(run.err).toBe('')
    expect(JSON.parse(run.out)).toEqual({ user_id: 42, city: 'Guangzhou' })
    const secrets = await governance.queryAudit({ action: 'dataset.secrets', order: 'desc', limit: 10 })
    expect(secrets.map((record) => [record.principal, record.result])).toContainEqual([
      'lookup-svc',
      'allowed',
    ])
  })

  it('answers a resolve with system= and cluster= with that location only', async () => {
    const { server, adminToken } = plain
    const response = await fetch(`${server.url}/api/v1/resolve/dim.user?system=redis`, {
      headers: { authorization: `Bearer ${adminToken}` },
    })
    const resolved = (await response.json()) as { locations: Array<{ cluster: { name: string } }> }
    expect(resolved.locations.map((location) => location.cluster.name)).toEqual(['redis-dim'])
    const none = await fetch(`${server.url}/api/v1/resolve/dim.user?system=kafka`, {
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(none.status).toBe(404)
    expect(((await none.json()) as { error: { message: string } }).error.message).toContain(
      "dataset 'dim.user' has no kafka location in environment 'prod'",
    )
  })
})
