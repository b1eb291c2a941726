import type { DeadLetterCounts } from './metrics.ts'
import type { Batch } from './rows.ts'

/** Rows read from one partition (a Kafka partition, a file split); the watermark is tracked per partition. */
export interface SourceChunk {
  readonly partition: number
  readonly batch: Batch
  /**
   * Records of this read that did not become rows (undecodable bytes, say), by reason. The source has sent
   * them to its own dead-letter destination; the pipeline counts them in the source node's metrics, so a
   * job reports them like every other dead letter instead of losing them silently.
   */
  readonly deadLetters?: DeadLetterCounts
}

/**
 * An asynchronous, replayable reader. The executor pulls one chunk at a time and does not pull again until
 * everything downstream has room, which is how a slow sink slows the source.
 *
 * `pull` resolves with null at the end of a bounded input. A source waiting for data should resolve with an
 * empty batch after a poll interval instead of waiting indefinitely: between chunks the executor injects
 * checkpoint barriers and notices idle partitions.
 *
 * A pulled chunk belongs to the pipeline: its batch may be shared by several consumers and must not be
 * modified or reused by the source afterwards.
 *
 * `P` is the position type (offsets): `snapshot` returns the position after the last chunk pulled, and
 * `restore` (called before the first pull) makes the next pull continue from such a position.
 */
export interface Source<P = unknown> {
  /** Partitions assigned at start; each holds the watermark back until it has data or goes idle. */
  partitions(): readonly number[]
  pull(): Promise<SourceChunk | null>
  /**
   * `checkpointId` is the checkpoint the position is taken for (absent for a finished source's final
   * position), so a source can later commit exactly that position when the checkpoint completes.
   */
  snapshot(checkpointId?: number): P
  restore(position: P): void
  /**
   * For a source that knows event-time progress itself rather than deriving it from rows (an exchange
   * between subtasks forwards the watermarks of its senders): the current watermark, or 'idle' when no
   * input is active. When present, the pipeline uses it instead of a watermark strategy.
   */
  watermark?(): number | 'idle'
  /** Checkpoint `checkpointId` is durable: e.g. commit offsets to Kafka for monitoring. */
  onCheckpointComplete?(checkpointId: number): void | Promise<void>
  close(): void | Promise<void>
}
