/**
 * The filters of `GET /api/v1/audit` and `weir audit query`, checked before any query is built: a filter that
 * cannot match anything well-formed is a mistake worth a 400, not an empty page.
 */
import { invalidField } from '../locations/errors.ts'
import { AUDIT_EVENT_ACTIONS, AUDIT_RESULTS, type AuditEventAction, type AuditResult } from './audit-chain.ts'
import { type Action, isAction } from './permissions.ts'
import { validatePrincipalName } from './principals.ts'
import { RESOURCE_KINDS } from './resources.ts'

export const DEFAULT_AUDIT_PAGE = 100
export const MAX_AUDIT_PAGE = 1000

export interface AuditQuery {
  principal?: string
  /** A resource's text form, e.g. `dataset:traffic.pageview`. */
  resource?: string
  action?: Action | AuditEventAction
  result?: AuditResult
  /** Inclusive lower bound, ISO 8601. */
  from?: string
  /** Exclusive upper bound, ISO 8601. */
  to?: string
  /** Newest first by default; `asc` for exports. */
  order: 'asc' | 'desc'
  /** Continue after this sequence number (in the chosen order); the previous page's last sequence. */
  cursor?: number
  limit: number
}

const KNOWN_PARAMETERS = [
  'principal',
  'resource',
  'action',
  'result',
  'from',
  'to',
  'order',
  'cursor',
  'limit',
]
const RESOURCE = new RegExp(`^(?:global|(?:${RESOURCE_KINDS.join('|')}):[^\\s\\u0000-\\u001f]{1,1024})$`)
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/i

export function parseAuditQuery(parameters: Record<string, unknown>): AuditQuery {
  for (const key of Object.keys(parameters)) {
    if (!KNOWN_PARAMETERS.includes(key)) {
      throw invalidField(key, `is not an audit filter; use ${KNOWN_PARAMETERS.join(', ')}`)
    }
  }
  const text = (key: string): string | undefined => {
    const value = parameters[key]
    if (value === undefined) return undefined
    if (typeof value !== 'string') throw invalidField(key, 'give it once, as text')
    return value
  }
  const query: AuditQuery = { order: 'desc', limit: DEFAULT_AUDIT_PAGE }
  const principal = text('principal')
  if (principal !== undefined) query.principal = validatePrincipalName(principal, 'principal')
  const resource = text('resource')
  if (resource !== undefined) {
    if (!RESOURCE.test(resource)) {
      throw invalidField(
        'resource',
        `write it as global or <kind>:<name> with kind one of ${RESOURCE_KINDS.join(', ')}`,
      )
    }
    query.resource = resource
  }
  const action = text('action')
  if (action !== undefined) {
    if (isAction(action)) query.action = action
    else if ((AUDIT_EVENT_ACTIONS as readonly string[]).includes(action))
      query.action = action as AuditEventAction
    else {
      throw invalidField(
        'action',
        `'${action}' is not an action, e.g. dataset.read (or ${AUDIT_EVENT_ACTIONS.join(', ')})`,
      )
    }
  }
  const result = text('result')
  if (result !== undefined) {
    if (!(AUDIT_RESULTS as readonly string[]).includes(result)) {
      throw invalidField('result', 'use allowed or denied')
    }
    query.result = result as AuditResult
  }
  const from = text('from')
  if (from !== undefined) query.from = readTime(from, 'from')
  const to = text('to')
  if (to !== undefined) query.to = readTime(to, 'to')
  const order = text('order')
  if (order !== undefined) {
    if (order !== 'asc' && order !== 'desc') throw invalidField('order', 'use asc or desc')
    query.order = order
  }
  const cursor = text('cursor')
  if (cursor !== undefined) query.cursor = readWholeNumber(cursor, 'cursor', 1, Number.MAX_SAFE_INTEGER)
  const limit = text('limit')
  if (limit !== undefined) query.limit = readWholeNumber(limit, 'limit', 1, MAX_AUDIT_PAGE)
  return query
}

function readTime(value: string, field: string): string {
  const millis = Date.parse(value)
  if (!DATE_TIME.test(value) || !Number.isFinite(millis)) {
    throw invalidField(field, 'write an ISO 8601 date or date-time, e.g. 2024-05-01 or 2024-05-01T12:00:00Z')
  }
  return new Date(millis).toISOString()
}

function readWholeNumber(value: string, field: string, min: number, max: number): number {
  const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN
  if (!(number >= min && number <= max))
    throw invalidField(field, `must be a whole number from ${min} to ${max}`)
  return number
}
