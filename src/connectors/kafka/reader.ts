import type { Batch, Consumer, ConsumerConfig, IHeaders, Kafka, KafkaMessage } from 'kafkajs'
import type { Subtask } from '../engine/context.ts'
import { listedOffsets } from './partition-offsets.ts'
import {
  ownsPartition,
  privateReaderGroupId,
  subtaskGroupId,
  subtaskPartitionAssigner,
} from './subtask-partitions.ts'

/** Where a reader starts, with the names of Flink's `scan.startup.mode`. */
export type StartupMode =
  /**
   * Committed group offsets; where the group has none, Kafka's `auto.offset.reset`: the earliest (default)
   * or latest offset, or 'none', an error (Flink's `OffsetsInitializer.committedOffsets(strategy)`).
   */
  | { mode: 'group-offsets'; reset?: OffsetReset }
  | { mode: 'earliest-offset' }
  | { mode: 'latest-offset' }
  | { mode: 'timestamp'; timestampMillis: number }
  | { mode: 'specific-offsets'; offsets: Array<{ partition: number; offset: string }> }

/** Kafka's `auto.offset.reset`: where to start a partition the group committed no offset for. */
export type OffsetReset = 'earliest' | 'latest' | 'none'

export interface KafkaRecord {
  topic: string
  partition: number
  offset: string
  key: Buffer | null
  value: Buffer | null
  /** Read-only: records without headers share one empty object. */
  headers: Readonly<Record<string, string>>
  timestamp: number
}

/** Consecutive records of one partition, from one fetch: the engine's unit of work. */
export interface KafkaRecordBatch {
  topic: string
  partition: number
  records: KafkaRecord[]
}

/**
 * A batch as kafkajs fetched it, for callers that turn every message into something of their own (decoded
 * records): reading kafkajs' messages directly spares building a `KafkaRecord` per message first.
 * `recordOf` makes the record of one message when one is needed (a dead letter).
 */
export interface KafkaMessageBatch {
  topic: string
  partition: number
  messages: KafkaMessage[]
}

export interface KafkaReaderOptions {
  topic: string
  groupId: string
  /**
   * One source subtask of a parallel job: read only the partitions it owns, in a consumer group of its own
   * (see `subtask-partitions.ts`).
   */
  subtask?: Subtask
  /**
   * Read every partition (of `subtask`'s share) without taking part in `groupId`'s membership, as Flink's
   * KafkaSource does, so any number of readers with the same group id each read all of it. `groupId` then
   * only names where the caller commits (not through `commit()`, which would commit to the reader's private
   * group): give the start offsets as 'specific-offsets', resolved from the group beforehand.
   */
  selfAssigned?: boolean
  startup?: StartupMode
  /** Hide records of open and aborted transactions (Kafka's read_committed); on by default. */
  readCommitted?: boolean
  /** The most one fetch returns, over all partitions (default 8 MiB). */
  maxBytes?: number
  /** The most one fetch returns per partition, so about the largest batch (kafkajs' default, 1 MiB). */
  maxBytesPerPartition?: number
  /**
   * How many fetched batches may wait for the caller (default 4, at least 1). Kafka fetches the next batches
   * while the caller works on the current one; a caller that stops asking stops the fetches once this many
   * wait, so memory stays bounded.
   */
  prefetchBatches?: number
  /**
   * The most records handed out in one batch (default 1000); a fetch of one partition is split into batches
   * of at most this many. Whatever the caller builds from a small batch (decoded records) is garbage by the
   * next one, which the young-generation collector reclaims cheaply; a 1 MiB fetch of small records would
   * keep tens of thousands alive at once.
   */
  maxBatchRecords?: number
  /**
   * Commit the position of processed batches at most this often, as the caller asks for the next batch
   * (at-least-once). Without it, only `commit()` commits, which is what checkpointing sources want.
   */
  autoCommitIntervalMs?: number
}

const HEARTBEAT_WHILE_WAITING_MS = 3_000
const DEFAULT_PREFETCH_BATCHES = 4
const DEFAULT_MAX_BATCH_RECORDS = 1_000
/**
 * How long a fetch waits on the broker for records, as Kafka's own consumer (`fetch.max.wait.ms`); kafkajs'
 * 5 s would hold up `close()`, which waits for the fetch in flight.
 */
const FETCH_MAX_WAIT_MS = 500

/** The kafkajs consumer settings of a reader: benchmarks compare the bare client with the same fetches. */
export function consumerConfig(options: KafkaReaderOptions): ConsumerConfig {
  const { subtask } = options
  const share = subtask ?? { index: 0, count: 1 }
  return {
    ...(options.selfAssigned === true
      ? {
          groupId: privateReaderGroupId(options.groupId, share),
          partitionAssigners: [subtaskPartitionAssigner(share)],
        }
      : subtask === undefined || subtask.count === 1
        ? { groupId: options.groupId }
        : {
            groupId: subtaskGroupId(options.groupId, subtask),
            partitionAssigners: [subtaskPartitionAssigner(subtask)],
          }),
    readUncommitted: options.readCommitted === false,
    maxBytes: options.maxBytes ?? 8 << 20,
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    ...(options.maxBytesPerPartition === undefined
      ? {}
      : { maxBytesPerPartition: options.maxBytesPerPartition }),
  }
}

interface Fetched {
  /** kafkajs' batch as fetched: records are built from it only when handed out, so they die young. */
  batch: Batch
  /** The partition's position once all of this batch is processed. */
  nextOffset: string
}

/** A partition's position once the batch in the caller's hands is processed. */
interface Position {
  partition: number
  nextOffset: string
}

/**
 * Reads a topic batch by batch as an async iterable. kafkajs pushes batches from its fetch loop into a
 * bounded queue that the iterator takes from, so fetching and decoding overlap with the caller's work; when
 * the queue is full the fetch loop waits (backpressure). A batch counts as processed once the caller asks
 * for the next one; only processed batches are committed to the group (at-least-once).
 */
export class KafkaReader implements AsyncIterable<KafkaRecordBatch> {
  private readonly prefetched: Fetched[] = []
  private inHand: Position | undefined
  private wakeIterator: (() => void) | undefined
  private wakeFetchLoop: (() => void) | undefined
  private readonly positions = new Map<number, string>()
  /** Kafka's per-partition commit metadata, sent with every commit of the partition (see setCommitMetadata). */
  private readonly metadata = new Map<number, string>()
  private lastCommit = Date.now()
  private failure: unknown
  private closed = false

  private constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
    private readonly prefetchLimit: number,
    private readonly maxBatchRecords: number,
    private readonly autoCommitIntervalMs: number | undefined,
    private readonly selfAssigned: boolean,
  ) {}

  static async open(kafka: Kafka, options: KafkaReaderOptions): Promise<KafkaReader> {
    const consumer = kafka.consumer(consumerConfig(options))
    const reader = new KafkaReader(
      consumer,
      options.topic,
      Math.max(1, options.prefetchBatches ?? DEFAULT_PREFETCH_BATCHES),
      Math.max(1, options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS),
      options.autoCommitIntervalMs,
      options.selfAssigned === true,
    )
    const startup = options.startup ?? { mode: 'group-offsets' }
    await consumer.connect()
    const fromBeginning =
      startup.mode === 'group-offsets' ? startup.reset !== 'latest' : startup.mode !== 'latest-offset'
    await consumer.subscribe({ topic: options.topic, fromBeginning })
    const { subtask } = options
    const seeks = (await startOffsets(kafka, options.topic, options.groupId, startup)).filter(
      ({ partition }) => subtask === undefined || ownsPartition(subtask, partition),
    )
    consumer.on(consumer.events.CRASH, (event) => reader.fail(event.payload.error))
    // After a rebalance kafkajs fetches again from the group's committed offsets: what waits was fetched by
    // the previous generation and may belong to another member now.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      reader.prefetched.length = 0
    })
    await consumer.run({
      // kafkajs would commit what it fetched; the reader commits what the caller processed.
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: ({ batch, resolveOffset, heartbeat }) => reader.handOver(batch, resolveOffset, heartbeat),
    })
    for (const { partition, offset } of seeks) consumer.seek({ topic: options.topic, partition, offset })
    return reader
  }

  /** How many fetched batches wait for the caller. */
  get prefetchedBatches(): number {
    return this.prefetched.length
  }

  private async handOver(
    batch: Batch,
    resolveOffset: (offset: string) => void,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    if (batch.messages.length === 0) return
    await this.roomInQueue(heartbeat)
    if (this.closed) return
    const last = batch.lastOffset()
    // Moves kafkajs' fetch position past this batch; the group's position moves once it is processed.
    resolveOffset(last)
    this.prefetched.push({ batch, nextOffset: offsetAfter(last) })
    this.wakeIterator?.()
  }

  private async roomInQueue(heartbeat: () => Promise<void>): Promise<void> {
    if (this.prefetched.length < this.prefetchLimit || this.closed) return
    // A caller that holds batches longer than the session timeout must not get the group rebalanced away.
    const keepAlive = setInterval(() => heartbeat().catch(() => undefined), HEARTBEAT_WHILE_WAITING_MS)
    try {
      while (this.prefetched.length >= this.prefetchLimit && !this.closed) {
        await new Promise<void>((resolve) => {
          this.wakeFetchLoop = resolve
        })
      }
    } finally {
      this.wakeFetchLoop = undefined
      clearInterval(keepAlive)
    }
  }

  private fail(error: unknown): void {
    this.failure = error
    this.wakeIterator?.()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<KafkaRecordBatch> {
    for await (const { topic, partition, messages } of this.messageBatches()) {
      const records = new Array<KafkaRecord>(messages.length)
      for (let i = 0; i < messages.length; i++) records[i] = recordOf(topic, partition, messages[i]!)
      yield { topic, partition, records }
    }
  }

  /**
   * The same batches as iterating the reader, with kafkajs' messages instead of records; batches count as
   * processed, and are committed, the same way.
   */
  async *messageBatches(): AsyncGenerator<KafkaMessageBatch> {
    for (let fetched = await this.nextFetched(); fetched; fetched = await this.nextFetched()) {
      const { topic, partition, messages } = fetched.batch
      for (let from = 0; from < messages.length && !this.closed; from += this.maxBatchRecords) {
        const slice = messages.slice(from, from + this.maxBatchRecords)
        const isLast = from + this.maxBatchRecords >= messages.length
        this.inHand = {
          partition,
          // The fetch's last offset may lie past its last record (a transaction marker).
          nextOffset: isLast ? fetched.nextOffset : offsetAfter(slice[slice.length - 1]!.offset),
        }
        yield { topic, partition, messages: slice }
        // Asking for the next batch means the previous one is done: only now may its offsets be committed.
        this.releaseInHand()
        if (
          this.autoCommitIntervalMs !== undefined &&
          Date.now() - this.lastCommit >= this.autoCommitIntervalMs
        ) {
          await this.commit()
        }
      }
    }
  }

  /** The next fetched batch once there is one, or undefined once the reader is closed. */
  private async nextFetched(): Promise<Fetched | undefined> {
    while (this.prefetched.length === 0 && !this.closed && this.failure === undefined) {
      await new Promise<void>((resolve) => {
        this.wakeIterator = resolve
      })
    }
    this.wakeIterator = undefined
    if (this.failure !== undefined) throw this.failure
    if (this.closed) return undefined
    const next = this.prefetched.shift()
    this.wakeFetchLoop?.()
    return next
  }

  private releaseInHand(): void {
    if (this.inHand) this.positions.set(this.inHand.partition, this.inHand.nextOffset)
    this.inHand = undefined
  }

  /**
   * Marks the records of the batch in hand before `nextOffset` as processed, for callers that track
   * progress record by record: a commit before the batch is released then covers exactly those.
   */
  processedUpTo(partition: number, nextOffset: string): void {
    this.positions.set(partition, nextOffset)
  }

  /**
   * Metadata to store with the partition's committed position from now on (Kafka keeps a short string per
   * group and partition beside the offset); a commit without it would erase what was stored.
   */
  setCommitMetadata(partition: number, metadata: string): void {
    this.metadata.set(partition, metadata)
  }

  /**
   * Commits the group's position after every batch handed out so far, the one in hand included unless
   * `inHand` is false: a caller that failed on the batch in hand must not commit it.
   */
  async commit(options: { inHand?: boolean } = {}): Promise<void> {
    if (this.selfAssigned) {
      throw new Error(
        'a self-assigned reader has no group of its own to commit to: commit its offsets with an OffsetCommitter',
      )
    }
    if (options.inHand !== false) this.releaseInHand()
    this.lastCommit = Date.now()
    if (this.positions.size === 0) return
    const offsets = [...this.positions].map(([partition, offset]) => ({
      topic: this.topic,
      partition,
      offset,
      metadata: this.metadata.get(partition) ?? null,
    }))
    await retryRetriable(() => this.consumer.commitOffsets(offsets))
  }

  /** The position (next offset) per partition after the batches processed so far. */
  get offsets(): ReadonlyMap<number, string> {
    return this.positions
  }

  async close(): Promise<void> {
    this.closed = true
    this.releaseInHand()
    this.prefetched.length = 0
    this.wakeIterator?.()
    this.wakeFetchLoop?.()
    await this.consumer.disconnect()
  }
}

function offsetAfter(offset: string): string {
  return (BigInt(offset) + 1n).toString()
}

export function recordOf(topic: string, partition: number, message: KafkaMessage): KafkaRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: headersAsText(message.headers),
    timestamp: Number(message.timestamp),
  }
}

/**
 * Retries what Kafka marks retriable (a group coordinator still loading after a broker start, a leader
 * moving) with a short backoff; anything else, or the last failure, is thrown.
 */
async function retryRetriable<T>(operation: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      const retriable =
        typeof error === 'object' && error !== null && 'retriable' in error && error.retriable === true
      if (!retriable || attempt >= attempts) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** Math.min(attempt, 5)))
    }
  }
}

/** Shared by every record without headers (most of them), so reading allocates nothing for theirs. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

/** kafkajs' header values (buffers, repeated names as arrays) as text; the last value of a name wins. */
export function headersAsText(headers: IHeaders | undefined): Readonly<Record<string, string>> {
  let text: Record<string, string> | undefined
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    text ??= {}
    text[name] = (Array.isArray(value) ? value[value.length - 1] : value)?.toString() ?? ''
  }
  return text ?? NO_HEADERS
}

async function startOffsets(
  kafka: Kafka,
  topic: string,
  groupId: string,
  startup: StartupMode,
): Promise<Array<{ partition: number; offset: string }>> {
  // Under group-offsets the group's own positions apply: kafkajs starts from them, nothing to seek.
  if (startup.mode === 'group-offsets') return []
  if (startup.mode === 'specific-offsets') return startup.offsets
  const admin = kafka.admin()
  await admin.connect()
  try {
    return await listedOffsets(admin, topic, groupId, startup)
  } finally {
    await admin.disconnect()
  }
}
