import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { SERVICE_NAMES, type ServiceName, ServiceRegistry } from '../../infra/services/index.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    serviceBroker: string
  }
}

/**
 * Test files run in worker processes, but services must outlive any one file and start once per run.
 * So the main process runs a tiny loopback "service broker": a test asks it for a service by name,
 * the broker starts that service on first request, and everything started is torn down after the run.
 * Services nobody asks for are never started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = new ServiceRegistry(({ service, millis }) => {
    process.stderr.write(`[services] ${service} started in ${millis} ms\n`)
  })
  const broker = createServer((request, response) => {
    const name = request.url?.replace(/^\/services\//, '') as ServiceName
    if (request.method !== 'POST' || !SERVICE_NAMES.includes(name)) {
      response.writeHead(404).end(`unknown service; known: ${SERVICE_NAMES.join(', ')}`)
      return
    }
    registry.need(name).then(
      (endpoints) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(endpoints)),
      (error: unknown) => response.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    )
  })
  await listen(broker)
  project.provide('serviceBroker', `http://127.0.0.1:${(broker.address() as AddressInfo).port}`)

  return async () => {
    broker.close()
    await registry.stopAll()
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
}
