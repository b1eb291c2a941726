import type { Kafka, KafkaMessage } from 'kafkajs'
import type { ResolvedDataset, ResolvedLocation } from '../catalog/locations/model.ts'
import type { KafkaMessageBatch, StartupMode } from '../connectors/kafka/reader.ts'
import { headersAsText, KafkaReader, recordOf } from '../connectors/kafka/reader.ts'
import type { KafkaWriter } from '../connectors/kafka/writer.ts'
import type { RedisStore } from '../connectors/redis/store.ts'
import type { CodecRegistry } from '../formats/index.ts'
import { type BindingCodec, codecFor } from './codecs.ts'
import { type DeadLetter, DeadLetterQueue } from './dead-letter.ts'
import { DatasetUsageError } from './errors.ts'

export type DatasetAccess = 'read' | 'write'

/** What a dataset handle needs from its connection: resolution (permission-checked), codecs, clients. */
export interface DatasetContext {
  resolve(dataset: string, access: DatasetAccess): Promise<ResolvedDataset>
  readonly registry: CodecRegistry
  kafkaFor(location: ResolvedLocation): Kafka
  /** One long-lived producer per topic: opening one costs round trips that a write must not pay each time. */
  writerFor(location: ResolvedLocation): Promise<KafkaWriter>
  redisFor(location: ResolvedLocation): RedisStore
}

export interface ReadOptions {
  /** The consumer group: reading resumes where the group left off. */
  group: string
  /** Where a group without committed offsets starts; a timestamp starts there regardless of the group. */
  from?: 'earliest' | 'latest' | { timestamp: number }
  /**
   * Commit the group's position of processed batches (those before the one asked for next) at most once a
   * second, and on close, as Kafka's auto-commit does: at-least-once delivery. Default true.
   */
  autoCommit?: boolean
}

export interface DatasetRecord<T> {
  key: unknown
  /** null for a tombstone (a deletion marker in a compacted topic). */
  value: T | null
  partition: number
  offset: string
  timestamp: number
  headers: Readonly<Record<string, string>>
}

/** Consecutive records of one partition (at most 1000, from one fetch). */
export interface DatasetBatch<T> {
  partition: number
  records: DatasetRecord<T>[]
  /** Records of this batch that failed to decode and went to the dead-letter topic instead. */
  deadLettered: number
}

interface Codecs {
  key: BindingCodec | undefined
  value: BindingCodec
}

/** A logical dataset, addressed by name: where and how it is stored is the catalog's business. */
export class DatasetHandle<T = Record<string, unknown>> {
  constructor(
    private readonly context: DatasetContext,
    readonly name: string,
  ) {}

  private async codecs(resolved: ResolvedDataset): Promise<Codecs> {
    const { registry } = this.context
    return {
      key: resolved.key ? await codecFor(this.name, 'key', resolved.key, registry) : undefined,
      value: await codecFor(this.name, 'value', resolved.value, registry),
    }
  }

  /**
   * Encodes records with the dataset's current schema and produces them to its topic. The Kafka key is the
   * primary key: encoded with the key format when the dataset has one, else its values joined by ':'.
   */
  async write(records: T[]): Promise<void> {
    const resolved = await this.context.resolve(this.name, 'write')
    const location = locationOf(resolved, 'kafka')
    const codecs = await this.codecs(resolved)
    // A raw key is the key's text, as without a key format: a codec would get the key fields as an object.
    const keyOf = keyEncoder(resolved.primaryKey, resolved.key?.format === 'raw' ? undefined : codecs.key)
    const writer = await this.context.writerFor(location)
    await writer.send(records.map((record) => ({ key: keyOf(record), value: codecs.value.encode(record) })))
  }

  /** Decoded batches from the dataset's topic; undecodable records go to `<topic>.dlq` with the reason. */
  read(options: ReadOptions): DatasetReader<T> {
    return new DatasetReader<T>(this.context, this.name, options, (resolved) => this.codecs(resolved))
  }

  /** The record stored under a key in the dataset's key-value location (Redis), or undefined. */
  async lookup(key: Record<string, unknown>): Promise<T | undefined> {
    const resolved = await this.context.resolve(this.name, 'read')
    const store = this.context.redisFor(locationOf(resolved, 'redis'))
    const stored = await store.get(key)
    if (stored === undefined || !Buffer.isBuffer(stored)) return stored as T | undefined
    const { value } = await this.codecs(resolved)
    await value.prepare([stored])
    return value.decode(stored) as T
  }
}

function locationOf(resolved: ResolvedDataset, system: 'kafka' | 'redis'): ResolvedLocation {
  const location = resolved.locations.find((candidate) => candidate.system === system)
  if (!location) {
    const systems = resolved.locations.map((candidate) => candidate.system).join(', ') || 'none'
    throw new DatasetUsageError(
      resolved.dataset,
      `has no ${system} location in environment '${resolved.environment}' (it has: ${systems})`,
    )
  }
  return location
}

function keyEncoder<T>(
  primaryKey: string[],
  keyCodec: BindingCodec | undefined,
): (record: T) => Buffer | null {
  if (primaryKey.length === 0) return () => null
  const fieldsOf = (record: T): Record<string, unknown> =>
    Object.fromEntries(primaryKey.map((field) => [field, (record as Record<string, unknown>)[field]]))
  if (keyCodec) return (record) => keyCodec.encode(fieldsOf(record))
  return (record) =>
    Buffer.from(primaryKey.map((field) => String((record as Record<string, unknown>)[field])).join(':'))
}

function startupOf(from: ReadOptions['from']): StartupMode {
  if (typeof from === 'object') return { mode: 'timestamp', timestampMillis: from.timestamp }
  return { mode: 'group-offsets', reset: from ?? 'earliest' }
}

const AUTO_COMMIT_INTERVAL_MS = 1_000

/** Opens lazily on iteration, so `for await (const batch of dataset.read(...))` reads naturally. */
export class DatasetReader<T> implements AsyncIterable<DatasetBatch<T>> {
  private reader: KafkaReader | undefined
  private deadLetters: DeadLetterQueue | undefined

  constructor(
    private readonly context: DatasetContext,
    private readonly dataset: string,
    private readonly options: ReadOptions,
    private readonly codecsOf: (resolved: ResolvedDataset) => Promise<Codecs>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<DatasetBatch<T>> {
    const resolved = await this.context.resolve(this.dataset, 'read')
    const location = locationOf(resolved, 'kafka')
    const kafka = this.context.kafkaFor(location)
    const topic = String(location.topic)
    const codecs = await this.codecsOf(resolved)
    this.reader = await KafkaReader.open(kafka, {
      topic,
      groupId: this.options.group,
      startup: startupOf(this.options.from),
      ...(this.options.autoCommit === false ? {} : { autoCommitIntervalMs: AUTO_COMMIT_INTERVAL_MS }),
    })
    this.deadLetters = await DeadLetterQueue.open(kafka, this.dataset, `${topic}.dlq`)
    try {
      for await (const batch of this.reader.messageBatches()) {
        const decoded = await decodeBatch<T>(batch, codecs)
        await this.deadLetters.send(decoded.failed)
        yield { partition: batch.partition, records: decoded.records, deadLettered: decoded.failed.length }
      }
    } finally {
      await this.close()
    }
  }

  /** Commits the position after every batch handed out so far. */
  async commit(): Promise<void> {
    await this.reader?.commit()
  }

  async close(): Promise<void> {
    const { reader, deadLetters } = this
    this.reader = undefined
    this.deadLetters = undefined
    if (reader && this.options.autoCommit !== false) await reader.commit()
    await reader?.close()
    await deadLetters?.close()
  }
}

/** Decodes kafkajs' messages straight into the caller's records: one object per record, no intermediate. */
async function decodeBatch<T>(
  { topic, partition, messages }: KafkaMessageBatch,
  codecs: Codecs,
): Promise<{ records: DatasetRecord<T>[]; failed: DeadLetter[] }> {
  await codecs.value.prepare(presentBytes(messages, 'value'))
  if (codecs.key) await codecs.key.prepare(presentBytes(messages, 'key'))
  const decoded: DatasetRecord<T>[] = []
  const failed: DeadLetter[] = []
  for (const message of messages) {
    try {
      decoded.push({
        key: decodeKey(message.key, codecs.key),
        value: message.value ? (codecs.value.decode(message.value) as T) : null,
        partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
        headers: headersAsText(message.headers),
      })
    } catch (error) {
      failed.push({ record: recordOf(topic, partition, message), error })
    }
  }
  return { records: decoded, failed }
}

/** Without a key format, keys are text (the primary key's values joined by ':'). */
function decodeKey(key: Buffer | null, codec: BindingCodec | undefined): unknown {
  if (!key) return null
  return codec ? codec.decode(key) : key.toString()
}

/** The non-null keys or values of a batch; a plain loop, as this runs once per record. */
function presentBytes(messages: KafkaMessage[], side: 'key' | 'value'): Buffer[] {
  const bytes: Buffer[] = []
  for (const message of messages) {
    const present = message[side]
    if (present) bytes.push(present)
  }
  return bytes
}
