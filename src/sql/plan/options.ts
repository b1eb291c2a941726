/**
 * The Flink table options the planner reads, with Flink's names and defaults:
 *
 * - `table.exec.mini-batch.enabled` (false), `.allow-latency` (e.g. `5 s`), `.size` (rows): buffer input of
 *   unbounded aggregations and deduplications and update state once per key per batch.
 * - `table.optimizer.agg-phase-strategy`: AUTO (default), ONE_PHASE or TWO_PHASE, for local/global aggregation.
 * - `table.optimizer.distinct-agg.split.enabled` (false), `.bucket-num` (1024): split-distinct rewrite.
 * - `table.local-time-zone` (UTC): the session time zone, read by the expression compiler.
 */
export interface MiniBatchConfig {
  readonly latencyMs: number
  readonly size: number
}

export type AggPhaseStrategy = 'AUTO' | 'ONE_PHASE' | 'TWO_PHASE'

/** Mini-batch settings when enabled; throws a RangeError naming the option when they are incomplete. */
export function miniBatchConfig(options: Readonly<Record<string, string>>): MiniBatchConfig | undefined {
  if (options['table.exec.mini-batch.enabled']?.toLowerCase() !== 'true') return undefined
  const latency = options['table.exec.mini-batch.allow-latency']
  const latencyMs = latency === undefined ? Number.NaN : parseDuration(latency)
  if (!(latencyMs > 0))
    throw new RangeError(
      "'table.exec.mini-batch.enabled' needs 'table.exec.mini-batch.allow-latency' set to a positive duration, e.g. '2 s'",
    )
  const size = Number(options['table.exec.mini-batch.size'] ?? '1000')
  if (!Number.isInteger(size) || size <= 0)
    throw new RangeError("'table.exec.mini-batch.size' must be a positive number of rows")
  return { latencyMs, size }
}

export function aggPhaseStrategy(options: Readonly<Record<string, string>>): AggPhaseStrategy {
  const value = (options['table.optimizer.agg-phase-strategy'] ?? 'AUTO').toUpperCase()
  if (value === 'AUTO' || value === 'ONE_PHASE' || value === 'TWO_PHASE') return value
  throw new RangeError(
    `'table.optimizer.agg-phase-strategy' must be AUTO, ONE_PHASE or TWO_PHASE, not '${value}'`,
  )
}

/** `parallelism.default` (1): how many subtasks a job runs; throws a RangeError naming the option. */
export function parallelismOption(options: Readonly<Record<string, string>>): number {
  const text = options['parallelism.default'] ?? '1'
  const parallelism = Number(text)
  if (!Number.isSafeInteger(parallelism) || parallelism < 1)
    throw new RangeError(`'parallelism.default' must be an integer >= 1; got '${text}'`)
  return parallelism
}

export function splitDistinctEnabled(options: Readonly<Record<string, string>>): boolean {
  return options['table.optimizer.distinct-agg.split.enabled']?.toLowerCase() === 'true'
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
}

/** A Flink duration option value (`500 ms`, `2 s`, `5min`, `1 h`; a bare number is milliseconds), or NaN. */
function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  if (match === null) return Number.NaN
  const unit = match[2]!.toLowerCase()
  const scale = unit === '' ? 1 : DURATION_UNITS[unit]
  return scale === undefined ? Number.NaN : Number(match[1]) * scale
}
