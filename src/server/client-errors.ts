/**
 * Requests Node's HTTP parser refuses before Fastify sees them (Fastify's `clientErrorHandler`). The one that
 * matters is a request line or header block over Node's limit (16 KiB): a very long name in the URL. Fastify's
 * default answers 431 and destroys the socket at once, which resets the connection while the client is still
 * sending (a client then sees ECONNRESET, not the answer). Here the answer is 414 for a long URL (431 for long
 * headers) in the API's error shape, and the rest of the request is read and dropped before the socket closes.
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { API_PREFIX } from './errors.ts'

/** How long a refused client may keep sending before the socket is destroyed anyway. */
const DRAIN_MS = 2_000

// A request line: method, path, and (unless the line was cut off) the protocol.
const REQUEST_LINE = /^[A-Z]+ (\S*)/

// Node puts the bytes being parsed on the error as a Buffer (Fastify's type says otherwise).
type ParserError = Error & { code?: string; rawPacket?: unknown }

const answered = new WeakSet<Socket>()

export function clientErrorHandler(error: ParserError, socket: Socket): void {
  // A reset connection has nobody to answer; a socket already answered reports each later chunk again.
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return
  answered.add(socket)
  const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : ''
  const overflow = error.code === 'HPE_HEADER_OVERFLOW'
  const lineEnd = packet.indexOf('\r\n')
  // The request line itself is what overflowed when the packet holds no line end at all, or the first line is
  // what fills it; otherwise headers did.
  const longUrl = overflow && (lineEnd === -1 || lineEnd > packet.length / 2)
  const status = overflow ? (longUrl ? 414 : 431) : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const message = overflow
    ? longUrl
      ? 'The URL is too long (the request line and headers may take 16 KiB); use shorter names, and send long values in a request body.'
      : 'The request headers are too large (16 KiB at most); send fewer or shorter headers.'
    : status === 408
      ? 'The request took too long to arrive; send it again.'
      : 'The request is not valid HTTP; check the client.'
  const path = REQUEST_LINE.exec(packet)?.[1]
  const registry = path !== undefined && !path.startsWith(API_PREFIX)
  const body = JSON.stringify(
    registry
      ? { error_code: status, message }
      : {
          error: {
            code: overflow ? (longUrl ? 'uri_too_long' : 'headers_too_large') : 'bad_request',
            message,
          },
        },
  )
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  // Reading what the client still sends lets the answer arrive: closing a socket with unread data resets it.
  socket.on('data', () => {})
  socket.resume()
  setTimeout(() => socket.destroy(), DRAIN_MS).unref()
}
