import type { Kafka } from 'kafkajs'

/** How the ledger is stored: Kafka's commit metadata of the group's partition, beside its offset. */
const PREFIX = 'weir.dlq.through='

/**
 * The highest source offset a consumer group has dead-lettered, per partition, kept in the group's own
 * committed offset metadata so it survives restarts without another topic or store. A group reads a
 * partition in offset order, so a record at or below that offset which fails again was dead-lettered by
 * this group before (it is re-read because the batch holding it was not committed yet): it is not sent again.
 */
export class DeadLetterLedger {
  private constructor(private readonly through: Map<number, bigint>) {}

  static async load(kafka: Kafka, group: string, topic: string): Promise<DeadLetterLedger> {
    const admin = kafka.admin()
    await admin.connect()
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
      const through = new Map<number, bigint>()
      for (const { partition, metadata } of offsets?.partitions ?? []) {
        const offset = parse(metadata)
        if (offset !== undefined) through.set(partition, offset)
      }
      return new DeadLetterLedger(through)
    } finally {
      await admin.disconnect()
    }
  }

  /** Whether this group already dead-lettered the record at `offset`. */
  has(partition: number, offset: string): boolean {
    const through = this.through.get(partition)
    return through !== undefined && BigInt(offset) <= through
  }

  /** Records that the records up to `offset` are dead-lettered; returns the partition's commit metadata. */
  add(partition: number, offset: string): string {
    const value = BigInt(offset)
    const through = this.through.get(partition)
    if (through === undefined || value > through) this.through.set(partition, value)
    return `${PREFIX}${this.through.get(partition)}`
  }

  /** The commit metadata of every partition with dead letters, to carry on in the group's next commits. */
  metadata(): Array<[partition: number, metadata: string]> {
    return [...this.through].map(([partition, offset]) => [partition, `${PREFIX}${offset}`])
  }
}

function parse(metadata: string | null): bigint | undefined {
  if (!metadata?.startsWith(PREFIX)) return undefined
  const text = metadata.slice(PREFIX.length)
  return /^\d+$/.test(text) ? BigInt(text) : undefined
}
