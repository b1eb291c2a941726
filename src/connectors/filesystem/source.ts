import { readFile } from 'node:fs/promises'
import { insertBatch, type Row, type Source, type SourceChunk } from '../../engine/index.ts'
import { type MalformedInput, SINGLE_SUBTASK, type Subtask } from '../engine/context.ts'
import type { RecordDecoder } from '../engine/record-decoder.ts'
import { listDataFiles } from './files.ts'

/** Where a filesystem source is: the index of the file in sorted order and the lines of it already read. */
export interface FilePosition {
  readonly file: number
  readonly line: number
}

const MAX_BATCH_LINES = 1024

/**
 * Reads every line of the files under a path once, then ends (bounded, as Flink's filesystem source in
 * batch mode). The files are one partition. A line that is not a row goes to the malformed-input handler
 * with its file and line number and is counted as an `undecodable` dead letter of the job, so nothing is
 * dropped without a trace. In a parallel job, subtask i of n decodes lines i, i+n, i+2n, … of every file,
 * so the subtasks share the work whatever the file count.
 */
export class FileSystemSource implements Source<FilePosition> {
  private files: string[] | undefined
  private position: FilePosition = { file: 0, line: 0 }
  private lines: string[] | undefined

  constructor(
    private readonly table: string,
    private readonly path: string,
    private readonly format: RecordDecoder,
    private readonly onMalformed: (input: MalformedInput) => void,
    private readonly subtask: Subtask = SINGLE_SUBTASK,
  ) {}

  partitions(): readonly number[] {
    return [0]
  }

  async pull(): Promise<SourceChunk | null> {
    this.files ??= await listDataFiles(this.path)
    while (this.position.file < this.files.length) {
      const path = this.files[this.position.file]!
      this.lines ??= splitLines(await readFile(path, 'utf8'))
      if (this.position.line < this.lines.length) return this.readLines(path)
      this.position = { file: this.position.file + 1, line: 0 }
      this.lines = undefined
    }
    return null
  }

  snapshot(): FilePosition {
    return this.position
  }

  restore(position: FilePosition): void {
    this.position = position
    this.lines = undefined
  }

  close(): void {}

  /** The next lines as a chunk; malformed ones go to the handler and are counted with it (`undecodable`). */
  private readLines(path: string): SourceChunk {
    const lines = this.lines!
    const first = this.position.line
    const end = Math.min(lines.length, first + MAX_BATCH_LINES)
    const rows: Row[] = []
    let malformed = 0
    const { index: owner, count } = this.subtask
    for (let index = first; index < end; index++) {
      if (index % count !== owner) continue
      const line = lines[index]!
      if (line.trim() === '') continue
      try {
        rows.push(this.format.decode(Buffer.from(line)))
      } catch (error) {
        malformed++
        this.onMalformed({
          table: this.table,
          location: `${path}:${index + 1}`,
          error: error instanceof Error ? error.message : String(error),
          content: line,
        })
      }
    }
    this.position = { file: this.position.file, line: end }
    const batch = insertBatch(rows)
    return malformed === 0
      ? { partition: 0, batch }
      : { partition: 0, batch, deadLetters: { undecodable: malformed } }
  }
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}
