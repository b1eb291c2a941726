import type { Kafka, KafkaMessage } from 'kafkajs'
import type { ResolvedDataset, ResolvedLocation } from '../catalog/locations/model.ts'
import type { KafkaMessageBatch, StartupMode } from '../connectors/kafka/reader.ts'
import { headersAsText, KafkaReader, recordOf } from '../connectors/kafka/reader.ts'
import type { KafkaWriter } from '../connectors/kafka/writer.ts'
import type { RedisStore } from '../connectors/redis/store.ts'
import type { CodecRegistry } from '../formats/index.ts'
import { FormatError } from '../formats/index.ts'
import { type BindingCodec, codecFor } from './codecs.ts'
import { type DeadLetter, DeadLetterQueue } from './dead-letter.ts'
import { DeadLetterLedger } from './dead-letter-ledger.ts'
import { DatasetUsageError } from './errors.ts'
import { isRegistryFault, type RegistryRetryOptions, retryRegistryFaults } from './registry-retry.ts'

export type DatasetAccess = 'read' | 'write'
/** The systems a handle reads and writes: Kafka topics, and Redis keys for lookups. */
export type LocationSystem = 'kafka' | 'redis'

/** What a dataset handle needs from its connection: resolution (permission-checked), codecs, clients. */
export interface DatasetContext {
  resolve(dataset: string, access: DatasetAccess): Promise<ResolvedDataset>
  /** The location on `system` the handle connects to, with its cluster's secrets when it has any. */
  locate(dataset: string, access: DatasetAccess, system: LocationSystem): Promise<ResolvedLocation>
  readonly registry: CodecRegistry
  kafkaFor(location: ResolvedLocation): Kafka
  /**
   * One long-lived producer per topic: opening one costs round trips that a write must not pay each time.
   * Fails with a MissingTopicError when the topic does not exist.
   */
  writerFor(location: ResolvedLocation, dataset: string): Promise<KafkaWriter>
  redisFor(location: ResolvedLocation): RedisStore
  /** How long schema registry faults are retried before reading stops (see RegistryRetryOptions). */
  readonly registryRetry?: RegistryRetryOptions
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
  /**
   * Send undecodable records to `<topic>.dlq` (default true). With false they are skipped and only reported
   * in `batch.failed`: a one-off look at a topic should not write to its dead-letter topic.
   */
  deadLetters?: boolean
}

/** A record that could not be decoded: skipped, and dead-lettered unless the reader was told not to. */
export interface UndecodableRecord {
  partition: number
  offset: string
  /** The machine-readable reason (`INVALID_JSON`, `UNKNOWN_SCHEMA_ID`, ...), as in the dead letter's header. */
  reason: string
  message: string
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
  /**
   * Records of this batch that failed to decode and are in the dead-letter topic instead (sent now, or by
   * this group before: a record is dead-lettered once per group).
   */
  deadLettered: number
  /** Every record of this batch that failed to decode, in offset order. */
  failed: UndecodableRecord[]
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

  /** The dataset's codecs; a registry fault while loading its schemas is retried (RegistryRetryOptions). */
  private codecs(resolved: ResolvedDataset): Promise<Codecs> {
    const { registry, registryRetry } = this.context
    return retryRegistryFaults(this.name, registryRetry, async () => ({
      key: resolved.key ? await codecFor(this.name, 'key', resolved.key, registry) : undefined,
      value: await codecFor(this.name, 'value', resolved.value, registry),
    }))
  }

  /**
   * Encodes records with the dataset's current schema and produces them to its topic. The Kafka key is the
   * primary key: encoded with the key format when the dataset has one, else its values joined by ':'.
   */
  async write(records: T[]): Promise<void> {
    const resolved = await this.context.resolve(this.name, 'write')
    const location = await this.context.locate(this.name, 'write', 'kafka')
    const codecs = await this.codecs(resolved)
    // A raw key is the key's text, as without a key format: a codec would get the key fields as an object.
    const keyOf = keyEncoder(resolved.primaryKey, resolved.key?.format === 'raw' ? undefined : codecs.key)
    const writer = await this.context.writerFor(location, this.name)
    await writer.send(records.map((record) => ({ key: keyOf(record), value: codecs.value.encode(record) })))
  }

  /**
   * Decoded batches from the dataset's topic (or records, with `.records()`); undecodable records go to
   * `<topic>.dlq` with the reason. A registry fault is retried, then stops reading with a
   * RegistryUnavailableError; it never dead-letters the record.
   */
  read(options: ReadOptions): DatasetReader<T> {
    return new DatasetReader<T>(this.context, this.name, options, (resolved) => this.codecs(resolved))
  }

  /** The record stored under a key in the dataset's key-value location (Redis), or undefined. */
  async lookup(key: Record<string, unknown>): Promise<T | undefined> {
    const resolved = await this.context.resolve(this.name, 'read')
    const store = this.context.redisFor(await this.context.locate(this.name, 'read', 'redis'))
    const stored = await store.get(key)
    if (stored === undefined || !Buffer.isBuffer(stored)) return stored as T | undefined
    const { value } = await this.codecs(resolved)
    return retryRegistryFaults(this.name, this.context.registryRetry, async () => {
      await value.prepare([stored])
      return value.decode(stored) as T
    })
  }
}

export function locationOf(resolved: ResolvedDataset, system: LocationSystem): ResolvedLocation {
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

/**
 * Opens lazily on iteration, so `for await (const batch of dataset.read(...))` reads naturally.
 *
 * Only what was handled is committed. A batch is handled once the loop asks for the next one; a record
 * of `records()` likewise, or once passed to `handled()`. When the loop ends early (an exception, `break`,
 * `return`), what is in hand is not committed, so a restarted reader of the group reads it again.
 */
export class DatasetReader<T> implements AsyncIterable<DatasetBatch<T>> {
  private reader: KafkaReader | undefined
  private deadLetters: DeadLetterQueue | undefined
  private ledger: DeadLetterLedger | undefined
  /** The record `records()` handed out and the loop has not finished with. */
  private recordInHand: DatasetRecord<T> | undefined

  constructor(
    private readonly context: DatasetContext,
    private readonly dataset: string,
    private readonly options: ReadOptions,
    private readonly codecsOf: (resolved: ResolvedDataset) => Promise<Codecs>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<DatasetBatch<T>> {
    const resolved = await this.context.resolve(this.dataset, 'read')
    const location = await this.context.locate(this.dataset, 'read', 'kafka')
    const kafka = this.context.kafkaFor(location)
    const topic = String(location.topic)
    const { group } = this.options
    const codecs = await this.codecsOf(resolved)
    const reader = await KafkaReader.open(kafka, {
      topic,
      groupId: group,
      startup: startupOf(this.options.from),
      ...(this.options.autoCommit === false ? {} : { autoCommitIntervalMs: AUTO_COMMIT_INTERVAL_MS }),
    })
    this.reader = reader
    try {
      if (this.options.deadLetters !== false) {
        this.ledger = await DeadLetterLedger.load(kafka, group, topic)
        // Commits overwrite a partition's metadata: every commit carries the ledger on.
        for (const [partition, metadata] of this.ledger.metadata())
          reader.setCommitMetadata(partition, metadata)
        this.deadLetters = await DeadLetterQueue.open(kafka, this.dataset, `${topic}.dlq`, group)
      }
      for await (const batch of reader.messageBatches()) {
        const first = batch.messages[0]!.offset
        // A registry fault says nothing about the records: wait it out, or stop before this batch.
        const decoded = await retryRegistryFaults(
          this.dataset,
          this.context.registryRetry,
          () => decodeBatch<T>(batch, codecs),
          () => ({ topic, partition: batch.partition, offset: first }),
        )
        const deadLettered = await this.deadLetter(batch.partition, first, decoded.failed)
        yield {
          partition: batch.partition,
          records: decoded.records,
          deadLettered,
          failed: decoded.failed.map(undecodable),
        }
      }
    } finally {
      await this.close()
    }
  }

  /**
   * Each record on its own: a record is handled once the loop asks for the next one, so a loop that throws
   * on a record leaves it, and every record after it, uncommitted.
   */
  async *records(): AsyncGenerator<DatasetRecord<T>, void, undefined> {
    for await (const batch of this) {
      for (const record of batch.records) {
        this.recordInHand = record
        yield record
        this.recordInHand = undefined
        this.handled(record)
      }
    }
  }

  /** Marks the batch in hand handled up to and including `record`: an early exit commits through it. */
  handled(record: DatasetRecord<T>): void {
    this.reader?.processedUpTo(record.partition, offsetAfter(record.offset))
  }

  /**
   * Commits the position after everything handed out so far: every batch, the one in hand included (or,
   * under `records()`, every record up to the one in hand).
   */
  async commit(): Promise<void> {
    const { reader, recordInHand } = this
    if (!reader) return
    if (recordInHand === undefined) return reader.commit()
    this.handled(recordInHand)
    await reader.commit({ inHand: false })
  }

  /** Stops reading; commits what was handled (unless autoCommit is off), never the batch in hand. */
  async close(): Promise<void> {
    const { reader, deadLetters } = this
    this.reader = undefined
    this.deadLetters = undefined
    this.recordInHand = undefined
    try {
      if (reader && this.options.autoCommit !== false) await reader.commit({ inHand: false })
    } finally {
      await reader?.close()
      await deadLetters?.close()
    }
  }

  /**
   * Sends the batch's failures this group has not dead-lettered before, then stores the new high mark in
   * the group's commit metadata at once (with autoCommit): a restart before the batch is committed re-reads
   * these records, and must not dead-letter them again. Returns how many of them are in the dead-letter topic.
   */
  private async deadLetter(partition: number, first: string, failed: DeadLetter[]): Promise<number> {
    const { reader, deadLetters, ledger } = this
    if (!reader || !deadLetters || !ledger || failed.length === 0) return 0
    const fresh = failed.filter(({ record }) => !ledger.has(partition, record.offset))
    if (fresh.length === 0) return failed.length
    await deadLetters.send(fresh)
    reader.setCommitMetadata(partition, ledger.add(partition, fresh.at(-1)!.record.offset))
    if (this.options.autoCommit !== false) {
      // The position stays where it is: everything before the batch in hand was handled, nothing after.
      if (!reader.offsets.has(partition)) reader.processedUpTo(partition, first)
      await reader.commit({ inHand: false })
    }
    return failed.length
  }
}

function offsetAfter(offset: string): string {
  return (BigInt(offset) + 1n).toString()
}

function undecodable({ record, error }: DeadLetter): UndecodableRecord {
  return {
    partition: record.partition,
    offset: record.offset,
    reason: error instanceof FormatError ? error.reason : 'PROCESSING_ERROR',
    message: error instanceof Error ? error.message : String(error),
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
      // Not the record's fault: the caller retries the batch, or stops without committing it.
      if (isRegistryFault(error)) throw error
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
