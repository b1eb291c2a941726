import type { Admin } from '@platformatic/kafka'

/** Committing a source's offsets to its group failed; the message says why and what to do. */
export class OffsetCommitError extends Error {
  override readonly name = 'OffsetCommitError'
}

export interface OffsetCommitterOptions {
  readonly bootstrapServers: readonly string[]
  readonly clientId: string
  readonly groupId: string
  readonly topic: string
}

/**
 * Commits a source's positions to its consumer group as a standalone consumer (generation -1, no member
 * id), which is how Flink's KafkaSource commits: the source reads partitions it assigned itself, so it is
 * no member of the group, and the group id only names where the offsets are kept for monitoring and for
 * the next run's 'group-offsets' start. kafkajs cannot do this (its admin `setOffsets` joins the group and
 * refuses while anyone else is in it), @platformatic/kafka's `alterConsumerGroupOffsets` sends exactly that
 * OffsetCommit request.
 */
export class OffsetCommitter {
  private admin: Admin | undefined

  constructor(private readonly options: OffsetCommitterOptions) {}

  get groupId(): string {
    return this.options.groupId
  }

  /** Commits the next offset to read per partition, as [partition, offset] pairs. */
  async commit(positions: Iterable<readonly [number, string]>): Promise<void> {
    const partitionOffsets = [...positions].map(([partition, offset]) => ({
      partition,
      offset: BigInt(offset),
    }))
    if (partitionOffsets.length === 0) return
    const { groupId, topic } = this.options
    // Loaded on the first commit: the client validates its options with ajv, which costs every process
    // that merely links the Kafka connector (each CLI command) hundreds of milliseconds at start.
    const { Admin: AdminClient } = await import('@platformatic/kafka')
    this.admin ??= new AdminClient({
      clientId: this.options.clientId,
      bootstrapBrokers: [...this.options.bootstrapServers],
    })
    try {
      await this.admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets }] })
    } catch (error) {
      throw new OffsetCommitError(
        `could not commit offsets of topic '${topic}' to group '${groupId}': ${describe(error)}. If a running Kafka consumer group uses '${groupId}' (Kafka then refuses commits from non-members), give the table a 'properties.group.id' of its own`,
        { cause: error },
      )
    }
  }

  async close(): Promise<void> {
    await this.admin?.close()
    this.admin = undefined
  }
}

/** @platformatic/kafka wraps the broker's answer in MultipleErrors: the innermost messages say what happened. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const nested = 'errors' in error && Array.isArray(error.errors) ? error.errors : []
  const inner = nested.map(describe).filter(Boolean)
  return inner.length > 0 ? `${error.message} (${inner.join('; ')})` : error.message
}
