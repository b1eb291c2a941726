import type { Row } from './rows.ts'

/**
 * Why a row was not processed. `late`: its event time is behind the watermark for every window it belongs to
 * (the windows already fired). `null-event-time`: an event-time operator got a row without a timestamp.
 * `unmatched-retraction`: a -U/-D row retracts something the operator never saw (an upstream bug or a
 * restart without state). `not-null-violation`: a sink dropped a row with NULL in a NOT NULL column
 * (`table.exec.sink.not-null-enforcer` = 'DROP'). `undecodable`: a source record whose bytes did not
 * decode into a row (the source sends it to its own dead-letter destination, e.g. `<topic>.dlq`, and
 * reports the count with its chunk). Every reason is counted per operator (`OperatorMetrics.countDeadLetters`)
 * and summarised per reason by the job; a new way to drop a row adds its reason here and goes through
 * `DeadLetters.send` (operators) or `SourceChunk.deadLetters` (sources).
 */
export const DEAD_LETTER_REASONS = [
  'late',
  'null-event-time',
  'unmatched-retraction',
  'not-null-violation',
  'undecodable',
] as const
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number]

/** Where an operator sends rows it cannot process; they are counted and routed, never silently dropped. */
export interface DeadLetters {
  send(row: Row, reason: DeadLetterReason, eventTime: number | null): void
}

/**
 * Dead letters travel as rows of a fixed shape on an operator's dead-letter edge, so any sink can take them:
 * the operator name, the reason, the row's event time (null when it had none) and the row itself.
 */
export const DEAD_LETTER_COLUMNS = ['operator', 'reason', 'event_time', 'row'] as const

export interface DeadLetter {
  readonly operator: string
  readonly reason: DeadLetterReason
  readonly eventTime: number | null
  readonly row: Row
}

export function deadLetterRow(
  operator: string,
  reason: DeadLetterReason,
  eventTime: number | null,
  row: Row,
): Row {
  return [operator, reason, eventTime, row]
}

/** Reads a row of a dead-letter edge back into its fields. */
export function readDeadLetter(row: Row): DeadLetter {
  const [operator, reason, eventTime, original] = row
  if (typeof operator !== 'string' || !isDeadLetterReason(reason) || !Array.isArray(original)) {
    throw new TypeError('not a dead-letter row')
  }
  return { operator, reason, eventTime: typeof eventTime === 'number' ? eventTime : null, row: original }
}

function isDeadLetterReason(value: unknown): value is DeadLetterReason {
  return DEAD_LETTER_REASONS.some((reason) => reason === value)
}
