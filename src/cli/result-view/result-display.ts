import { type Batch, kindAt, rowKindSymbol, type Sink } from '../../engine/index.ts'
import { QUERY_RESULT_TABLE } from '../../sql/job/print-query.ts'
import { resultKeyOf } from '../../sql/job/result-key.ts'
import { connectorTable } from '../../sql/physical/connector-table.ts'
import type { SinkNode } from '../../sql/plan/nodes.ts'
import { type ProgressOutput, plainLines, updatingLines } from '../commands/job-progress.ts'
import type { TerminalOutput } from './live-block.ts'
import { MaterializedResult, type ResultColumn } from './materialized-result.ts'
import { renderTable, TableauPrinter } from './render-table.ts'
import type { ResultMode } from './result-mode.ts'
import { TerminalTableView } from './terminal-view.ts'

export interface TerminalStream extends TerminalOutput {
  readonly isTTY?: boolean
}

export interface ResultDisplayOptions {
  readonly mode: ResultMode
  readonly stdout: TerminalStream
  readonly stderr: TerminalStream
}

/**
 * How `weir sql run` shows a job: what its print tables receive (per result mode) and its progress.
 * - table on a terminal: the results redrawn in place, progress drawn below them;
 * - table elsewhere: each result printed once as a table when the job ends;
 * - tableau: boxed rows with an `op` column, printed as they arrive;
 * - changelog: the print connector's own lines (no sink is replaced).
 * Progress goes to stderr: one line redrawn in place when stderr is a terminal that the results do not
 * scroll (stdout redirected), plain lines otherwise.
 */
export class ResultDisplay {
  readonly progress: ProgressOutput
  private readonly view: TerminalTableView | undefined
  private readonly results: MaterializedResult[] = []
  private readonly tableaus: TableauPrinter[] = []

  constructor(private readonly options: ResultDisplayOptions) {
    const { mode, stdout, stderr } = options
    const liveTable = mode === 'table' && stdout.isTTY === true
    this.view = liveTable ? new TerminalTableView(stdout) : undefined
    const view = this.view
    if (view !== undefined && stderr.isTTY === true) {
      // One terminal: the progress is part of the drawing, or the two would overwrite each other.
      this.progress = {
        redraws: true,
        update: (lines) => view.setProgress(lines),
        finish: (lines) => view.setProgress(lines),
      }
    } else if (stderr.isTTY === true && stdout.isTTY !== true) {
      this.progress = updatingLines(stderr)
    } else {
      this.progress = plainLines((line) => stderr.write(`${line}\n`))
    }
  }

  /**
   * The sinks of print tables in this mode; undefined in changelog mode, where the print connector prints.
   * Only ever set at parallelism 1 (see `runJob`), so a changelog job may run on worker threads.
   */
  get sinkFor(): ((node: SinkNode) => Sink | undefined) | undefined {
    return this.options.mode === 'changelog' ? undefined : this.replaceSink
  }

  private readonly replaceSink = (node: SinkNode): Sink | undefined => {
    const table = connectorTable(node.table, node.options)
    const options = table.options
    if (options.connector !== 'print') return undefined
    // A print table sent to stderr on purpose keeps doing that.
    if ((options['standard-error'] ?? 'false').toLowerCase() === 'true') return undefined
    const name =
      options['print-identifier'] ?? (table.name === QUERY_RESULT_TABLE ? 'query result' : table.name)
    const columns: ResultColumn[] = table.columns.map(({ name, type }) => ({ name, type }))
    if (this.options.mode === 'tableau') {
      const printer = new TableauPrinter(columns)
      this.tableaus.push(printer)
      return new TableauSink(printer, this.options.stdout)
    }
    const result = new MaterializedResult(name, columns, resultKeyOf(node))
    this.results.push(result)
    this.view?.add(result)
    const view = this.view
    return {
      write: (batch: Batch) => {
        result.apply(batch)
        view?.changed()
      },
    }
  }

  /** After the job: the live table's last drawing, else a table per result; the tableau's closing rule. */
  finish(): void {
    this.close()
    const { stdout } = this.options
    if (this.options.mode === 'table' && this.view === undefined) {
      const text = this.results
        .map((result) => renderTable(result, { width: Number.POSITIVE_INFINITY }).join('\n'))
        .join('\n\n')
      if (text !== '') stdout.write(`${text}\n`)
    }
    for (const printer of this.tableaus) stdout.write(printer.footer())
  }

  /** Draws the live table one last time and leaves it on screen, also when the job failed. */
  close(): void {
    this.view?.finish()
  }
}

class TableauSink implements Sink {
  constructor(
    private readonly printer: TableauPrinter,
    private readonly output: TerminalOutput,
  ) {
    // The header at once, so the columns show before the first row arrives.
    this.output.write(this.printer.header())
  }

  write(batch: Batch): void {
    let text = ''
    for (let i = 0; i < batch.rows.length; i++)
      text += this.printer.row(rowKindSymbol(kindAt(batch, i)), batch.rows[i]!)
    if (text !== '') this.output.write(text)
  }
}
