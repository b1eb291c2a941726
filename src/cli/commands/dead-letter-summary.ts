import type { DeadLetterCounts, DeadLetterReason } from '../../engine/index.ts'

/** What each reason means and where its records went, so a summary line says what to look at. */
const MEANING: Readonly<Record<DeadLetterReason, string>> = {
  undecodable:
    "records that did not decode, sent to the source's dead-letter topic ('dead-letter.topic', by default <topic>.dlq) with the reason in their headers",
  late: "rows behind the watermark for all their windows (kept in 'weir.dead-letters.path' when set)",
  'null-event-time': "rows without an event time (kept in 'weir.dead-letters.path' when set)",
  'unmatched-retraction':
    "retractions of rows the operator never saw (kept in 'weir.dead-letters.path' when set)",
  'not-null-violation':
    "rows with NULL in a NOT NULL sink column, dropped as 'table.exec.sink.not-null-enforcer' = 'DROP' says (kept in 'weir.dead-letters.path' when set)",
}

/** How often a reason's line may repeat while a job runs. */
const DEFAULT_INTERVAL_MS = 10_000

/**
 * One line per dead-letter reason, never silent and never a flood: while the job runs, a reason's line is
 * printed when its count grew, at most once per interval (the first dead letter at once); when it ends, one
 * line per reason with its total.
 */
export class DeadLetterSummary {
  private readonly printed = new Map<DeadLetterReason, { readonly count: number; readonly at: number }>()

  constructor(private readonly intervalMs = DEFAULT_INTERVAL_MS) {}

  /** The lines due now, for reasons whose count grew since their last line. */
  update(counts: DeadLetterCounts, now: number): string[] {
    const lines: string[] = []
    for (const [reason, count] of entries(counts)) {
      const last = this.printed.get(reason)
      if (last !== undefined && (count <= last.count || now - last.at < this.intervalMs)) continue
      this.printed.set(reason, { count, at: now })
      lines.push(summaryLine(reason, count))
    }
    return lines
  }

  /** The totals, one line per reason with any dead letters. */
  final(counts: DeadLetterCounts): string[] {
    return entries(counts).map(([reason, count]) => summaryLine(reason, count))
  }
}

function summaryLine(reason: DeadLetterReason, count: number): string {
  return `dead letters: ${count} ${reason}: ${MEANING[reason]}`
}

function entries(counts: DeadLetterCounts): [DeadLetterReason, number][] {
  return (Object.entries(counts) as [DeadLetterReason, number][]).filter(([, count]) => count > 0)
}
