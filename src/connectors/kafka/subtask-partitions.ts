import { randomUUID } from 'node:crypto'
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs'
import type { Subtask } from '../engine/context.ts'

/** Partition p belongs to subtask p mod count, so the subtasks split a topic's partitions evenly. */
export function ownsPartition(share: Subtask, partition: number): boolean {
  return partition % share.count === share.index
}

/**
 * The consumer group of one subtask. Each subtask has a group of its own with this assigner, so its
 * partitions are fixed from the start: with one shared group, every subtask joining would rebalance the
 * others, and kafkajs re-reads a partition it gets back from the group's committed offsets, which would
 * duplicate records under the earliest/latest/timestamp startup modes.
 */
export function subtaskGroupId(groupId: string, share: Subtask): string {
  return `${groupId}-subtask-${share.index}-of-${share.count}`
}

/**
 * The consumer group of a reader that assigns partitions itself (Flink's KafkaSource): every such reader
 * reads all of its share of the topic, whatever other readers of the same group id do. kafkajs fetches
 * only as a group member, so the reader is the sole member of a group of its own, unique per reader
 * instance; it never commits there (commits go to the configured group, see `offset-committer.ts`), and
 * Kafka removes an empty group without offsets as soon as its member leaves.
 */
export function privateReaderGroupId(groupId: string, share: Subtask): string {
  return `${groupId}.weir-reader-${share.index}-of-${share.count}-${randomUUID()}`
}

const ASSIGNER_NAME = 'WeirSubtaskPartitions'

/** A kafkajs assigner giving the group's (single) member the partitions its subtask owns. */
export function subtaskPartitionAssigner(share: Subtask): PartitionAssigner {
  return ({ cluster }) => ({
    name: ASSIGNER_NAME,
    version: 1,
    async assign({ members, topics }) {
      const owned: Record<string, number[]> = {}
      for (const topic of topics) {
        owned[topic] = cluster
          .findTopicPartitionMetadata(topic)
          .map((metadata) => metadata.partitionId)
          .filter((partition) => ownsPartition(share, partition))
      }
      // A second member can only be a stale one of the same subtask (a restart): it gets nothing.
      return members.map((member, i) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: i === 0 ? owned : {},
          userData: Buffer.alloc(0),
        }),
      }))
    },
    protocol: ({ topics }) => ({
      name: ASSIGNER_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    }),
  })
}
