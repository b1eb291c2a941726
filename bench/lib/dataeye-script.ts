import { readFileSync } from 'node:fs'

/**
 * examples/dataeye.sql with its tables moved onto Kafka: the columns, watermark and INSERT stay the
 * example's own (read from the file, so the benchmark follows the example as it changes); only the WITH
 * clauses, and optionally the CUMULATE step, are replaced.
 */
const EXAMPLE = readFileSync(new URL('../../examples/dataeye.sql', import.meta.url), 'utf8')
const CUMULATE_STEP = /(CUMULATE\(TABLE clicks, DESCRIPTOR\(event_time\), )INTERVAL '1' MINUTE/
const WATERMARK_DELAY = /WATERMARK FOR event_time AS event_time - INTERVAL '(\d+)' SECOND/

export interface DataeyeKafkaTables {
  readonly bootstrapServers: string
  readonly inputTopic: string
  readonly outputTopic: string
  readonly groupId: string
  /** Replaces the example's one-minute CUMULATE step, e.g. `INTERVAL '1' SECOND` for frequent results. */
  readonly step?: string
}

export function dataeyeKafkaScript(tables: DataeyeKafkaTables): string {
  const kafka = {
    connector: 'kafka',
    'properties.bootstrap.servers': tables.bootstrapServers,
    format: 'json',
  }
  let script = withOptions(EXAMPLE, 'clicks', {
    ...kafka,
    topic: tables.inputTopic,
    'properties.group.id': tables.groupId,
    'scan.startup.mode': 'earliest-offset',
  })
  script = withOptions(script, 'dataeye_metrics', { ...kafka, topic: tables.outputTopic })
  if (tables.step === undefined) return script
  if (!CUMULATE_STEP.test(script))
    throw new Error("examples/dataeye.sql has no CUMULATE with a '1' MINUTE step")
  return script.replace(CUMULATE_STEP, `$1${tables.step}`)
}

/** The delay of the example's watermark: a window can close only once an event this much newer arrives. */
export function dataeyeWatermarkDelayMs(): number {
  const match = WATERMARK_DELAY.exec(EXAMPLE)
  if (match === null) throw new Error('examples/dataeye.sql has no WATERMARK on event_time in seconds')
  return Number(match[1]) * 1000
}

function withOptions(script: string, table: string, options: Readonly<Record<string, string>>): string {
  const clause = new RegExp(`(CREATE TEMPORARY TABLE ${table} \\([\\s\\S]*?\\) WITH \\()[\\s\\S]*?(\\n\\);)`)
  if (!clause.test(script))
    throw new Error(`examples/dataeye.sql has no CREATE TEMPORARY TABLE ${table} … WITH (…)`)
  const text = Object.entries(options)
    .map(([key, value]) => `\n  '${key}' = '${value}'`)
    .join(',')
  return script.replace(clause, `$1${text}$2`)
}
