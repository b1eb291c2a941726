import pino, { type DestinationStream, type Logger } from 'pino'

/**
 * The process-wide structured logger, for code below the CLI and the server (connectors, the Kafka client).
 * Servers log JSON lines to stdout. CLI commands switch it to the CLI's own format with `useCliLogFormat`:
 * `warning: …` / `error: …` lines on stderr, warn and above only, so stdout carries only a command's answer
 * and a successful command prints nothing from the libraries underneath (#17). WEIR_LOG_LEVEL overrides the
 * level in both formats.
 */
type Format = 'json' | 'cli'

let format: Format = 'json'

const destination: DestinationStream = {
  write(line: string) {
    if (format === 'json') process.stdout.write(line)
    else process.stderr.write(cliLine(line))
  },
}

export const rootLogger: Logger = pino(
  { name: 'weir', level: process.env.WEIR_LOG_LEVEL ?? 'info' },
  destination,
)

/** For a CLI command: warn and above, as one readable line each on stderr. */
export function useCliLogFormat(): void {
  format = 'cli'
  rootLogger.level = process.env.WEIR_LOG_LEVEL ?? 'warn'
}

/** For a server (`weir udm serve`): JSON lines on stdout, for log collectors. */
export function useJsonLogFormat(): void {
  format = 'json'
  rootLogger.level = process.env.WEIR_LOG_LEVEL ?? 'info'
}

const LABELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
}
// Pino's own fields, and ones that repeat what the line already says.
const OMITTED = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'name',
  'msg',
  'component',
  'timestamp',
  'logger',
])

/** `warning: kafka: <message> (broker=…, error=…)`, from one pino JSON line. */
export function cliLine(json: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json
  }
  const label = LABELS[Number(record.level)] ?? 'log'
  const component = typeof record.component === 'string' ? `${record.component}: ` : ''
  const fields = Object.entries(record)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  const details = fields.length === 0 ? '' : ` (${fields.join(', ')})`
  return `${label}: ${component}${String(record.msg ?? '')}${details}\n`
}

export type { Logger }
