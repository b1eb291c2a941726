import type { Batch, Consumer, ConsumerConfig, IHeaders, Kafka } from 'kafkajs'

/** Where a reader starts, with the names of Flink's `scan.startup.mode`. */
export type StartupMode =
  /** Committed group offsets; where the group has none, the earliest (default) or latest offset. */
  | { mode: 'group-offsets'; reset?: 'earliest' | 'latest' }
  | { mode: 'earliest-offset' }
  | { mode: 'latest-offset' }
  | { mode: 'timestamp'; timestampMillis: number }
  | { mode: 'specific-offsets'; offsets: Array<{ partition: number; offset: string }> }

export interface KafkaRecord {
  topic: string
  partition: number
  offset: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, string>
  timestamp: number
}

/** Records of one partition as one fetch returned them: the engine's unit of work. */
export interface KafkaRecordBatch {
  topic: string
  partition: number
  records: KafkaRecord[]
}

export interface KafkaReaderOptions {
  topic: string
  groupId: string
  startup?: StartupMode
  /** Hide records of open and aborted transactions (Kafka's read_committed); on by default. */
  readCommitted?: boolean
  /** The most one fetch returns, over all partitions (default 8 MiB). */
  maxBytes?: number
  /** The most one fetch returns per partition, so the largest batch (kafkajs' default, 1 MiB). */
  maxBytesPerPartition?: number
  /**
   * How many fetched batches may wait for the caller (default 4, at least 1). Kafka fetches the next batches
   * while the caller works on the current one; a caller that stops asking stops the fetches once this many
   * wait, so memory stays bounded.
   */
  prefetchBatches?: number
  /**
   * Commit the position of processed batches at most this often, as the caller asks for the next batch
   * (at-least-once). Without it, only `commit()` commits, which is what checkpointing sources want.
   */
  autoCommitIntervalMs?: number
}

const HEARTBEAT_WHILE_WAITING_MS = 3_000
/**
 * How long a fetch waits on the broker for records, as Kafka's own consumer (`fetch.max.wait.ms`); kafkajs'
 * 5 s would hold up `close()`, which waits for the fetch in flight.
 */
const FETCH_MAX_WAIT_MS = 500

/** The kafkajs consumer settings of a reader: benchmarks compare the bare client with the same fetches. */
export function consumerConfig(options: KafkaReaderOptions): ConsumerConfig {
  return {
    groupId: options.groupId,
    readUncommitted: options.readCommitted === false,
    maxBytes: options.maxBytes ?? 8 << 20,
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    ...(options.maxBytesPerPartition === undefined
      ? {}
      : { maxBytesPerPartition: options.maxBytesPerPartition }),
  }
}
const DEFAULT_PREFETCH_BATCHES = 4

interface Fetched {
  batch: KafkaRecordBatch
  /** The partition's position once this batch is processed. */
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
  private inHand: Fetched | undefined
  private wakeIterator: (() => void) | undefined
  private wakeFetchLoop: (() => void) | undefined
  private readonly positions = new Map<number, string>()
  private lastCommit = Date.now()
  private failure: unknown
  private closed = false

  private constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
    private readonly prefetchLimit: number,
    private readonly autoCommitIntervalMs: number | undefined,
  ) {}

  static async open(kafka: Kafka, options: KafkaReaderOptions): Promise<KafkaReader> {
    const consumer = kafka.consumer(consumerConfig(options))
    const reader = new KafkaReader(
      consumer,
      options.topic,
      Math.max(1, options.prefetchBatches ?? Number(process.env.PREFETCH ?? DEFAULT_PREFETCH_BATCHES)),
      options.autoCommitIntervalMs,
    )
    const startup = options.startup ?? { mode: 'group-offsets' }
    await consumer.connect()
    const fromBeginning =
      startup.mode === 'group-offsets' ? startup.reset !== 'latest' : startup.mode !== 'latest-offset'
    await consumer.subscribe({ topic: options.topic, fromBeginning })
    const seeks = await startOffsets(kafka, options.topic, startup)
    if (process.env.TRACE) {
      consumer.on(consumer.events.FETCH_START, () =>
        console.error('fetch-start', performance.now().toFixed(0)),
      )
      consumer.on(consumer.events.FETCH, (e) =>
        console.error('fetch-done', performance.now().toFixed(0), e.payload.duration),
      )
    }
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
    if (process.env.TRACE)
      console.error(
        'push',
        performance.now().toFixed(0),
        batch.partition,
        batch.messages.length,
        this.prefetched.length,
      )
    this.prefetched.push({ batch: recordBatchOf(batch), nextOffset: (BigInt(last) + 1n).toString() })
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
    while (!this.closed) {
      // Asking for the next batch means the previous one is done: only now may its offsets be committed.
      this.releaseInHand()
      if (
        this.autoCommitIntervalMs !== undefined &&
        Date.now() - this.lastCommit >= this.autoCommitIntervalMs
      ) {
        await this.commit()
      }
      while (this.prefetched.length === 0 && !this.closed && this.failure === undefined) {
        await new Promise<void>((resolve) => {
          this.wakeIterator = resolve
        })
      }
      this.wakeIterator = undefined
      if (this.failure !== undefined) throw this.failure
      const next = this.prefetched.shift()
      if (!next) return
      this.inHand = next
      if (process.env.TRACE)
        console.error('take', performance.now().toFixed(0), next.batch.partition, this.prefetched.length)
      this.wakeFetchLoop?.()
      yield next.batch
    }
  }

  private releaseInHand(): void {
    if (this.inHand) this.positions.set(this.inHand.batch.partition, this.inHand.nextOffset)
    this.inHand = undefined
  }

  /** Commits the group's position after every batch handed out so far, the one in hand included. */
  async commit(): Promise<void> {
    this.releaseInHand()
    this.lastCommit = Date.now()
    if (this.positions.size === 0) return
    const offsets = [...this.positions].map(([partition, offset]) => ({
      topic: this.topic,
      partition,
      offset,
    }))
    const t0 = performance.now()
    await retryRetriable(() => this.consumer.commitOffsets(offsets))
    if (process.env.TRACE) console.error('commit', t0.toFixed(0), (performance.now() - t0).toFixed(0))
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

function recordBatchOf(batch: Batch): KafkaRecordBatch {
  const { topic, partition } = batch
  const records = batch.messages.map(
    (message): KafkaRecord => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: headersAsText(message.headers),
      timestamp: Number(message.timestamp),
    }),
  )
  return { topic, partition, records }
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

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {}
  // for…in rather than Object.entries: most records have no headers, and this runs once per record.
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    text[name] = (Array.isArray(value) ? value[value.length - 1] : value)?.toString() ?? ''
  }
  return text
}

async function startOffsets(
  kafka: Kafka,
  topic: string,
  startup: StartupMode,
): Promise<Array<{ partition: number; offset: string }>> {
  if (startup.mode === 'group-offsets') return []
  if (startup.mode === 'specific-offsets') return startup.offsets
  const admin = kafka.admin()
  await admin.connect()
  try {
    if (startup.mode === 'timestamp')
      return await admin.fetchTopicOffsetsByTimestamp(topic, startup.timestampMillis)
    const offsets = await admin.fetchTopicOffsets(topic)
    return offsets.map(({ partition, low, high }) => ({
      partition,
      offset: startup.mode === 'earliest-offset' ? low : high,
    }))
  } finally {
    await admin.disconnect()
  }
}
