import type { MessagePort } from 'node:worker_threads'
import type { Batch, Row } from '../rows.ts'
import type { Sink } from '../sink.ts'
import type { ExchangeCredit, ExchangeMessage } from './exchange-protocol.ts'

/** Batches a sender may have sent to one receiver that the receiver has not yet taken. */
const DEFAULT_MAX_IN_FLIGHT = 8

export interface ExchangeSinkOptions {
  /** `targets[t]` sends to subtask t. */
  readonly targets: readonly MessagePort[]
  /**
   * The subtask a row goes to, or the subtasks when it belongs to several; such an array is read before the
   * next row is routed, so a route may reuse it.
   */
  readonly route: (row: Row) => number | readonly number[]
  readonly maxInFlight?: number
}

/**
 * The sending half of an exchange: splits each batch by the subtask its rows belong to and sends the parts;
 * watermarks, idleness and the end of input go to every subtask, since each receiver combines them over all
 * its senders. A write waits while any receiver has `maxInFlight` batches not yet taken (backpressure).
 */
export class ExchangeSink implements Sink {
  private readonly targets: readonly MessagePort[]
  private readonly route: (row: Row) => number | readonly number[]
  private readonly maxInFlight: number
  private readonly inFlight: number[]
  private resumeWriter: (() => void) | null = null

  constructor(options: ExchangeSinkOptions) {
    this.targets = options.targets
    this.route = options.route
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
    this.inFlight = options.targets.map(() => 0)
    options.targets.forEach((port, target) => {
      port.on('message', (credit: ExchangeCredit) => {
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
    const parts = this.targets.map((): { rows: Row[]; kinds: number[] } => ({ rows: [], kinds: [] }))
    const { rows, kinds } = batch
    const add = (target: number, i: number): void => {
      const part = parts[target]!
      part.rows.push(rows[i]!)
      if (kinds !== null) part.kinds.push(kinds[i]!)
    }
    for (let i = 0; i < rows.length; i++) {
      const route = this.route(rows[i]!)
      if (typeof route === 'number') add(route, i)
      else for (const target of route) add(target, i)
    }
    parts.forEach((part, target) => {
      if (part.rows.length === 0) return
      this.send(target, {
        type: 'batch',
        rows: part.rows,
        kinds: kinds === null ? null : Uint8Array.from(part.kinds),
      })
      this.inFlight[target]! += 1
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

  private saturated(): boolean {
    return this.inFlight.some((batches) => batches >= this.maxInFlight)
  }

  private broadcast(message: ExchangeMessage): void {
    for (let target = 0; target < this.targets.length; target++) this.send(target, message)
  }

  private send(target: number, message: ExchangeMessage): void {
    this.targets[target]!.postMessage(message)
  }
}
