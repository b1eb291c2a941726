import type { Admin } from 'kafkajs'
import type { StartupMode } from './reader.ts'

/** Where a bounded source stops reading each partition: the offset of the first record it leaves out. */
export type BoundedMode =
  /** The high watermark when the source opens: what the topic held then. */
  | { mode: 'latest-offset' }
  /** The offsets committed by `groupId` (the table's group, not the group of a parallel subtask's reader). */
  | { mode: 'group-offsets' }
  /** The first record at or after this time. */
  | { mode: 'timestamp'; timestampMillis: number }
  | { mode: 'specific-offsets'; offsets: Array<{ partition: number; offset: string }> }

/** A position in every partition of a topic: where a reader starts or where a bounded source stops. */
export type PartitionPosition = StartupMode | BoundedMode

/**
 * Each partition's offset at `position`, where it has one: 'group-offsets' gives only the partitions
 * `groupId` committed, 'specific-offsets' only those listed.
 */
export async function offsetsAt(
  admin: Admin,
  topic: string,
  groupId: string,
  position: PartitionPosition,
): Promise<Map<number, bigint>> {
  const offsets = await listedOffsets(admin, topic, groupId, position)
  return new Map(
    offsets
      .filter(({ offset }) => BigInt(offset) >= 0n)
      .map(({ partition, offset }) => [partition, BigInt(offset)]),
  )
}

export async function listedOffsets(
  admin: Admin,
  topic: string,
  groupId: string,
  position: PartitionPosition,
): Promise<Array<{ partition: number; offset: string }>> {
  switch (position.mode) {
    case 'specific-offsets':
      return position.offsets
    case 'timestamp':
      // A partition with no record at or after the time gets its high watermark from kafkajs.
      return admin.fetchTopicOffsetsByTimestamp(topic, position.timestampMillis)
    case 'group-offsets': {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
      // -1 where the group committed nothing; offsetsAt leaves those out.
      return committed?.partitions ?? []
    }
    case 'earliest-offset':
    case 'latest-offset': {
      const offsets = await admin.fetchTopicOffsets(topic)
      return offsets.map(({ partition, low, high }) => ({
        partition,
        offset: position.mode === 'earliest-offset' ? low : high,
      }))
    }
  }
}

/** `group-offsets` with `auto.offset.reset` = 'none' met a partition its group committed nothing for. */
export class NoCommittedOffsetError extends Error {
  override readonly name = 'NoCommittedOffsetError'

  constructor(topic: string, groupId: string, partitions: readonly number[]) {
    super(
      `group '${groupId}' has committed no offset for partition${partitions.length === 1 ? '' : 's'} ${partitions.join(', ')} of topic '${topic}' and 'properties.auto.offset.reset' is 'none': set it to 'earliest' or 'latest', or choose another 'scan.startup.mode'`,
    )
  }
}

/**
 * Where a reader starting at `startup` begins on every partition of the topic, as Flink's KafkaSource
 * resolves it: 'group-offsets' takes `groupId`'s committed offset and, where there is none, follows its
 * reset strategy; 'specific-offsets' takes the committed offset, else the earliest, for a partition it does
 * not list; 'timestamp' gives the end of a partition with no record at or after the time.
 */
export async function startingOffsets(
  admin: Admin,
  topic: string,
  groupId: string,
  startup: StartupMode,
): Promise<Map<number, bigint>> {
  const ends = await admin.fetchTopicOffsets(topic)
  const given =
    startup.mode === 'group-offsets'
      ? new Map<number, bigint>()
      : await offsetsAt(admin, topic, groupId, startup)
  const committed =
    startup.mode === 'group-offsets' || startup.mode === 'specific-offsets'
      ? await offsetsAt(admin, topic, groupId, { mode: 'group-offsets' })
      : new Map<number, bigint>()
  const reset = startup.mode === 'group-offsets' ? (startup.reset ?? 'earliest') : 'earliest'
  const starts = new Map<number, bigint>()
  const unresolved: number[] = []
  for (const { partition, low, high } of ends) {
    const start = given.get(partition) ?? committed.get(partition)
    if (start !== undefined) starts.set(partition, start)
    else if (reset === 'none') unresolved.push(partition)
    else starts.set(partition, BigInt(reset === 'earliest' ? low : high))
  }
  if (unresolved.length > 0)
    throw new NoCommittedOffsetError(
      topic,
      groupId,
      unresolved.sort((a, b) => a - b),
    )
  return starts
}
