import { LiveBlock, type TerminalOutput } from './live-block.ts'
import type { MaterializedResult } from './materialized-result.ts'
import { renderTable } from './render-table.ts'

/** At most ten redraws a second: faster is unreadable and costs the job time. */
export const MIN_REDRAW_INTERVAL_MS = 100

/**
 * Table mode on a terminal: the print tables' results, and the job's progress below them, drawn in place
 * and kept within the terminal's height. Changes mark the view dirty; a redraw follows within
 * MIN_REDRAW_INTERVAL_MS, or later if drawing itself is slow (a result with very many keys to sort).
 */
export class TerminalTableView {
  private readonly block: LiveBlock
  private readonly results: MaterializedResult[] = []
  private progress: readonly string[] = []
  private timer: NodeJS.Timeout | undefined
  private lastDrawAt = 0
  private lastDrawMs = 0
  private drawnVersions = ''
  private closed = false

  constructor(
    output: TerminalOutput,
    private readonly now: () => number = Date.now,
  ) {
    this.block = new LiveBlock(output)
  }

  add(result: MaterializedResult): void {
    this.results.push(result)
    this.changed()
  }

  setProgress(lines: readonly string[]): void {
    this.progress = lines
    this.changed(true)
  }

  /** Schedules a redraw; `force` redraws even if no result changed (new progress). */
  changed(force = false): void {
    if (this.closed || this.timer !== undefined) return
    if (!force && this.versions() === this.drawnVersions) return
    const interval = Math.max(MIN_REDRAW_INTERVAL_MS, this.lastDrawMs * 10)
    const wait = Math.max(0, this.lastDrawAt + interval - this.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.draw()
    }, wait)
    // A pending redraw must not keep a finished job's process alive.
    this.timer.unref()
  }

  /** The last drawing, left on screen: the final results and progress. Later calls do nothing. */
  finish(): void {
    if (this.closed) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.draw()
    this.closed = true
    this.block.release()
  }

  /** The lines of one drawing (exposed for tests). */
  frame(): string[] {
    const height = this.block.height - this.progress.length - 1
    const share = Math.max(5, Math.floor(height / Math.max(1, this.results.length)))
    const tables = this.results.flatMap((result, i) => [
      ...(i > 0 ? [''] : []),
      ...renderTable(result, { width: this.block.width, height: share - (i > 0 ? 1 : 0) }),
    ])
    if (this.results.length === 0) tables.push('waiting for the first result…')
    return [...tables, ...this.progress]
  }

  private draw(): void {
    const started = this.now()
    this.drawnVersions = this.versions()
    this.block.draw(this.frame())
    this.lastDrawAt = this.now()
    this.lastDrawMs = this.lastDrawAt - started
  }

  private versions(): string {
    return this.results.map((result) => result.version).join(',')
  }
}
