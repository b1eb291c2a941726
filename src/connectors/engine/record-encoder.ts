import type { Row } from '../../engine/index.ts'

/**
 * Rows to record values. `encode` is synchronous; a format that must fetch something first (its schema's
 * registry id) does so in `prepare`, which the sink awaits before encoding and which costs nothing once
 * done. Every RowFormat is one.
 */
export interface RecordEncoder {
  prepare?(): Promise<void>
  encode(row: Row): Buffer
}
