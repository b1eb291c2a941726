import { randomUUID } from 'node:crypto'
import { type FileHandle, mkdir, open, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { Batch, Sink } from '../../engine/index.ts'
import { requireInsertOnly } from '../engine/changelog.ts'
import type { RowFormat } from '../engine/row-format.ts'

export interface FileSystemSinkOptions {
  readonly directory: string
  /** File name extension, the format's name. */
  readonly extension: string
  readonly format: RowFormat
  /** Flink's `sink.rolling-policy.file-size`: a part file at least this large is closed and a new one begun. */
  readonly rollingFileSize: number
}

/** Part files closed at a barrier, to be made visible when that checkpoint completes. */
export interface FileSystemSinkSnapshot {
  readonly pending: readonly string[]
}

interface OpenPart {
  readonly name: string
  readonly handle: FileHandle
  bytes: number
}

/**
 * Writes rows as lines into part files `part-<uuid>-<n>.<ext>`. A part is written under the hidden name
 * `.part-<uuid>-<n>.<ext>.inprogress`, which readers skip, and renamed to its final name only once the
 * checkpoint it belongs to completes (or the input ends): readers never see a partial or uncommitted file.
 */
export class FileSystemSink implements Sink<FileSystemSinkSnapshot> {
  private readonly writerId = randomUUID()
  private partCount = 0
  private current: OpenPart | undefined
  /** Closed parts by the checkpoint that will commit them; `Infinity` for parts closed by rolling. */
  private readonly closed = new Map<string, number>()

  constructor(private readonly options: FileSystemSinkOptions) {}

  async write(batch: Batch): Promise<void> {
    requireInsertOnly(batch, 'filesystem', 'write it to an upsert-kafka table, or aggregate it in windows')
    if (batch.rows.length === 0) return
    const text = batch.rows.map((row) => `${this.options.format.encode(row).toString()}\n`).join('')
    const part = this.current ?? (await this.openPart())
    const bytes = Buffer.from(text)
    await part.handle.write(bytes)
    part.bytes += bytes.length
    if (part.bytes >= this.options.rollingFileSize) await this.closeCurrent(Number.POSITIVE_INFINITY)
  }

  /** Pre-commit: the open part is closed; everything closed and not yet committed belongs to this checkpoint. */
  async onBarrier(checkpointId: number): Promise<FileSystemSinkSnapshot> {
    await this.closeCurrent(checkpointId)
    for (const [name, owner] of this.closed)
      if (owner === Number.POSITIVE_INFINITY) this.closed.set(name, checkpointId)
    return { pending: [...this.closed.keys()] }
  }

  async onCheckpointComplete(checkpointId: number): Promise<void> {
    for (const [name, owner] of [...this.closed]) {
      if (owner > checkpointId) continue
      await this.commit(name)
      this.closed.delete(name)
    }
  }

  /** The restored checkpoint completed, so its pending parts are committed; later parts stay hidden. */
  async restore(snapshot: FileSystemSinkSnapshot): Promise<void> {
    for (const name of snapshot.pending) {
      await this.commit(name).catch((error: NodeJS.ErrnoException) => {
        // Committed before the failure already: the rename happened, the in-progress file is gone.
        if (error.code !== 'ENOENT') throw error
      })
    }
  }

  async onEndOfInput(): Promise<void> {
    await this.closeCurrent(Number.POSITIVE_INFINITY)
    for (const name of [...this.closed.keys()]) {
      await this.commit(name)
      this.closed.delete(name)
    }
  }

  async close(): Promise<void> {
    await this.current?.handle.close()
    this.current = undefined
  }

  private async openPart(): Promise<OpenPart> {
    await mkdir(this.options.directory, { recursive: true })
    const name = `part-${this.writerId}-${this.partCount++}.${this.options.extension}`
    const handle = await open(join(this.options.directory, inProgressName(name)), 'w')
    this.current = { name, handle, bytes: 0 }
    return this.current
  }

  private async closeCurrent(owner: number): Promise<void> {
    const part = this.current
    if (part === undefined) return
    this.current = undefined
    await part.handle.sync()
    await part.handle.close()
    this.closed.set(part.name, owner)
  }

  private commit(name: string): Promise<void> {
    const { directory } = this.options
    return rename(join(directory, inProgressName(name)), join(directory, name))
  }
}

function inProgressName(name: string): string {
  return `.${name}.inprogress`
}
