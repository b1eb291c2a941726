import type { ExchangeCredit, ExchangeMessage, ExchangePort, ExchangePorts } from './exchange-protocol.ts'

type Listener = (message: ExchangeMessage | ExchangeCredit) => void

/** One end of a `LocalChannel`: what it posts reaches the other end's listener at once, by reference. */
class LocalPort implements ExchangePort {
  peer: LocalPort | null = null
  private listener: Listener | null = null

  postMessage(message: ExchangeMessage | ExchangeCredit): void {
    this.peer?.listener?.(message)
  }

  on(_event: 'message', listener: Listener): this {
    this.listener = listener
    return this
  }

  close(): void {
    this.listener = null
  }
}

/**
 * A channel from a subtask to itself. Rows a subtask routes to itself need not cross a thread, so they are
 * handed over as they are, which is safe because rows are immutable once emitted; the messages and credits
 * are the same as between threads, so order and backpressure work as on any other channel.
 */
export function localChannel(): { readonly sender: ExchangePort; readonly receiver: ExchangePort } {
  const sender = new LocalPort()
  const receiver = new LocalPort()
  sender.peer = receiver
  receiver.peer = sender
  return { sender, receiver }
}

/** Whether `port` is an end of a `localChannel`, whose messages are never copied. */
export function isLocal(port: ExchangePort): boolean {
  return port instanceof LocalPort
}

/**
 * Subtask `index`'s ports of an exchange with its channel to itself made local: the `MessagePort` pair the
 * coordinator made for it is closed and replaced by a `localChannel`.
 */
export function withLocalChannel(ports: ExchangePorts, index: number): ExchangePorts {
  const { sender, receiver } = localChannel()
  ports.outputs[index]?.close()
  ports.inputs[index]?.close()
  return {
    outputs: ports.outputs.map((port, target) => (target === index ? sender : port)),
    inputs: ports.inputs.map((port, source) => (source === index ? receiver : port)),
  }
}
