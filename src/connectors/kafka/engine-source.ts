import type { Admin, Kafka } from 'kafkajs'
import {
  type Batch,
  insertBatch,
  type Row,
  RowKind,
  type Source,
  type SourceChunk,
} from '../../engine/index.ts'
import {
  isRegistryFault,
  type RegistryRetryOptions,
  retryRegistryFaults,
} from '../../formats/registry-retry.ts'
import type { Logger } from '../../logging.ts'
import type { Subtask } from '../engine/context.ts'
import { ConnectorOptionError } from '../engine/options.ts'
import type { RecordDecoder } from '../engine/record-decoder.ts'
import { DeadLetterQueue, type DeadLetter as KafkaDeadLetter } from './dead-letter-queue.ts'
import type { OffsetCommitter } from './offset-committer.ts'
import { type BoundedMode, offsetsAt, startingOffsets } from './partition-offsets.ts'
import {
  KafkaReader,
  type KafkaReaderOptions,
  type KafkaRecord,
  type KafkaRecordBatch,
  type StartupMode,
} from './reader.ts'
import { SourceRegistryUnavailableError } from './registry-unavailable.ts'
import { ownsPartition } from './subtask-partitions.ts'

export interface KafkaEngineSourceOptions {
  readonly table: string
  readonly kafka: Kafka
  readonly topic: string
  /** Only where offsets are committed and where 'group-offsets' starts: the source assigns partitions itself. */
  readonly groupId: string
  readonly startup: StartupMode
  /** Where each partition stops, with the names of Flink's `scan.bounded.mode`; unbounded without it. */
  readonly bounded?: BoundedMode
  readonly decoder: RecordDecoder
  /**
   * upsert-kafka: the topic is a changelog keyed by the record key. A record with a value becomes a +U row,
   * a tombstone (null value) a -D row decoded from its key by `deletionOfKey`.
   */
  readonly upsert?: { readonly deletionOfKey: RecordDecoder }
  readonly deadLetterTopic: string
  /**
   * How long a schema registry fault is waited out (the SDK's policy, 8 tries over about 35 s by default)
   * before the source fails with a SourceRegistryUnavailableError.
   */
  readonly registryRetry?: RegistryRetryOptions
  /** In a parallel job: this subtask reads only the partitions it owns (see `subtask-partitions.ts`). */
  readonly subtask?: Subtask
  /** How long a pull waits for records before it returns an empty chunk (so barriers get through). */
  readonly pollIntervalMs?: number
  /** Commits positions to `groupId` when a checkpoint completes, and as `autoCommitIntervalMs` says. */
  readonly committer?: OffsetCommitter
  /**
   * `properties.enable.auto.commit` with checkpoints off: commit the position at least this often, at the
   * end of a bounded read and on close. Without it nothing is committed unless checkpoints complete. Once
   * the source takes a checkpoint snapshot, only completed checkpoints commit (as in Flink).
   */
  readonly autoCommitIntervalMs?: number
  readonly logger?: Logger
}

export type { BoundedMode } from './partition-offsets.ts'

/** The next offset to read per partition, as [partition, offset] pairs (plain data for checkpoints). */
export type KafkaSourcePosition = Array<[number, string]>

const DEFAULT_POLL_INTERVAL_MS = 100

/**
 * A Kafka topic as an engine source: one chunk per fetched batch, its partition the Kafka partition.
 * Records that do not decode go to the dead-letter topic with headers saying why and where they came
 * from, are reported with the chunk as `undecodable` dead letters (so the job counts and summarises them),
 * and the job keeps running. A schema registry fault is no reason to dead-letter a record, which may well
 * be good: the batch is decoded again with backoff, and if the registry keeps failing the source fails with
 * a SourceRegistryUnavailableError without moving past the batch. The position is the next offset per
 * partition; a restored source seeks there.
 *
 * As Flink's KafkaSource, the source assigns itself every partition (of its subtask's share) and takes no
 * part in consumer-group membership, so jobs sharing a group id each read the whole topic. The group id
 * names where offsets are committed: the offsets of a checkpoint once it completes (recovery uses the
 * checkpoint, the group serves monitoring and the next 'group-offsets' start), or, without checkpoints,
 * periodically when auto commit is on.
 *
 * `partitions()` lists the topic's partitions once `discoverPartitions()` ran (the factory's `openSource`
 * does that); otherwise those seen so far, and the engine adds partitions as their first records arrive.
 *
 * A bounded source (`bounded`) works out each partition's start and stop offsets when it opens, leaves out
 * records at or beyond the stop, and ends (`pull()` returns null) once every partition it reads got there.
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
  private opened = false
  private stops: StopOffsets | undefined
  /** The position of each checkpoint taken and not yet completed, committed once it completes. */
  private readonly checkpointPositions = new Map<number, KafkaSourcePosition>()
  private checkpointing = false
  private lastAutoCommit = Date.now()

  constructor(private readonly options: KafkaEngineSourceOptions) {}

  /** Learns the topic's partitions, so that each holds the watermark back from the start. */
  async discoverPartitions(): Promise<void> {
    const admin = this.options.kafka.admin()
    await admin.connect()
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.options.topic] })
      for (const { partitionId } of topics[0]?.partitions ?? []) {
        if (this.ownsPartition(partitionId)) this.topicPartitions.add(partitionId)
      }
    } finally {
      await admin.disconnect()
    }
  }

  partitions(): readonly number[] {
    return [...new Set([...this.topicPartitions, ...this.positions.keys()])].sort((a, b) => a - b)
  }

  async pull(): Promise<SourceChunk | null> {
    if (!this.opened) await this.open()
    if (this.reader !== undefined) this.stops?.passPositions(this.reader.offsets)
    if (this.stops?.allReached() === true) {
      // A bounded read ends here: what it read is committed now, not only at some later close.
      if (this.autoCommits()) await this.commit(this.snapshot())
      return null
    }
    const interval = this.options.autoCommitIntervalMs
    // The chunks pulled so far went through the operator chain synchronously: their offsets may be committed.
    if (this.autoCommits() && Date.now() - this.lastAutoCommit >= interval!) {
      await this.commit(this.snapshot())
    }
    const batches = this.batches!
    this.nextBatch ??= batches.next()
    // A timer per pull, cleared when the batch wins: thousands of pending timers a second would outlive
    // young-generation collections.
    let timer: NodeJS.Timeout | undefined
    const pollTimeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, 'timeout')
    })
    const next = await Promise.race([this.nextBatch, pollTimeout]).finally(() => clearTimeout(timer))
    if (next === 'timeout') return { partition: this.partitions()[0] ?? 0, batch: insertBatch([]) }
    this.nextBatch = undefined
    // The topic ends only when the reader is closed; a stream source never reports end of input.
    if (next.done) return null
    const { partition } = next.value
    const records = this.stops?.recordsBefore(next.value) ?? next.value.records
    return this.decode(partition, records)
  }

  snapshot(checkpointId?: number): KafkaSourcePosition {
    const position: KafkaSourcePosition = [...this.positions]
    if (checkpointId !== undefined) {
      this.checkpointing = true
      this.checkpointPositions.set(checkpointId, position)
    }
    return position
  }

  restore(position: KafkaSourcePosition): void {
    this.restored = position
    for (const [partition, offset] of position) this.positions.set(partition, offset)
  }

  /**
   * Commits the position of checkpoint `checkpointId` (not the current one, which may be ahead of it), and
   * forgets older checkpoints, whose positions this one supersedes. A caller that took its snapshot without
   * an id commits the current position.
   */
  async onCheckpointComplete(checkpointId: number): Promise<void> {
    const position = this.checkpointPositions.get(checkpointId) ?? this.snapshot()
    for (const id of this.checkpointPositions.keys()) {
      if (id <= checkpointId) this.checkpointPositions.delete(id)
    }
    await this.commit(position)
  }

  async close(): Promise<void> {
    try {
      // Kafka's consumer commits on close under auto commit too; a failure must not hide why the job stops.
      if (this.autoCommits()) await this.commit(this.snapshot())
    } catch (error) {
      this.options.logger?.warn({ err: error, table: this.options.table }, 'last offset commit failed')
    }
    await this.reader?.close()
    await this.deadLetters?.close()
    await this.options.committer?.close()
  }

  /** Periodic commits: auto commit on and no checkpoint taken (checkpoints commit on completion instead). */
  private autoCommits(): boolean {
    return this.options.autoCommitIntervalMs !== undefined && !this.checkpointing
  }

  private async commit(position: KafkaSourcePosition): Promise<void> {
    this.lastAutoCommit = Date.now()
    await this.options.committer?.commit(position)
  }

  private ownsPartition(partition: number): boolean {
    const { subtask } = this.options
    return subtask === undefined || ownsPartition(subtask, partition)
  }

  private async open(): Promise<void> {
    this.opened = true
    const { kafka, topic, groupId, subtask, bounded } = this.options
    const admin = kafka.admin()
    await admin.connect()
    let starts: Map<number, bigint>
    try {
      starts = await this.startOffsets(admin)
      if (bounded !== undefined) {
        this.stops = new StopOffsets(starts, await this.stopOffsets(admin, bounded, [...starts.keys()]))
      }
    } finally {
      await admin.disconnect()
    }
    // Nothing to read before the stops: no consumer needed.
    if (this.stops?.allReached() === true) return
    const readerOptions: KafkaReaderOptions = {
      topic,
      groupId,
      ...(subtask === undefined ? {} : { subtask }),
      selfAssigned: true,
      startup: {
        mode: 'specific-offsets',
        offsets: [...starts].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
      },
    }
    this.reader = await KafkaReader.open(kafka, readerOptions)
    this.batches = this.reader[Symbol.asyncIterator]()
  }

  /** A restored source resumes at its snapshot's offsets, whatever the startup mode says. */
  private startup(): StartupMode {
    const restored = this.restored
    if (restored === undefined || restored.length === 0) return this.options.startup
    return {
      mode: 'specific-offsets',
      offsets: restored.map(([partition, offset]) => ({ partition, offset })),
    }
  }

  /**
   * Where the reader starts on each partition this source reads (the startup mode's offsets, with the
   * table's group for 'group-offsets'): the reader seeks there, and a bounded source knows a partition
   * whose start is already at its stop is done before any record arrives.
   */
  private async startOffsets(admin: Admin): Promise<Map<number, bigint>> {
    const { topic, groupId } = this.options
    const starts = new Map<number, bigint>()
    for (const [partition, offset] of await startingOffsets(admin, topic, groupId, this.startup())) {
      if (!this.ownsPartition(partition)) continue
      this.topicPartitions.add(partition)
      starts.set(partition, offset)
    }
    return starts
  }

  private async stopOffsets(
    admin: Admin,
    bounded: BoundedMode,
    partitions: readonly number[],
  ): Promise<Map<number, bigint>> {
    const { topic, groupId } = this.options
    const known = await offsetsAt(admin, topic, groupId, bounded)
    const stops = new Map<number, bigint>()
    for (const partition of partitions) {
      const stop = known.get(partition)
      if (stop === undefined) throw noStopOffset(bounded, topic, groupId, partition)
      stops.set(partition, stop)
    }
    return stops
  }

  /**
   * The chunk of a fetched batch. Undecodable records go to the dead-letter topic, and the position moves
   * past the batch, only once no registry fault is left in it: a fault is retried with backoff over the
   * whole batch, and one that outlasts the retries fails the source there.
   */
  private async decode(partition: number, records: readonly KafkaRecord[]): Promise<SourceChunk> {
    const first = records[0]
    const { batch, failed } = await retryRegistryFaults(
      this.options.registryRetry,
      () => this.decodeRecords(records),
      (attempts, fault) =>
        new SourceRegistryUnavailableError(
          this.options.table,
          attempts,
          { topic: this.options.topic, partition, offset: first?.offset ?? '?' },
          fault,
        ),
    )
    if (failed.length > 0) {
      this.deadLetters ??= await DeadLetterQueue.open(
        this.options.kafka,
        this.options.table,
        this.options.deadLetterTopic,
      )
      await this.deadLetters.send(failed)
    }
    const last = records.at(-1)
    if (last !== undefined) this.positions.set(partition, (BigInt(last.offset) + 1n).toString())
    return failed.length === 0
      ? { partition, batch }
      : { partition, batch, deadLetters: { undecodable: failed.length } }
  }

  /** Rows of the records that decode, and the records that do not; rejects on the first registry fault. */
  private async decodeRecords(
    records: readonly KafkaRecord[],
  ): Promise<{ batch: Batch; failed: KafkaDeadLetter[] }> {
    const { decoder, upsert } = this.options
    const values = records.flatMap((record) => (record.value === null ? [] : [record.value]))
    await decoder.prepare?.(values)
    const rows: Row[] = []
    const kinds: RowKind[] = []
    const failed: KafkaDeadLetter[] = []
    for (const record of records) {
      try {
        if (record.value !== null) {
          rows.push(decoder.decode(record.value))
          if (upsert !== undefined) kinds.push(RowKind.UpdateAfter)
        } else if (upsert === undefined) {
          throw new Error('record has no value (a tombstone)')
        } else if (record.key === null) {
          throw new Error('tombstone without a key: there is no row to delete')
        } else {
          rows.push(upsert.deletionOfKey.decode(record.key))
          kinds.push(RowKind.Delete)
        }
      } catch (error) {
        // The registry said nothing about this record: give up on the batch, to decode it again later.
        if (isRegistryFault(error)) throw error
        failed.push({ record, error })
      }
    }
    const batch = upsert === undefined ? insertBatch(rows) : { rows, kinds: Uint8Array.from(kinds) }
    return { batch, failed }
  }
}

/** The stop offset of each partition not yet read up to it. */
class StopOffsets {
  private readonly pending = new Map<number, bigint>()

  /** A partition that starts at or beyond its stop is done at once (an empty one, say). */
  constructor(starts: ReadonlyMap<number, bigint>, stops: ReadonlyMap<number, bigint>) {
    for (const [partition, start] of starts) {
      const stop = stops.get(partition)!
      if (start < stop) this.pending.set(partition, stop)
    }
  }

  allReached(): boolean {
    return this.pending.size === 0
  }

  /** The records of `batch` before its partition's stop; the partition is done once a record reaches it. */
  recordsBefore(batch: KafkaRecordBatch): KafkaRecord[] {
    const stop = this.pending.get(batch.partition)
    if (stop === undefined) return []
    const last = batch.records.at(-1)
    if (last === undefined || BigInt(last.offset) + 1n < stop) return batch.records
    this.pending.delete(batch.partition)
    return batch.records.filter((record) => BigInt(record.offset) < stop)
  }

  /**
   * The reader's positions after the batches processed so far: past a transaction's commit marker, which
   * is no record, so a partition whose last record before the stop is followed by one still gets there.
   */
  passPositions(positions: ReadonlyMap<number, string>): void {
    for (const [partition, stop] of this.pending) {
      const position = positions.get(partition)
      if (position !== undefined && BigInt(position) >= stop) this.pending.delete(partition)
    }
  }
}

function noStopOffset(
  bounded: BoundedMode,
  topic: string,
  groupId: string,
  partition: number,
): ConnectorOptionError {
  if (bounded.mode === 'group-offsets') {
    return new ConnectorOptionError(
      `'scan.bounded.mode' = 'group-offsets': group '${groupId}' has committed no offset for partition ${partition} of topic '${topic}'; commit one for every partition or choose another 'scan.bounded.mode'`,
    )
  }
  return new ConnectorOptionError(
    `'scan.bounded.specific-offsets' gives no offset for partition ${partition} of topic '${topic}'; add 'partition:${partition},offset:<stop>' for every partition the table reads`,
  )
}
