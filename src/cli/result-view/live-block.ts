/** What a live block draws on: a terminal's stdout or stderr (tests pass a pseudo-terminal's). */
export interface TerminalOutput {
  write(text: string): unknown
  readonly columns?: number
  readonly rows?: number
}

const CURSOR_UP_TO_LINE_START = (lines: number): string => `\x1b[${lines}F`
const CLEAR_TO_LINE_END = '\x1b[K'
const CLEAR_TO_SCREEN_END = '\x1b[J'

/**
 * A block of lines redrawn in place on a terminal: each draw moves the cursor back to the block's first
 * line and overwrites it, so a table or a progress line updates instead of scrolling. Lines are cut to the
 * terminal's width, since a wrapped line would take two rows and the next draw would start one too low.
 */
export class LiveBlock {
  private drawn = 0

  constructor(private readonly output: TerminalOutput) {}

  get width(): number {
    return Math.max(20, this.output.columns ?? 80)
  }

  get height(): number {
    return Math.max(5, this.output.rows ?? 24)
  }

  draw(lines: readonly string[]): void {
    const width = this.width
    let text = this.drawn > 0 ? CURSOR_UP_TO_LINE_START(this.drawn) : ''
    for (const line of lines)
      text += `${line.length > width ? line.slice(0, width) : line}${CLEAR_TO_LINE_END}\n`
    this.output.write(text + CLEAR_TO_SCREEN_END)
    this.drawn = lines.length
  }

  /** Leaves the last drawing on screen as it is: later output goes below it. */
  release(): void {
    this.drawn = 0
  }
}
