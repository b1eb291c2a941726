import { setTimeout as sleep } from 'node:timers/promises'
import { insertBatch, type Row, type Source, type SourceChunk } from '../../engine/index.ts'
import { SINGLE_SUBTASK, type Subtask } from '../engine/context.ts'
import { ConnectorOptionError } from '../engine/options.ts'
import type { ConnectorColumn } from '../engine/table.ts'
import type { BatchGenerator } from './generator.ts'
import type { Pacer } from './pacing.ts'
import { createDatagenSource } from './source.ts'

/** The Weir option splitting a datagen table into partitions; the rest are datagen's own options. */
export const DATAGEN_PARTITIONS_OPTION = 'datagen.partitions'

const MAX_BATCH_ROWS = 1024
/** Longest sleep while rate-limited, so barriers still get through between chunks. */
const MAX_PACING_WAIT_MS = 100

/**
 * A datagen table as an engine source. Partition p of n serves the generator's rows p, p+n, p+2n, …, so
 * the partitions together serve every row once; its position is the next row per partition, and since a
 * row is a pure function of its index, restoring a position replays exactly the same rows. In a parallel
 * job there are at least as many partitions as subtasks, subtask i serves partitions i, i+count, …, and the
 * rate limit is split evenly between subtasks.
 */
export class DatagenEngineSource implements Source<number[]> {
  private readonly generator: BatchGenerator
  private readonly pacer: Pacer
  private readonly columnIndexes: readonly number[]
  private readonly partitionCount: number
  /** The partitions this subtask serves. */
  private readonly owned: readonly number[]
  /** Next row of each partition, counted within the partition. */
  private positions: number[]
  private nextOwned = 0

  constructor(
    options: Readonly<Record<string, string>>,
    columns: readonly ConnectorColumn[],
    subtask: Subtask = SINGLE_SUBTASK,
    private readonly now: () => number = Date.now,
  ) {
    const { [DATAGEN_PARTITIONS_OPTION]: partitions, ...datagenOptions }: Record<string, string> = options
    const rate = datagenOptions['rows-per-second']
    if (rate !== undefined && subtask.count > 1)
      datagenOptions['rows-per-second'] = String(Math.max(1, Number(rate) / subtask.count))
    const { generator, pacer } = createDatagenSource(datagenOptions)
    this.generator = generator
    this.pacer = pacer
    this.partitionCount = Math.max(parsePartitions(partitions), subtask.count)
    this.owned = [...Array(this.partitionCount).keys()].filter(
      (partition) => partition % subtask.count === subtask.index,
    )
    this.positions = new Array<number>(this.partitionCount).fill(0)
    const schema = generator.schema
    this.columnIndexes = columns.map((column) => {
      const index = schema.findIndex((candidate) => candidate.name === column.name)
      if (index < 0) {
        throw new ConnectorOptionError(
          `datagen generator '${options.generator}' has no column '${column.name}'; it has: ${schema.map((c) => c.name).join(', ')}`,
        )
      }
      return index
    })
  }

  partitions(): readonly number[] {
    return this.owned
  }

  async pull(): Promise<SourceChunk | null> {
    const partition = this.nextOpenPartition()
    if (partition === undefined) return null
    const remaining = this.rowsLeft(partition)
    let due = this.pacer.rowsDue(this.now())
    if (due === 0) {
      await sleep(Math.min(MAX_PACING_WAIT_MS, this.pacer.millisUntilDue(this.now(), 1)))
      due = this.pacer.rowsDue(this.now())
      if (due === 0) return { partition, batch: insertBatch([]) }
    }
    const count = Math.min(due, MAX_BATCH_ROWS, remaining)
    const rows: Row[] = new Array(count)
    const first = this.positions[partition]!
    for (let i = 0; i < count; i++) {
      const generated = this.generator.rows.rowAt((first + i) * this.partitionCount + partition)
      rows[i] = this.columnIndexes.map((index) => generated[index])
    }
    this.positions[partition] = first + count
    this.pacer.consume(count)
    return { partition, batch: insertBatch(rows) }
  }

  snapshot(): number[] {
    return [...this.positions]
  }

  restore(positions: number[]): void {
    if (positions.length !== this.partitionCount) {
      throw new Error(
        `datagen snapshot has ${positions.length} partitions, the source ${this.partitionCount}`,
      )
    }
    this.positions = [...positions]
  }

  close(): void {}

  /** Partitions take turns so each advances at the same pace; undefined when all are exhausted. */
  private nextOpenPartition(): number | undefined {
    for (let tried = 0; tried < this.owned.length; tried++) {
      const partition = this.owned[this.nextOwned]!
      this.nextOwned = (this.nextOwned + 1) % this.owned.length
      if (this.rowsLeft(partition) > 0) return partition
    }
    return undefined
  }

  private rowsLeft(partition: number): number {
    const end = this.generator.end
    if (end === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY
    const rowsInPartition = Math.max(0, Math.ceil((end - partition) / this.partitionCount))
    return rowsInPartition - this.positions[partition]!
  }
}

function parsePartitions(text: string | undefined): number {
  if (text === undefined) return 1
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConnectorOptionError(
      `option '${DATAGEN_PARTITIONS_OPTION}' must be an integer >= 1; got '${text}'`,
    )
  }
  return value
}
