import type { Batch, Row } from '../rows.ts'
import type { Sink } from '../sink.ts'
import { BatchEncoder, UnencodableValueError } from './batch-codec.ts'
import type { ExchangeMessage, ExchangePort } from './exchange-protocol.ts'
import { KindColumn } from './kind-column.ts'
import { isLocal } from './local-channel.ts'

/** Batches a sender may have sent to one receiver that the receiver has not yet taken. */
const DEFAULT_MAX_IN_FLIGHT = 8

export interface ExchangeSinkOptions {
  /** `targets[t]` sends to subtask t. */
  readonly targets: readonly ExchangePort[]
  /**
   * The subtask a row goes to, or the subtasks when it belongs to several; such an array is read before the
   * next row is routed, so a route may reuse it.
   */
  readonly route: (row: Row) => number | readonly number[]
  readonly maxInFlight?: number
}

/** The rows of one write bound for one target, gathered into the message that will carry them. */
interface Outbox {
  readonly rows: number
  /** Appends a row; `kind` is undefined in an insert-only stream. */
  add(row: Row, kind: number | undefined): void
  /** The message carrying the rows added since the last `take`, and the buffers it hands over. */
  take(): { readonly message: ExchangeMessage; readonly transfer: readonly ArrayBuffer[] }
}

/** Rows encoded into one buffer (batch-codec.ts), for a target in another thread. */
class EncodedOutbox implements Outbox {
  private readonly encoder = new BatchEncoder()

  get rows(): number {
    return this.encoder.rows
  }

  add(row: Row, kind: number | undefined): void {
    this.encoder.add(row, kind)
  }

  take(): { message: ExchangeMessage; transfer: ArrayBuffer[] } {
    const data = this.encoder.finish()
    return { message: { type: 'encoded', data }, transfer: [data] }
  }
}

/** The rows themselves, for a subtask's channel to itself or, by structured clone, values the codec lacks. */
class RowOutbox implements Outbox {
  private batchRows: Row[] = []
  private readonly kinds = new KindColumn()

  get rows(): number {
    return this.batchRows.length
  }

  add(row: Row, kind: number | undefined): void {
    this.kinds.add(kind, this.batchRows.length)
    this.batchRows.push(row)
  }

  take(): { message: ExchangeMessage; transfer: ArrayBuffer[] } {
    const kinds = this.kinds.take()
    const message: ExchangeMessage = {
      type: 'batch',
      rows: this.batchRows,
      kinds: kinds === null ? null : Uint8Array.from(kinds),
    }
    this.batchRows = []
    return { message, transfer: [] }
  }
}

/**
 * The sending half of an exchange: splits each batch by the subtask its rows belong to and sends the parts;
 * watermarks, idleness and the end of input go to every subtask, since each receiver combines them over all
 * its senders. A write waits while any receiver has `maxInFlight` batches not yet taken (backpressure).
 */
export class ExchangeSink implements Sink {
  private readonly targets: readonly ExchangePort[]
  private readonly route: (row: Row) => number | readonly number[]
  private readonly maxInFlight: number
  private readonly inFlight: number[]
  private outboxes: Outbox[]
  private resumeWriter: (() => void) | null = null

  constructor(options: ExchangeSinkOptions) {
    this.targets = options.targets
    this.route = options.route
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
    this.inFlight = options.targets.map(() => 0)
    this.outboxes = options.targets.map((port) => (isLocal(port) ? new RowOutbox() : new EncodedOutbox()))
    options.targets.forEach((port, target) => {
      port.on('message', (credit) => {
        if (credit.type !== 'credit') return
        this.inFlight[target]! -= credit.batches
        if (this.resumeWriter !== null && !this.saturated()) {
          const resume = this.resumeWriter
          this.resumeWriter = null
          resume()
        }
      })
    })
  }

  write(batch: Batch): void | Promise<void> {
    try {
      this.split(batch)
    } catch (error) {
      if (!(error instanceof UnencodableValueError)) throw error
      // A column holds one type per plan, so every later batch would fail too: clone from now on.
      this.outboxes = this.targets.map(() => new RowOutbox())
      this.split(batch)
    }
    this.outboxes.forEach((outbox, target) => {
      if (outbox.rows === 0) return
      const { message, transfer } = outbox.take()
      this.inFlight[target]! += 1
      this.targets[target]!.postMessage(message, transfer)
    })
    if (!this.saturated()) return undefined
    return new Promise((resolve) => {
      this.resumeWriter = resolve
    })
  }

  onWatermark(timestamp: number): void {
    this.broadcast({ type: 'watermark', timestamp })
  }

  onIdle(): void {
    this.broadcast({ type: 'idle' })
  }

  onEndOfInput(): void {
    this.broadcast({ type: 'end' })
  }

  /** Adds each row of `batch` to the outbox of every target it is routed to. */
  private split(batch: Batch): void {
    const { rows, kinds } = batch
    const outboxes = this.outboxes
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      const kind = kinds === null ? undefined : kinds[i]
      const route = this.route(row)
      if (typeof route === 'number') outboxes[route]!.add(row, kind)
      else for (const target of route) outboxes[target]!.add(row, kind)
    }
  }

  private saturated(): boolean {
    return this.inFlight.some((batches) => batches >= this.maxInFlight)
  }

  private broadcast(message: ExchangeMessage): void {
    for (const target of this.targets) target.postMessage(message)
  }
}
