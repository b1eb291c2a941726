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
import { assertTopicExists } from '../connectors/kafka/topic-admin.ts'
import { KafkaWriter } from '../connectors/kafka/writer.ts'
import { type RedisDataType, RedisStore } from '../connectors/redis/store.ts'
import { CodecRegistry } from '../formats/index.ts'
import {
  type DatasetAccess,
  type DatasetContext,
  DatasetHandle,
  type LocationSystem,
  locationOf,
} from './dataset.ts'
import { DatasetUsageError, SecretAccessError, UdmClientError } from './errors.ts'
import { type UdmConnectionOptions, UdmHttp } from './http.ts'
import type { RegistryRetryOptions } from './registry-retry.ts'
import { RegistrySchemaSource } from './registry-source.ts'

export { MissingTopicError } from '../connectors/kafka/topic-admin.ts'
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
  SecretAccessError,
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
  private readonly locations = new Map<string, Promise<ResolvedLocation>>()
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

  /** The dataset as the caller may see it: every location, secrets as references. */
  private fetchResolution(dataset: string, access: DatasetAccess): Promise<ResolvedDataset> {
    return this.http.get<ResolvedDataset>(this.resolvePath(dataset, access, {}))
  }

  private resolvePath(dataset: string, access: DatasetAccess, extra: Record<string, string>): string {
    const query = new URLSearchParams({ access, ...extra })
    if (this.environment) query.set('environment', this.environment)
    return `/api/v1/datasets/${encodeURIComponent(dataset)}/resolve?${query}`
  }

  /**
   * The dataset's location on `system`, ready to connect to. Secrets are asked for only when that location's
   * cluster has references, and only for that location (system= and cluster= on the resolve): a Redis
   * lookup never needs, nor asks for, the password of the dataset's MySQL location.
   */
  locate(dataset: string, access: DatasetAccess, system: LocationSystem): Promise<ResolvedLocation> {
    const cacheKey = `${access}:${system}:${dataset}`
    let located = this.locations.get(cacheKey)
    if (!located) {
      located = this.fetchLocation(dataset, access, system)
      this.locations.set(cacheKey, located)
      located.catch(() => this.locations.delete(cacheKey))
    }
    return located
  }

  private async fetchLocation(
    dataset: string,
    access: DatasetAccess,
    system: LocationSystem,
  ): Promise<ResolvedLocation> {
    const location = locationOf(await this.resolve(dataset, access), system)
    const needsSecrets = Object.values(location.cluster.properties).some(
      (value) => typeof value === 'string' && SECRET_REFERENCE.test(value),
    )
    if (!needsSecrets) return location
    const cluster = location.cluster.name
    const path = this.resolvePath(dataset, access, { includeSecrets: 'true', system, cluster })
    try {
      return locationOf(await this.http.get<ResolvedDataset>(path), system)
    } catch (error) {
      if (error instanceof UdmClientError && error.status === 403) {
        throw new SecretAccessError(dataset, cluster, secretRemedy(dataset, cluster, error), error)
      }
      throw error
    }
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

  writerFor(location: ResolvedLocation, dataset: string): Promise<KafkaWriter> {
    const key = `${location.cluster.name}/${String(location.topic)}`
    let writer = this.writers.get(key)
    if (!writer) {
      writer = this.openWriter(location, dataset)
      this.writers.set(key, writer)
      writer.catch(() => this.writers.delete(key))
    }
    return writer
  }

  /** A writer to a topic that exists: a missing one fails here, at once, naming the command that creates it. */
  private async openWriter(location: ResolvedLocation, dataset: string): Promise<KafkaWriter> {
    const kafka = this.kafkaFor(location)
    const topic = String(location.topic)
    await assertTopicExists(kafka, topic, { cluster: location.cluster.name, dataset })
    return KafkaWriter.open(kafka, { topic })
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

/** What to do about a 403 on a resolve with secrets: the grants to ask for, or the server option to set. */
function secretRemedy(dataset: string, cluster: string, error: UdmClientError): string {
  if (error.code === 'secrets_forbidden') {
    return 'Start the UDM server with --allow-secrets (weir udm serve --allow-secrets), or give the cluster plain connection properties'
  }
  return (
    `Secrets need owner on the dataset and on the cluster: ask an owner or admin for \`weir grant add owner cluster:${cluster} --principal <you>\`` +
    ` (and \`weir grant add owner ${dataset} --principal <you>\` if you do not own ${dataset})`
  )
}

/** Connects to a UDM server (checking that it answers); datasets are resolved when first used. */
export async function connect(options: ConnectOptions): Promise<Udm> {
  const http = new UdmHttp(options)
  await http.get('/health')
  return new Udm(http, options.environment, options.registryRetry)
}
