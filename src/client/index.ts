/**
 * The client proxy SDK: services read, write and look up data by logical dataset name. Where the data
 * lives, how it is encoded and whether the caller may touch it is the UDM server's answer, asked once per
 * dataset and access kind; schemas are fetched once per id and cached.
 *
 *   const udm = await connect({ url, token })
 *   await udm.dataset('traffic.pageview').write([{ user_id: 1, url: '/a', ts: Date.now() }])
 */
import type { Kafka } from 'kafkajs'
import type { ResolvedDataset, ResolvedLocation } from '../catalog/locations/model.ts'
import { kafkaClient, parseBootstrapServers } from '../connectors/kafka/client.ts'
import { KafkaWriter } from '../connectors/kafka/writer.ts'
import { type RedisDataType, RedisStore } from '../connectors/redis/store.ts'
import { CodecRegistry } from '../formats/index.ts'
import { type DatasetAccess, type DatasetContext, DatasetHandle } from './dataset.ts'
import { DatasetUsageError } from './errors.ts'
import { type UdmConnectionOptions, UdmHttp } from './http.ts'
import type { RegistryRetryOptions } from './registry-retry.ts'
import { RegistrySchemaSource } from './registry-source.ts'

export type {
  DatasetBatch,
  DatasetReader,
  DatasetRecord,
  ReadOptions,
  UndecodableRecord,
} from './dataset.ts'
export { DatasetHandle } from './dataset.ts'
export { DEAD_LETTER_HEADERS } from './dead-letter.ts'
export {
  DatasetUsageError,
  RegistryUnavailableError,
  UdmClientError,
  UdmUnreachableError,
} from './errors.ts'
export type { RegistryRetryOptions } from './registry-retry.ts'

export interface ConnectOptions extends UdmConnectionOptions {
  /** The environment whose locations are used (prod, staging, ...); the server's default when omitted. */
  environment?: string
  /** How schema registry faults are retried before a read stops or a write fails. */
  registryRetry?: RegistryRetryOptions
}

const SECRET_REFERENCE = /^(env|file):/

export class Udm implements DatasetContext {
  readonly registry: CodecRegistry
  private readonly resolutions = new Map<string, Promise<ResolvedDataset>>()
  private readonly kafkaClients = new Map<string, Kafka>()
  private readonly writers = new Map<string, Promise<KafkaWriter>>()
  private readonly redisStores = new Map<string, RedisStore>()

  constructor(
    private readonly http: UdmHttp,
    private readonly environment: string | undefined,
    readonly registryRetry?: RegistryRetryOptions,
  ) {
    // The SDK paces its own retries of registry faults (registryRetry), so the codec registry must not
    // answer them from its memory of the last failure.
    this.registry = new CodecRegistry(new RegistrySchemaSource(http), { retryDelayMs: 0 })
  }

  dataset<T = Record<string, unknown>>(name: string): DatasetHandle<T> {
    return new DatasetHandle<T>(this, name)
  }

  /** Resolution is per access kind, so the server checks (and audits) reads and writes separately. */
  resolve(dataset: string, access: DatasetAccess): Promise<ResolvedDataset> {
    const cacheKey = `${access}:${dataset}`
    let resolved = this.resolutions.get(cacheKey)
    if (!resolved) {
      resolved = this.fetchResolution(dataset, access)
      this.resolutions.set(cacheKey, resolved)
      resolved.catch(() => this.resolutions.delete(cacheKey))
    }
    return resolved
  }

  private async fetchResolution(dataset: string, access: DatasetAccess): Promise<ResolvedDataset> {
    const query = new URLSearchParams({ access })
    if (this.environment) query.set('environment', this.environment)
    const path = `/api/v1/datasets/${encodeURIComponent(dataset)}/resolve`
    const resolved = await this.http.get<ResolvedDataset>(`${path}?${query}`)
    // Secrets are only asked for when a location actually needs one, so most callers never hold any.
    const needsSecrets = resolved.locations.some((location) =>
      Object.values(location.cluster.properties).some(
        (value) => typeof value === 'string' && SECRET_REFERENCE.test(value),
      ),
    )
    if (!needsSecrets) return resolved
    query.set('includeSecrets', 'true')
    return this.http.get<ResolvedDataset>(`${path}?${query}`)
  }

  kafkaFor(location: ResolvedLocation): Kafka {
    const { cluster } = location
    let kafka = this.kafkaClients.get(cluster.name)
    if (!kafka) {
      const servers = cluster.properties['bootstrap.servers']
      if (typeof servers !== 'string') {
        throw new DatasetUsageError(cluster.name, 'the Kafka cluster has no bootstrap.servers property')
      }
      kafka = kafkaClient({ bootstrapServers: parseBootstrapServers(servers), clientId: 'weir-sdk' })
      this.kafkaClients.set(cluster.name, kafka)
    }
    return kafka
  }

  writerFor(location: ResolvedLocation): Promise<KafkaWriter> {
    const key = `${location.cluster.name}/${String(location.topic)}`
    let writer = this.writers.get(key)
    if (!writer) {
      writer = KafkaWriter.open(this.kafkaFor(location), { topic: String(location.topic) })
      this.writers.set(key, writer)
      writer.catch(() => this.writers.delete(key))
    }
    return writer
  }

  redisFor(location: ResolvedLocation): RedisStore {
    const key = `${location.cluster.name}/${String(location.keyPattern)}`
    let store = this.redisStores.get(key)
    if (!store) {
      if (location.dataType !== 'string' && location.dataType !== 'hash') {
        throw new DatasetUsageError(
          location.cluster.name,
          `lookups read Redis strings and hashes; this location holds ${String(location.dataType)}s`,
        )
      }
      const { properties } = location.cluster
      const url =
        typeof properties.url === 'string'
          ? properties.url
          : `redis://${properties.host}:${properties.port ?? 6379}`
      store = RedisStore.connect({
        url,
        keyPattern: String(location.keyPattern),
        dataType: location.dataType as RedisDataType,
      })
      this.redisStores.set(key, store)
    }
    return store
  }

  async close(): Promise<void> {
    const writers = await Promise.allSettled(this.writers.values())
    await Promise.all(
      writers.map((writer) => (writer.status === 'fulfilled' ? writer.value.close() : undefined)),
    )
    this.writers.clear()
    await Promise.all([...this.redisStores.values()].map((store) => store.close()))
    this.redisStores.clear()
  }
}

/** Connects to a UDM server (checking that it answers); datasets are resolved when first used. */
export async function connect(options: ConnectOptions): Promise<Udm> {
  const http = new UdmHttp(options)
  await http.get('/health')
  return new Udm(http, options.environment, options.registryRetry)
}
