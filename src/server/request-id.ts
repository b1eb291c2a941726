/**
 * Request ids that stay unique across restarts and across servers sharing one catalog, so an audit record's
 * request id names one request only. Fastify's default counts from 1 in every process, which made the ids of
 * a restarted server repeat those already in the audit trail. A random prefix per server instance (48 bits)
 * plus a counter keeps ids short and cheap (no randomness per request) and still sortable within a process.
 */
import { randomBytes } from 'node:crypto'

export function requestIdGenerator(): () => string {
  const prefix = randomBytes(6).toString('hex')
  let counter = 0
  return () => {
    counter++
    return `${prefix}-${counter.toString(36)}`
  }
}
