/**
 * Which registry answers mean "this schema does not exist" (a bad record) and which are faults (the record
 * may be fine): against a real UDM server, the same server behind a wrong base URL, and a server that
 * accepts connections and never answers.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { UdmClientError, UdmUnreachableError } from '../../src/client/errors.ts'
import { UdmHttp } from '../../src/client/http.ts'
import { RegistrySchemaSource } from '../../src/client/registry-source.ts'
import { CodecRegistry, type DecodeError } from '../../src/formats/index.ts'
import { startTestUdm, type TestUdm } from '../harness/udm-server.ts'

let udm: TestUdm
let silent: Server
let silentUrl: string
const sockets = new Set<Socket>()

beforeAll(async () => {
  udm = await startTestUdm(readCatalogDocument({}))
  // Accepts connections and never answers: a hung server, as a timeout meets it.
  silent = createServer((socket) => void sockets.add(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const address = silent.address()
  silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(async () => {
  await udm?.close()
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent?.close(resolve))
})

const source = (url: string, requestTimeoutMs?: number) =>
  new RegistrySchemaSource(
    new UdmHttp({ url, token: udm.adminToken, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) }),
  )

describe('registry schema source', () => {
  it('resolves undefined only when the registry says the schema id does not exist (40403)', async () => {
    await expect(source(udm.server.url).schemaById(987_654)).resolves.toBeUndefined()
  })

  it('rejects a 404 that is not the registry speaking (a wrong base URL), so it is a fault', async () => {
    const wrongPath = source(`${udm.server.url}/not-the-registry`)
    const error = await wrongPath.schemaById(987_654).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UdmClientError)
    expect((error as UdmClientError).status).toBe(404)
    const registry = new CodecRegistry(wrongPath)
    const failure = await registry.load(987_654).catch((caught: unknown) => caught)
    expect((failure as DecodeError).reason).toBe('REGISTRY_UNAVAILABLE')
  })

  it('gives up on a server that never answers after the request timeout', async () => {
    const started = Date.now()
    const error = await source(silentUrl, 300)
      .schemaById(1)
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UdmUnreachableError)
    expect((error as Error).message).toMatch(
      /no answer before the timeout; start it with `weir udm serve` or check --url/,
    )
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
