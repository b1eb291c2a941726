import type { Row } from '../rows.ts'

/**
 * What one subtask sends another along an exchange (a hash-partitioned plan edge between worker threads),
 * over an `ExchangePort`, in stream order. Rows cross threads as an `encoded` batch (batch-codec.ts), whose
 * buffer is transferred rather than cloned; a `batch` carries the rows themselves, to the subtask's own
 * thread (nothing to copy) or, for values the codec does not cover, by structured clone.
 */
export type ExchangeMessage =
  | { readonly type: 'encoded'; readonly data: ArrayBuffer }
  | { readonly type: 'batch'; readonly rows: Row[]; readonly kinds: Uint8Array | null }
  | { readonly type: 'watermark'; readonly timestamp: number }
  | { readonly type: 'idle' }
  | { readonly type: 'end' }

/**
 * The receiver's answer: it took `batches` batches into its pipeline, so the sender may send that many more.
 * Credit-based flow control keeps each channel's queue bounded, so a slow subtask slows its senders.
 */
export interface ExchangeCredit {
  readonly type: 'credit'
  readonly batches: number
}

/**
 * One end of a channel between two subtasks: a `MessagePort` between threads, or a `LocalChannel` end
 * (local-channel.ts) from a subtask to itself.
 */
export interface ExchangePort {
  postMessage(message: ExchangeMessage | ExchangeCredit, transfer?: readonly ArrayBuffer[]): void
  on(event: 'message', listener: (message: ExchangeMessage | ExchangeCredit) => void): unknown
  close(): void
}

/** The ports of one exchange at one subtask: `outputs[t]` sends to subtask t, `inputs[s]` receives from subtask s. */
export interface ExchangePorts {
  readonly outputs: readonly ExchangePort[]
  readonly inputs: readonly ExchangePort[]
}
