import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaService, startKafka } from './kafka.ts'
import { type MariaDbService, startMariaDb } from './mariadb.ts'
import { type PostgresService, startPostgres } from './postgres.ts'
import { type RedisService, startRedis } from './redis.ts'

/** What a client needs to reach each service: plain data, so it can cross process boundaries as JSON. */
export interface ServiceEndpoints {
  kafka: { bootstrapServers: string }
  redis: { url: string; port: number }
  postgres: { url: string; port: number }
  mariadb: { host: string; port: number; user: string; password: string; database: string }
}
export type ServiceName = keyof ServiceEndpoints
export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 'redis', 'postgres', 'mariadb']

type Running = KafkaService | RedisService | PostgresService | MariaDbService

export interface StartupReport {
  service: ServiceName
  millis: number
}

/**
 * Starts real services on demand, each at most once, in a private working directory,
 * and stops them all (and removes the directory) on `stopAll`.
 */
export class ServiceRegistry {
  readonly workDir = mkdtempSync(join(tmpdir(), 'weir-services-'))
  private readonly starting = new Map<ServiceName, Promise<Running>>()
  readonly startups: StartupReport[] = []

  constructor(private readonly onStarted: (report: StartupReport) => void = () => undefined) {}

  async need<K extends ServiceName>(name: K): Promise<ServiceEndpoints[K]> {
    let started = this.starting.get(name)
    if (!started) {
      started = this.start(name)
      this.starting.set(name, started)
      // A failed start is retried by the next caller instead of being cached forever.
      started.catch(() => this.starting.delete(name))
    }
    return endpointsOf(await started) as ServiceEndpoints[K]
  }

  private async start(name: ServiceName): Promise<Running> {
    const began = Date.now()
    const options = { workDir: this.workDir }
    const service = await (name === 'kafka'
      ? startKafka(options)
      : name === 'redis'
        ? startRedis(options)
        : name === 'postgres'
          ? startPostgres(options)
          : startMariaDb(options))
    const report = { service: name, millis: Date.now() - began }
    this.startups.push(report)
    this.onStarted(report)
    return service
  }

  async stopAll(): Promise<void> {
    const running = await Promise.allSettled(this.starting.values())
    await Promise.all(
      running.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)),
    )
    this.starting.clear()
    if (!process.env.WEIR_KEEP_SERVICE_DIRS) rmSync(this.workDir, { recursive: true, force: true })
  }
}

function endpointsOf(service: Running): Omit<Running, 'stop' | 'logFile'> {
  const { stop: _stop, logFile: _logFile, ...endpoints } = service
  return endpoints
}
