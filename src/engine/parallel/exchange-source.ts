import type { Source, SourceChunk } from '../source.ts'
import { MAX_WATERMARK, MIN_WATERMARK } from '../stream.ts'
import { decodeBatch } from './batch-codec.ts'
import type { ExchangeCredit, ExchangeMessage, ExchangePort } from './exchange-protocol.ts'

/** How long a pull waits for a message before returning an empty chunk, so barriers and cancels get through. */
const POLL_INTERVAL_MS = 50

const NO_ROWS: SourceChunk = { partition: 0, batch: { rows: [], kinds: null } }

/**
 * The receiving half of an exchange, as a source: batches from all senders in arrival order (each sender's
 * own order kept), with the watermark the least of the senders' watermarks, ignoring idle senders. It ends
 * when every sender has ended. Each batch taken returns one credit to its sender.
 */
export class ExchangeSource implements Source<null> {
  private readonly queue: [sender: number, message: ExchangeMessage][] = []
  private head = 0
  private readonly watermarks: number[]
  private readonly idle: boolean[]
  private readonly ended: boolean[]
  private endedCount = 0
  private wake: (() => void) | null = null

  constructor(private readonly senders: readonly ExchangePort[]) {
    this.watermarks = senders.map(() => MIN_WATERMARK)
    this.idle = senders.map(() => false)
    this.ended = senders.map(() => false)
    senders.forEach((port, sender) => {
      port.on('message', (message) => {
        if (message.type === 'credit') return
        this.queue.push([sender, message])
        this.wake?.()
      })
    })
  }

  partitions(): readonly number[] {
    return []
  }

  async pull(): Promise<SourceChunk | null> {
    const next = this.dequeue() ?? (await this.nextMessage())
    if (next === undefined) return this.endedCount === this.senders.length ? null : NO_ROWS
    const [sender, message] = next
    switch (message.type) {
      case 'encoded':
        this.took(sender)
        return { partition: sender, batch: decodeBatch(message.data) }
      case 'batch':
        this.took(sender)
        return { partition: sender, batch: { rows: message.rows, kinds: message.kinds } }
      case 'watermark':
        this.watermarks[sender] = message.timestamp
        this.idle[sender] = false
        return NO_ROWS
      case 'idle':
        this.idle[sender] = true
        return NO_ROWS
      case 'end':
        this.ended[sender] = true
        this.watermarks[sender] = MAX_WATERMARK
        this.endedCount += 1
        return NO_ROWS
    }
  }

  watermark(): number | 'idle' {
    let least = MAX_WATERMARK
    let active = 0
    for (let sender = 0; sender < this.senders.length; sender++) {
      if (this.ended[sender] || this.idle[sender]) continue
      active += 1
      least = Math.min(least, this.watermarks[sender]!)
    }
    return active === 0 && this.endedCount < this.senders.length ? 'idle' : least
  }

  snapshot(): null {
    return null
  }

  restore(): void {
    throw new Error('an exchange between subtasks cannot be restored: checkpoints need parallelism 1 for now')
  }

  close(): void {
    for (const port of this.senders) port.close()
  }

  /** A batch from `sender` was taken: its channel has room for one more, and it is not idle. */
  private took(sender: number): void {
    const credit: ExchangeCredit = { type: 'credit', batches: 1 }
    this.senders[sender]!.postMessage(credit)
    this.idle[sender] = false
  }

  private dequeue(): [number, ExchangeMessage] | undefined {
    if (this.head === this.queue.length) return undefined
    const next = this.queue[this.head]!
    this.head += 1
    if (this.head === this.queue.length) {
      this.queue.length = 0
      this.head = 0
    }
    return next
  }

  private async nextMessage(): Promise<[number, ExchangeMessage] | undefined> {
    if (this.endedCount === this.senders.length) return undefined
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_INTERVAL_MS)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.wake = null
    return this.dequeue()
  }
}
