import type { BoundedMode } from '../kafka/engine-source.ts'
import type { StartupMode } from '../kafka/reader.ts'
import { ConnectorOptionError, type ConnectorOptions } from './options.ts'

export const STARTUP_MODES = [
  'group-offsets',
  'earliest-offset',
  'latest-offset',
  'timestamp',
  'specific-offsets',
] as const

export const BOUNDED_MODES = [
  'unbounded',
  'latest-offset',
  'group-offsets',
  'timestamp',
  'specific-offsets',
] as const

const OFFSET_RESETS = ['earliest', 'latest', 'none'] as const

/**
 * Kafka consumer properties a source honours for committing offsets to its group (checkpoints commit
 * regardless), and the partition discovery option it rejects.
 */
export const OFFSET_COMMIT_OPTIONS = [
  'properties.enable.auto.commit',
  'properties.auto.commit.interval.ms',
  'scan.topic-partition-discovery.interval',
] as const

const DEFAULT_AUTO_COMMIT_INTERVAL_MS = 5_000

/** Flink's `scan.startup.*` options as the reader's startup mode. */
export function startupMode(options: ConnectorOptions): StartupMode {
  const mode = options.choice('scan.startup.mode', STARTUP_MODES, 'group-offsets')
  switch (mode) {
    case 'group-offsets':
      // Flink's default here is 'none' (an error for a group without offsets); Weir keeps reading a new
      // group's topic from the start, as it always has.
      return { mode, reset: options.choice('properties.auto.offset.reset', OFFSET_RESETS, 'earliest') }
    case 'earliest-offset':
    case 'latest-offset':
      return { mode }
    case 'timestamp':
      return { mode, timestampMillis: timestampMillis(options, 'scan.startup') }
    case 'specific-offsets':
      return { mode, offsets: specificOffsets(options, 'scan.startup') }
  }
}

/** Flink's `scan.bounded.*` options: where the source stops, or undefined for 'unbounded' (the default). */
export function boundedMode(options: ConnectorOptions): BoundedMode | undefined {
  const mode = options.choice('scan.bounded.mode', BOUNDED_MODES, 'unbounded')
  rejectUnusedOption(options, mode, 'timestamp', 'scan.bounded.timestamp-millis')
  rejectUnusedOption(options, mode, 'specific-offsets', 'scan.bounded.specific-offsets')
  switch (mode) {
    case 'unbounded':
      return undefined
    case 'latest-offset':
      return { mode }
    case 'group-offsets':
      // Without it the source would stop at the offsets of its own default group, which nobody committed.
      if (options.optional('properties.group.id') === undefined) {
        throw new ConnectorOptionError(
          `'scan.bounded.mode' = 'group-offsets' stops at the committed offsets of 'properties.group.id': add 'properties.group.id' = '<the group>' to the WITH clause`,
        )
      }
      return { mode }
    case 'timestamp':
      return { mode, timestampMillis: timestampMillis(options, 'scan.bounded') }
    case 'specific-offsets':
      return { mode, offsets: specificOffsets(options, 'scan.bounded') }
  }
}

/**
 * How often a source without checkpoints commits its position: `properties.auto.commit.interval.ms` when
 * `properties.enable.auto.commit` is 'true', else undefined (never), Flink's KafkaSource default.
 */
export function autoCommitIntervalMs(options: ConnectorOptions): number | undefined {
  if (!options.boolean('properties.enable.auto.commit', false)) return undefined
  return options.integer('properties.auto.commit.interval.ms', DEFAULT_AUTO_COMMIT_INTERVAL_MS)
}

/** New partitions are not picked up while a job runs: saying otherwise would hide records from the job. */
export function rejectPartitionDiscovery(options: ConnectorOptions): void {
  const interval = options.optional('scan.topic-partition-discovery.interval')
  if (interval === undefined) return
  throw new ConnectorOptionError(
    `option 'scan.topic-partition-discovery.interval' = '${interval}' is not supported: Weir reads the partitions the topic has when the job starts; remove the option and restart the job after adding partitions`,
  )
}

/** An option of one mode given with another is a mistake the job would otherwise hide. */
function rejectUnusedOption(options: ConnectorOptions, mode: string, usedBy: string, name: string): void {
  if (mode === usedBy || options.optional(name) === undefined) return
  throw new ConnectorOptionError(
    `option '${name}' only applies to 'scan.bounded.mode' = '${usedBy}' (the mode is '${mode}'): set that mode or remove the option`,
  )
}

type ScanPrefix = 'scan.startup' | 'scan.bounded'

function timestampMillis(options: ConnectorOptions, prefix: ScanPrefix): number {
  const name = `${prefix}.timestamp-millis`
  const text = requiredByMode(options, prefix, 'timestamp', name, '1700000000000')
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConnectorOptionError(`option '${name}' must be epoch milliseconds; got '${text}'`)
  }
  return value
}

function specificOffsets(
  options: ConnectorOptions,
  prefix: ScanPrefix,
): Array<{ partition: number; offset: string }> {
  const name = `${prefix}.specific-offsets`
  const text = requiredByMode(options, prefix, 'specific-offsets', name, 'partition:0,offset:42')
  return parseSpecificOffsets(text, name)
}

function requiredByMode(
  options: ConnectorOptions,
  prefix: ScanPrefix,
  mode: string,
  name: string,
  example: string,
): string {
  const value = options.optional(name)
  if (value !== undefined && value !== '') return value
  throw new ConnectorOptionError(
    `'${prefix}.mode' = '${mode}' requires option '${name}': add '${name}' = '${example}' to the WITH clause`,
  )
}

/** 'partition:0,offset:42;partition:1,offset:300', the value of option `name`. */
function parseSpecificOffsets(text: string, name: string): Array<{ partition: number; offset: string }> {
  return text
    .split(';')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const match = /^\s*partition:(\d+)\s*,\s*offset:(\d+)\s*$/.exec(entry)
      if (match === null) {
        throw new ConnectorOptionError(
          `option '${name}' has '${entry}'; write 'partition:0,offset:42;partition:1,offset:300'`,
        )
      }
      return { partition: Number(match[1]), offset: match[2]! }
    })
}

/** Flink's `key.fields`: column names separated by ';'. */
export function parseKeyFields(text: string): string[] {
  return text
    .split(';')
    .map((name) => name.trim())
    .filter(Boolean)
}
