import type { Kafka } from 'kafkajs'
import { type Batch, kindAt, type Row, RowKind, type Sink } from '../../engine/index.ts'
import { requireInsertOnly } from '../engine/changelog.ts'
import type { RecordEncoder } from '../engine/record-encoder.ts'
import type { RowFormat } from '../engine/row-format.ts'
import { assertTopicExists, type TopicPlace } from './topic-admin.ts'
import { type KafkaOutputRecord, KafkaWriter } from './writer.ts'

export interface KafkaRecordKey {
  readonly format: RowFormat
  /** Positions of the key fields in the sink's rows. */
  readonly fields: readonly number[]
}

export interface KafkaEngineSinkOptions {
  readonly kafka: Kafka
  readonly topic: string
  readonly value: RecordEncoder
  readonly key?: KafkaRecordKey
  /**
   * 'append': insert-only rows become records. 'upsert' (upsert-kafka): +I/+U rows become records under
   * their key, -D rows tombstones, -U rows nothing (the following +U replaces the value).
   */
  readonly mode: 'append' | 'upsert'
  /** Exactly-once: every checkpoint epoch is one Kafka transaction under `<prefix>-<n>`. */
  readonly transactionalIdPrefix?: string
  /** Where the topic should be, for the message when it is missing (see `checkTopic`). */
  readonly place?: TopicPlace
}

/** Transactions written and flushed but not yet committed, and the next transaction number. */
export interface KafkaSinkSnapshot {
  readonly pending: readonly number[]
  readonly nextTransaction: number
}

interface Epoch {
  readonly transaction: number
  readonly writer: KafkaWriter
}

/**
 * Transaction numbers after a snapshot's that a failed run may have opened (epochs past the restored
 * checkpoint); restore fences them too so no dangling transaction holds back read_committed readers.
 */
const FENCE_AHEAD = 4

/**
 * Rows to a Kafka topic. At-least-once: each batch is sent and acknowledged by all in-sync replicas.
 * Exactly-once (two-phase commit): each epoch between barriers writes into its own transaction; the
 * barrier closes the epoch (its records are flushed, pre-committed), the checkpoint's completion commits
 * it, and restoring aborts every transaction of the failed run by fencing its transactional ids.
 *
 * kafkajs cannot resume another producer's transaction, so an epoch whose checkpoint completed but whose
 * commit the failed run did not reach is aborted on restore rather than committed.
 */
export class KafkaEngineSink implements Sink<KafkaSinkSnapshot> {
  private plainWriter: KafkaWriter | undefined
  private open: Epoch | undefined
  private readonly pending = new Map<number, Epoch[]>()
  private nextTransaction = 0

  constructor(private readonly options: KafkaEngineSinkOptions) {}

  /**
   * Fails with a MissingTopicError unless the topic exists. Run before the job starts: otherwise the first
   * write would retry metadata for the producer's whole timeout and end in a message naming no topic.
   */
  async checkTopic(): Promise<void> {
    const { kafka, topic, place } = this.options
    await assertTopicExists(kafka, topic, place ?? { cluster: 'the configured bootstrap servers' })
  }

  async write(batch: Batch): Promise<void> {
    await this.options.value.prepare?.()
    const records = this.options.mode === 'append' ? this.appendRecords(batch) : this.upsertRecords(batch)
    if (records.length === 0) return
    await (await this.writer()).send(records)
  }

  async onBarrier(checkpointId: number): Promise<KafkaSinkSnapshot> {
    if (this.open !== undefined) {
      // Sends are acknowledged before `write` resolves, so the epoch is flushed: nothing is left to pre-commit.
      this.pending.set(checkpointId, [...(this.pending.get(checkpointId) ?? []), this.open])
      this.open = undefined
    }
    const pending = [...this.pending.values()].flat().map((epoch) => epoch.transaction)
    return { pending, nextTransaction: this.nextTransaction }
  }

  async onCheckpointComplete(checkpointId: number): Promise<void> {
    for (const [id, epochs] of [...this.pending]) {
      if (id > checkpointId) continue
      for (const { writer } of epochs) {
        await writer.commit()
        await writer.close()
      }
      this.pending.delete(id)
    }
  }

  async restore(snapshot: KafkaSinkSnapshot): Promise<void> {
    const prefix = this.options.transactionalIdPrefix
    if (prefix === undefined) return
    const first = Math.min(snapshot.nextTransaction, ...snapshot.pending)
    const last = snapshot.nextTransaction + FENCE_AHEAD
    for (let transaction = first; transaction < last; transaction++) {
      await fence(this.options.kafka, `${prefix}-${transaction}`)
    }
    this.nextTransaction = last
  }

  async close(): Promise<void> {
    const epochs = [...this.pending.values()].flat()
    if (this.open !== undefined) epochs.push(this.open)
    this.open = undefined
    this.pending.clear()
    // Closing aborts an open transaction: uncommitted epochs are replayed from the last checkpoint.
    for (const { writer } of epochs) await writer.close()
    await this.plainWriter?.close()
  }

  private async writer(): Promise<KafkaWriter> {
    const { kafka, topic, transactionalIdPrefix } = this.options
    if (transactionalIdPrefix === undefined) {
      this.plainWriter ??= await KafkaWriter.open(kafka, { topic })
      return this.plainWriter
    }
    if (this.open === undefined) {
      const transaction = this.nextTransaction++
      const writer = await KafkaWriter.open(kafka, {
        topic,
        transactionalId: `${transactionalIdPrefix}-${transaction}`,
      })
      this.open = { transaction, writer }
    }
    return this.open.writer
  }

  private appendRecords(batch: Batch): KafkaOutputRecord[] {
    requireInsertOnly(
      batch,
      'kafka',
      "declare a PRIMARY KEY and use 'connector' = 'upsert-kafka' to write a changelog",
    )
    return batch.rows.map((row) => ({ key: this.keyOf(row), value: this.options.value.encode(row) }))
  }

  /**
   * Upserts by key. A -U followed by the +U of the same key is left out (the +U overwrites it); a -U on its
   * own is a tombstone, as in Flink's upsert mode: a filter after an update can pass the -U of a row that
   * left the result and drop its +U, and that key must then be deleted, not keep its old value.
   */
  private upsertRecords(batch: Batch): KafkaOutputRecord[] {
    const { rows } = batch
    const records: KafkaOutputRecord[] = []
    // Each row's key is encoded once: a -U looks ahead at the next row's.
    let nextKey = rows.length > 0 ? this.keyOf(rows[0]!) : null
    for (let i = 0; i < rows.length; i++) {
      const key = nextKey
      nextKey = i + 1 < rows.length ? this.keyOf(rows[i + 1]!) : null
      const kind = kindAt(batch, i)
      if (
        kind === RowKind.UpdateBefore &&
        i + 1 < rows.length &&
        kindAt(batch, i + 1) === RowKind.UpdateAfter &&
        sameKey(key, nextKey)
      )
        continue
      const retracted = kind === RowKind.Delete || kind === RowKind.UpdateBefore
      records.push({ key, value: retracted ? null : this.options.value.encode(rows[i]!) })
    }
    return records
  }

  private keyOf(row: Row): Buffer | null {
    const key = this.options.key
    return key === undefined ? null : key.format.encode(key.fields.map((field) => row[field]))
  }
}

function sameKey(left: Buffer | null, right: Buffer | null): boolean {
  return left === null || right === null ? left === right : left.equals(right)
}

/**
 * Registers a producer under `transactionalId` (Kafka's InitProducerId), which bumps the id's epoch and
 * aborts whatever transaction a previous producer left open under it. kafkajs only does that when a
 * transaction begins, hence the empty one.
 */
async function fence(kafka: Kafka, transactionalId: string): Promise<void> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    const transaction = await producer.transaction()
    await transaction.abort()
  } finally {
    await producer.disconnect()
  }
}
