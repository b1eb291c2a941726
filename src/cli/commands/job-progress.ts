import { type OperatorMetricsSnapshot, timeMsPerSecond } from '../../engine/index.ts'
import type { JobProgress, JobResult } from '../../sql/job/index.ts'
import { LiveBlock, type TerminalOutput } from '../result-view/live-block.ts'
import { DeadLetterSummary } from './dead-letter-summary.ts'

/** Where progress goes: each report's lines, then the final ones. */
export interface ProgressOutput {
  update(lines: readonly string[]): void
  finish(lines: readonly string[]): void
  /**
   * Each update replaces the last on screen: lines must then repeat in every update to stay visible (dead
   * letters show their current totals), where printed lines stay and are better rate-limited.
   */
  readonly redraws?: boolean
}

/** Plain lines, one report after the other: for logs, pipes and CI, where nothing can be redrawn. */
export function plainLines(write: (line: string) => void): ProgressOutput {
  const all = (lines: readonly string[]): void => {
    for (const line of lines) write(line)
  }
  return { update: all, finish: all }
}

/** On a terminal: the report redrawn in place (one line, or one per operator), the final one kept. */
export function updatingLines(terminal: TerminalOutput): ProgressOutput {
  const block = new LiveBlock(terminal)
  return {
    redraws: true,
    update: (lines) => block.draw(lines),
    finish: (lines) => {
      block.draw(lines)
      block.release()
    },
  }
}

/**
 * The live progress of `weir sql run` on stderr: one line per interval, redrawn in place on a terminal (records read, records/s, the sinks'
 * watermark) and, with `perOperator`, a line per engine node (records in/out and their rates, watermark and
 * how far it trails the sources', state entries, late records, dead letters, and the shares of the interval
 * it was busy, back-pressured and idle, in percent: Flink's busy/backPressured/idleTimeMsPerSecond ÷ 10).
 */
export class ProgressReporter {
  private last: { at: number; recordsIn: number; nodes: Map<string, OperatorMetricsSnapshot> } = {
    at: Date.now(),
    recordsIn: 0,
    nodes: new Map(),
  }

  private readonly output: ProgressOutput
  /** Records that left the job, one line per reason: rate-limited while it runs, totals at the end. */
  private readonly deadLetters = new DeadLetterSummary()

  /** `output` takes each report's lines; a function receives them one by one (as plain lines). */
  constructor(
    output: ProgressOutput | ((line: string) => void),
    private readonly perOperator: boolean,
  ) {
    this.output = typeof output === 'function' ? plainLines(output) : output
  }

  readonly report = (progress: JobProgress): void => {
    const now = Date.now()
    const seconds = Math.max(1, now - this.last.at) / 1000
    const rate = (progress.recordsIn - this.last.recordsIn) / seconds
    const lines = [
      `records in: ${progress.recordsIn} (${Math.round(rate)}/s), watermark: ${formatWatermark(progress.watermark)}`,
    ]
    if (this.perOperator) lines.push(...this.operatorLines(progress.metrics, seconds))
    lines.push(
      ...(this.output.redraws === true
        ? this.deadLetters.final(progress.deadLetters)
        : this.deadLetters.update(progress.deadLetters, now)),
    )
    this.output.update(lines)
    this.last = {
      at: now,
      recordsIn: progress.recordsIn,
      nodes: new Map(progress.metrics.map((node) => [node.name, node])),
    }
  }

  /** The final line; with `perOperator`, each node's totals since the last interval too. */
  finish(result: JobResult): void {
    const parallelism = result.parallelism > 1 ? ` (${result.parallelism} subtasks)` : ''
    const lines = [
      `${result.cancelled ? 'cancelled' : 'finished'}${parallelism}: ${result.recordsIn} records in, ${result.lateRecords} late`,
    ]
    if (this.perOperator)
      lines.push(...this.operatorLines(result.metrics, Math.max(1, Date.now() - this.last.at) / 1000))
    lines.push(...this.deadLetters.final(result.deadLetters))
    this.output.finish(lines)
  }

  private operatorLines(metrics: readonly OperatorMetricsSnapshot[], seconds: number): string[] {
    const sourceWatermark = Math.max(...metrics.map((node) => node.watermark))
    return metrics.map((node) => this.operatorLine(node, seconds, sourceWatermark))
  }

  private operatorLine(node: OperatorMetricsSnapshot, seconds: number, sourceWatermark: number): string {
    const before = this.last.nodes.get(node.name)
    const inRate = Math.round((node.recordsIn - (before?.recordsIn ?? 0)) / seconds)
    const outRate = Math.round((node.recordsOut - (before?.recordsOut ?? 0)) / seconds)
    const trails =
      Number.isFinite(node.watermark) && Number.isFinite(sourceWatermark)
        ? ` (${((sourceWatermark - node.watermark) / 1000).toFixed(1)} s behind)`
        : ''
    const time = timeMsPerSecond(node, before, seconds * 1000)
    return [
      `  ${node.name}:`,
      `in ${node.recordsIn} (${inRate}/s)`,
      `out ${node.recordsOut} (${outRate}/s)`,
      `watermark ${formatWatermark(node.watermark)}${trails}`,
      `state ${node.stateEntries}`,
      `late ${node.lateRecords}`,
      `dead letters ${node.deadLetters}`,
      `busy ${percent(time.busyTimeMsPerSecond)}`,
      `backpressured ${percent(time.backPressuredTimeMsPerSecond)}`,
      `idle ${percent(time.idleTimeMsPerSecond)}`,
    ].join('  ')
  }
}

export function formatWatermark(watermark: number): string {
  if (watermark === Number.NEGATIVE_INFINITY) return 'none'
  if (watermark === Number.POSITIVE_INFINITY) return 'end of input'
  return new Date(watermark).toISOString()
}

function percent(msPerSecond: number): string {
  return `${Math.round(msPerSecond / 10)}%`
}
