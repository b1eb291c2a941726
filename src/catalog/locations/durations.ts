/** Durations in definitions are written the way Flink writes them: `5s`, `500ms`, `2min`, `1h`, or milliseconds. */
const UNITS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(ms|milli|millis|millisecond|milliseconds)$/, 1],
  [/^(s|sec|secs|second|seconds)$/, 1000],
  [/^(m|min|mins|minute|minutes)$/, 60_000],
  [/^(h|hour|hours)$/, 3_600_000],
  [/^(d|day|days)$/, 86_400_000],
]

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value)
  if (!match) return undefined
  const amount = Number(match[1])
  const unit = (match[2] ?? '').toLowerCase()
  if (unit === '') return amount
  const factor = UNITS.find(([pattern]) => pattern.test(unit))?.[1]
  return factor === undefined ? undefined : amount * factor
}

/** 5000 → `5s`, 120000 → `2min`, 1500 → `1500ms`: the largest unit that divides evenly. */
export function formatDuration(millis: number): string {
  if (millis !== 0 && millis % 86_400_000 === 0) return `${millis / 86_400_000}d`
  if (millis !== 0 && millis % 3_600_000 === 0) return `${millis / 3_600_000}h`
  if (millis !== 0 && millis % 60_000 === 0) return `${millis / 60_000}min`
  if (millis !== 0 && millis % 1000 === 0) return `${millis / 1000}s`
  return `${millis}ms`
}
