/**
 * A UDM server for tests that go through the catalog: an in-memory store on a free loopback port, started with
 * a bootstrap admin token, its catalog applied, and the SDK connected as admin.
 */
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import type { CatalogDocument } from '../../src/catalog/catalog-document.ts'
import { generateToken } from '../../src/catalog/governance/tokens.ts'
import { catalogAccess } from '../../src/cli/commands/sql-catalog.ts'
import { HttpUdmClient } from '../../src/cli/commands/udm-client.ts'
import { connect, type Udm } from '../../src/client/index.ts'
import { type RunningServer, startServer } from '../../src/server/serve.ts'
import { UdmTableResolver } from '../../src/sql/catalog/udm-resolver.ts'

const silent = pino({ level: 'silent' }) as FastifyBaseLogger

export interface TestUdm {
  readonly server: RunningServer
  /** The SDK, connected with the admin token. */
  readonly udm: Udm
  readonly adminToken: string
  /** Resolves SQL tables through the server, as `weir sql run --url URL --token T` does (admin by default). */
  resolver(token?: string): UdmTableResolver
  close(): Promise<void>
}

export async function startTestUdm(catalog: CatalogDocument): Promise<TestUdm> {
  const adminToken = generateToken().token
  const server = await startServer({
    database: { inMemory: true },
    host: '127.0.0.1',
    port: 0,
    logger: silent,
    adminToken,
  })
  await server.catalog.apply(catalog)
  const udm = await connect({ url: server.url, token: adminToken })
  return {
    server,
    udm,
    adminToken,
    resolver: (token = adminToken) =>
      new UdmTableResolver(catalogAccess(new HttpUdmClient(server.url, token), undefined)),
    close: async () => {
      await udm.close()
      await server.stop()
    },
  }
}

/** The catalog entry of the harness's Kafka broker, as the test catalogs name it. */
export function kafkaTestCluster(bootstrapServers: string) {
  return { name: 'kafka-test', system: 'kafka', properties: { 'bootstrap.servers': bootstrapServers } }
}
