import type { MessagePort } from 'node:worker_threads'
import type { Row } from '../rows.ts'

/**
 * What one subtask sends another along an exchange (a hash-partitioned plan edge between worker threads),
 * over a `MessagePort`, in stream order.
 */
export type ExchangeMessage =
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

/** The ports of one exchange at one subtask: `outputs[t]` sends to subtask t, `inputs[s]` receives from subtask s. */
export interface ExchangePorts {
  readonly outputs: readonly MessagePort[]
  readonly inputs: readonly MessagePort[]
}
