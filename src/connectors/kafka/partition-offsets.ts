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
