import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import { createCatalogMetrics } from '../../src/catalog/governance/metrics.ts'
import { buildServer } from '../../src/server/app.ts'
import { registerEnforcement } from '../../src/server/governance/enforcement.ts'
import { SubjectIndexCache } from '../../src/server/governance/subject-index.ts'
import { authorizationSuite } from './authorization-suite.ts'
import { governanceSuite } from './governance-suite.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN } from './helpers.ts'

governanceSuite('PGlite', async () => ({ inMemory: true }))

describe('the route table', () => {
  it('stops a server whose route it does not list', async () => {
    const catalog = await Catalog.open({ database: { inMemory: true } })
    const app = Fastify()
    try {
      registerEnforcement(app, {
        context: { catalog, subjects: new SubjectIndexCache(catalog) },
        metrics: createCatalogMetrics({ processMetrics: false }),
        protectMetrics: false,
      })
      expect(() => app.get('/forgotten', async () => 'open')).toThrow(/not in the governance route table/)
    } finally {
      await app.close()
      await catalog.close()
    }
  })

  it('can protect /metrics', async () => {
    const catalog = await Catalog.open({ database: { inMemory: true } })
    const app = await buildServer({
      catalog,
      adminToken: ADMIN_TOKEN,
      protectMetrics: true,
      closeCatalog: true,
    })
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: ADMIN_HEADERS })).statusCode).toBe(
        200,
      )
    } finally {
      await app.close()
    }
  })
})

authorizationSuite('PGlite', async () => ({ inMemory: true }))
