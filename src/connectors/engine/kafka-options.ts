import type { StartupMode } from '../kafka/reader.ts'
import { ConnectorOptionError, type ConnectorOptions } from './options.ts'

export const STARTUP_MODES = [
  'group-offsets',
  'earliest-offset',
  'latest-offset',
  'timestamp',
  'specific-offsets',
] as const

/** Flink's `scan.startup.*` options as the reader's startup mode. */
export function startupMode(options: ConnectorOptions): StartupMode {
  const mode = options.choice('scan.startup.mode', STARTUP_MODES, 'group-offsets')
  switch (mode) {
    case 'group-offsets':
    case 'earliest-offset':
    case 'latest-offset':
      return { mode }
    case 'timestamp': {
      const text = options.required('scan.startup.timestamp-millis')
      const timestampMillis = Number(text)
      if (!Number.isSafeInteger(timestampMillis) || timestampMillis < 0) {
        throw new ConnectorOptionError(
          `option 'scan.startup.timestamp-millis' must be epoch milliseconds; got '${text}'`,
        )
      }
      return { mode, timestampMillis }
    }
    case 'specific-offsets':
      return { mode, offsets: parseSpecificOffsets(options.required('scan.startup.specific-offsets')) }
  }
}

/** 'partition:0,offset:42;partition:1,offset:300' */
export function parseSpecificOffsets(text: string): Array<{ partition: number; offset: string }> {
  return text
    .split(';')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const match = /^\s*partition:(\d+)\s*,\s*offset:(\d+)\s*$/.exec(entry)
      if (match === null) {
        throw new ConnectorOptionError(
          `option 'scan.startup.specific-offsets' has '${entry}'; write 'partition:0,offset:42;partition:1,offset:300'`,
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
