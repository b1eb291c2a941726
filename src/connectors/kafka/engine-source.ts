import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka } from 'kafkajs'
import { DeadLetterQueue, type DeadLetter as KafkaDeadLetter } from '../../client/dead-letter.ts'
import { insertBatch, type Row, type Source, type SourceChunk } from '../../engine/index.ts'
import type { Subtask } from '../engine/context.ts'
import type { RecordDecoder } from '../engine/record-decoder.ts'
import { KafkaReader, type KafkaRecordBatch, type StartupMode } from './reader.ts'
import { ownsPartition } from './subtask-partitions.ts'

export interface KafkaEngineSourceOptions {
  readonly table: string
  readonly kafka: Kafka
  readonly topic: string
  readonly groupId: string
  readonly startup: StartupMode
  readonly decoder: RecordDecoder
  readonly deadLetterTopic: string
  /** In a parallel job: this subtask reads only the partitions it owns (see `subtask-partitions.ts`). */
  readonly subtask?: Subtask
  /** How long a pull waits for records before it returns an empty chunk (so barriers get through). */
  readonly pollIntervalMs?: number
}

/** The next offset to read per partition, as [partition, offset] pairs (plain data for checkpoints). */
export type KafkaSourcePosition = Array<[number, string]>

const DEFAULT_POLL_INTERVAL_MS = 100

/**
 * A Kafka topic as an engine source: one chunk per fetched batch, its partition the Kafka partition.
 * Records that do not decode go to the dead-letter topic with headers saying why and where they came
 * from, and the job keeps running. The position is the next offset per partition; a restored source
 * seeks there. Offsets are committed to the consumer group when a checkpoint completes, for monitoring
 * (recovery uses the checkpoint, not the group).
 *
 * `partitions()` lists the topic's partitions once `discoverPartitions()` ran (the factory's `openSource`
 * does that); otherwise those seen so far, and the engine adds partitions as their first records arrive.
 */
export class KafkaEngineSource implements Source<KafkaSourcePosition> {
  private reader: KafkaReader | undefined
  private batches: AsyncIterator<KafkaRecordBatch> | undefined
  /** A fetch still outstanding from a pull that timed out; the next pull takes it over. */
  private nextBatch: Promise<IteratorResult<KafkaRecordBatch>> | undefined
  private deadLetters: DeadLetterQueue | undefined
  private readonly positions = new Map<number, string>()
  private restored: KafkaSourcePosition | undefined
  private readonly topicPartitions = new Set<number>()

  constructor(private readonly options: KafkaEngineSourceOptions) {}

  /** Learns the topic's partitions, so that each holds the watermark back from the start. */
  async discoverPartitions(): Promise<void> {
    const admin = this.options.kafka.admin()
    await admin.connect()
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.options.topic] })
      for (const { partitionId } of topics[0]?.partitions ?? []) {
        const { subtask } = this.options
        if (subtask === undefined || ownsPartition(subtask, partitionId))
          this.topicPartitions.add(partitionId)
      }
    } finally {
      await admin.disconnect()
    }
  }

  partitions(): readonly number[] {
    return [...new Set([...this.topicPartitions, ...this.positions.keys()])].sort((a, b) => a - b)
  }

  async pull(): Promise<SourceChunk | null> {
    const batches = this.batches ?? (await this.open())
    this.nextBatch ??= batches.next()
    const pollTimeout = sleep(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, 'timeout' as const)
    const next = await Promise.race([this.nextBatch, pollTimeout])
    if (next === 'timeout') return { partition: this.partitions()[0] ?? 0, batch: insertBatch([]) }
    this.nextBatch = undefined
    // The topic ends only when the reader is closed; a stream source never reports end of input.
    if (next.done) return null
    return { partition: next.value.partition, batch: insertBatch(await this.decode(next.value)) }
  }

  snapshot(): KafkaSourcePosition {
    return [...this.positions]
  }

  restore(position: KafkaSourcePosition): void {
    this.restored = position
    for (const [partition, offset] of position) this.positions.set(partition, offset)
  }

  async onCheckpointComplete(): Promise<void> {
    await this.reader?.commit()
  }

  async close(): Promise<void> {
    await this.reader?.close()
    await this.deadLetters?.close()
  }

  private async open(): Promise<AsyncIterator<KafkaRecordBatch>> {
    const { kafka, topic, groupId, startup } = this.options
    const restored = this.restored
    this.reader = await KafkaReader.open(kafka, {
      topic,
      groupId,
      ...(this.options.subtask === undefined ? {} : { subtask: this.options.subtask }),
      startup:
        restored === undefined || restored.length === 0
          ? startup
          : {
              mode: 'specific-offsets',
              offsets: restored.map(([partition, offset]) => ({ partition, offset })),
            },
    })
    this.batches = this.reader[Symbol.asyncIterator]()
    return this.batches
  }

  private async decode(batch: KafkaRecordBatch): Promise<Row[]> {
    const { decoder } = this.options
    const values = batch.records.flatMap((record) => (record.value === null ? [] : [record.value]))
    await decoder.prepare?.(values)
    const rows: Row[] = []
    const failed: KafkaDeadLetter[] = []
    for (const record of batch.records) {
      try {
        if (record.value === null) throw new Error('record has no value (a tombstone)')
        rows.push(decoder.decode(record.value))
      } catch (error) {
        failed.push({ record, error })
      }
    }
    if (failed.length > 0) {
      this.deadLetters ??= await DeadLetterQueue.open(
        this.options.kafka,
        this.options.table,
        this.options.deadLetterTopic,
      )
      await this.deadLetters.send(failed)
    }
    const last = batch.records.at(-1)
    if (last !== undefined) this.positions.set(batch.partition, (BigInt(last.offset) + 1n).toString())
    return rows
  }
}
