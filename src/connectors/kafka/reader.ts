import type { Batch, Consumer, IHeaders, Kafka } from 'kafkajs'

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
  maxBytes?: number
  /**
   * Let kafkajs commit processed batches in its fetch loop at this interval (at-least-once). Without it, only
   * `commit()` commits, which is what checkpointing sources want.
   */
  autoCommitIntervalMs?: number
}

const HEARTBEAT_WHILE_WAITING_MS = 3_000

interface Handoff {
  batch: KafkaRecordBatch
  processed: () => void
}

/**
 * Reads a topic batch by batch as an async iterable. kafkajs pushes batches from its fetch loop; the reader
 * turns that into pull: the next batch is only taken from Kafka after the caller asked for it, so a slow
 * caller slows the fetches (backpressure) and memory stays bounded to one fetch.
 */
export class KafkaReader implements AsyncIterable<KafkaRecordBatch> {
  private pending: Handoff | undefined
  private inHand: Handoff | undefined
  private wakeIterator: (() => void) | undefined
  private readonly positions = new Map<number, string>()
  private failure: unknown
  private closed = false

  private constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
  ) {}

  static async open(kafka: Kafka, options: KafkaReaderOptions): Promise<KafkaReader> {
    const consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: options.readCommitted === false,
      maxBytes: options.maxBytes ?? 8 << 20,
    })
    const reader = new KafkaReader(consumer, options.topic)
    const startup = options.startup ?? { mode: 'group-offsets' }
    await consumer.connect()
    const fromBeginning =
      startup.mode === 'group-offsets' ? startup.reset !== 'latest' : startup.mode !== 'latest-offset'
    await consumer.subscribe({ topic: options.topic, fromBeginning })
    const seeks = await startOffsets(kafka, options.topic, startup)
    consumer.on(consumer.events.CRASH, (event) => reader.fail(event.payload.error))
    await consumer.run({
      autoCommit: options.autoCommitIntervalMs !== undefined,
      ...(options.autoCommitIntervalMs === undefined
        ? {}
        : { autoCommitInterval: options.autoCommitIntervalMs }),
      eachBatchAutoResolve: false,
      eachBatch: ({ batch, resolveOffset, heartbeat }) => reader.handOver(batch, resolveOffset, heartbeat),
    })
    for (const { partition, offset } of seeks) consumer.seek({ topic: options.topic, partition, offset })
    return reader
  }

  private handOver(
    batch: Batch,
    resolveOffset: (offset: string) => void,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    if (batch.messages.length === 0) return Promise.resolve()
    const records = batch.messages.map(
      (message): KafkaRecord => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: headersAsText(message.headers),
        timestamp: Number(message.timestamp),
      }),
    )
    return new Promise<void>((resolve) => {
      // A caller that holds a batch longer than the session timeout must not get the group rebalanced away.
      const keepAlive = setInterval(() => heartbeat().catch(() => undefined), HEARTBEAT_WHILE_WAITING_MS)
      this.pending = {
        batch: { topic: batch.topic, partition: batch.partition, records },
        processed: () => {
          const last = batch.lastOffset()
          resolveOffset(last)
          this.positions.set(batch.partition, (BigInt(last) + 1n).toString())
          clearInterval(keepAlive)
          resolve()
        },
      }
      this.wakeIterator?.()
    })
  }

  private fail(error: unknown): void {
    this.failure = error
    this.wakeIterator?.()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<KafkaRecordBatch> {
    while (!this.closed) {
      // Asking for the next batch means the previous one is done: only now may Kafka fetch past it.
      this.releaseInHand()
      while (!this.pending && !this.closed && this.failure === undefined) {
        await new Promise<void>((resolve) => {
          this.wakeIterator = resolve
        })
      }
      this.wakeIterator = undefined
      if (this.failure !== undefined) throw this.failure
      if (!this.pending) return
      this.inHand = this.pending
      this.pending = undefined
      yield this.inHand.batch
    }
  }

  private releaseInHand(): void {
    this.inHand?.processed()
    this.inHand = undefined
  }

  /** Commits the group's position after every batch handed out so far, the one in hand included. */
  async commit(): Promise<void> {
    this.releaseInHand()
    if (this.positions.size === 0) return
    const offsets = [...this.positions].map(([partition, offset]) => ({
      topic: this.topic,
      partition,
      offset,
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
    this.pending?.processed()
    this.pending = undefined
    this.wakeIterator?.()
    await this.consumer.disconnect()
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

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {}
  if (!headers) return text
  for (const [name, value] of Object.entries(headers)) {
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
