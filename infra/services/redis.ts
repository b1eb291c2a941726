import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { ManagedProcess } from './managed-process.ts'
import { freePort } from './ports.ts'

export interface RedisService {
  url: string
  port: number
  logFile: string
  stop(): Promise<void>
}

/** Starts a private, non-persistent redis-server on a free loopback port. */
export async function startRedis(options: { workDir: string; timeoutMs?: number }): Promise<RedisService> {
  const dataDir = join(options.workDir, 'redis')
  mkdirSync(dataDir, { recursive: true })
  const port = await freePort()
  const logFile = join(dataDir, 'redis.log')
  const server = new ManagedProcess({
    service: 'redis',
    command: 'redis-server',
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dataDir,
    ],
    logFile,
  })
  const url = `redis://127.0.0.1:${port}`
  await server.waitUntilReady(async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    // A refused connection while the server boots is expected; the probe's rejection already reports it.
    client.on('error', () => undefined)
    try {
      await client.connect()
      return (await client.ping()) === 'PONG'
    } finally {
      client.disconnect()
    }
  }, options.timeoutMs ?? 30_000)
  return { url, port, logFile, stop: () => server.stop() }
}
