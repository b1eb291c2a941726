/**
 * Authentication, authorization and audit for every route, in one place. `onRequest` authenticates (bearer
 * or basic with the token as password, on any route); `preHandler` (after the body is parsed, since some
 * resources are named in it) authorizes each check of the route's rule in the route table; `preSerialization`
 * narrows list answers; `onSend` writes the audit record with the response status. Denials and writes are
 * durable before the client hears the answer; allowed reads are appended by the batching writer without
 * waiting (see audit-writer.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AuditEntry, AuditResult } from '../../catalog/governance/audit-chain.ts'
import { parseAuthorizationHeader } from '../../catalog/governance/authorization-header.ts'
import type { JsonObject, JsonValue } from '../../catalog/governance/canonical-json.ts'
import type { Grant } from '../../catalog/governance/grants.ts'
import { type CatalogMetrics, recordAuthFailure } from '../../catalog/governance/metrics.ts'
import { authorize, authorizeAny, type Decision } from '../../catalog/governance/permissions.ts'
import type { Principal } from '../../catalog/governance/principals.ts'
import { formatResource, GLOBAL } from '../../catalog/governance/resources.ts'
import { redactTokensIn } from '../../catalog/governance/tokens.ts'
import { API_PREFIX } from '../errors.ts'
import { REGISTRY_CONTENT_TYPE } from '../http.ts'
import {
  type AuthFailureAnswer,
  AuthFailureAudit,
  type AuthFailureLimits,
  DEFAULT_AUTH_FAILURE_LIMITS,
} from './auth-failure-audit.ts'
import { type Check, ROUTE_TABLE, type RouteContext, type RouteRule, routeKey } from './route-table.ts'
import { type Unauthorized, unauthorizedAnswer } from './unauthorized.ts'

interface Caller {
  principal: Principal
  grants: readonly Grant[]
}

interface Decided {
  check: Check
  decision: Decision
}

interface RequestGovernance {
  caller?: Caller
  decided: Decided[]
  summary?: JsonObject
}

declare module 'fastify' {
  interface FastifyRequest {
    governance: RequestGovernance | undefined
  }
}

export interface EnforcementOptions {
  context: RouteContext
  metrics: CatalogMetrics
  /** Require a token for /metrics too (off by default: scrapers rarely carry one). */
  protectMetrics: boolean
  /** Aggregation window and rate limit of failed authentications (auth-failure-audit.ts). */
  authFailureLimits?: AuthFailureLimits
}

const READ_METHODS = new Set(['GET', 'HEAD'])
// What a write's audit record keeps of the answer: enough to say what changed, never a whole schema.
const SUMMARY_KEYS = [
  'id',
  'version',
  'name',
  'change',
  'subject',
  'compatibility',
  'compatibilityLevel',
  'mode',
]

/** Installs the checks; call before any route is registered, so that each is checked against the table. */
export function registerEnforcement(app: FastifyInstance, options: EnforcementOptions): void {
  const { context, metrics } = options
  const governance = context.catalog.governance
  app.decorateRequest('governance', undefined)
  const authFailures = new AuthFailureAudit(
    (record) => governance.record(record),
    options.authFailureLimits ?? DEFAULT_AUTH_FAILURE_LIMITS,
  )
  // preClose, not onClose: the catalog may close in an onClose hook, and the summaries need it open.
  app.addHook('preClose', async () => authFailures.close())

  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const key = routeKey(method, route.url)
      if (ROUTE_TABLE[key] === undefined) {
        throw new Error(
          `route ${key} is not in the governance route table (src/server/governance/route-table.ts); decide there who may call it`,
        )
      }
    }
  })

  const ruleOf = (request: FastifyRequest): RouteRule | undefined => {
    const url = request.routeOptions.url
    return url === undefined ? undefined : ROUTE_TABLE[routeKey(request.method, url)]
  }
  const isPublic = (request: FastifyRequest, rule: RouteRule): boolean =>
    rule.public === true || (!options.protectMetrics && request.routeOptions.url === '/metrics')

  // The audit trail is kept forever: a token secret a path, query or body carried must not enter it.
  const entry = (
    request: FastifyRequest,
    fields: Omit<AuditEntry, 'time' | 'clientAddress' | 'requestId' | 'principal'>,
  ): AuditEntry =>
    redactTokensIn({
      time: new Date().toISOString(),
      principal: request.governance?.caller?.principal.name ?? null,
      clientAddress: request.ip,
      requestId: String(request.id),
      ...fields,
    })

  app.addHook('onRequest', async (request, reply) => {
    const rule = ruleOf(request)
    // Unknown routes answer 404 without a token: the route list is in the public OpenAPI document anyway.
    if (rule === undefined || isPublic(request, rule)) return
    request.governance = { decided: [] }
    const header = parseAuthorizationHeader(request.headers.authorization)
    const authentication = header.ok ? await governance.authenticate(header.credentials.token) : undefined
    if (authentication?.ok === true) {
      request.governance.caller = { principal: authentication.principal, grants: authentication.grants }
      return
    }
    const reason = header.ok
      ? authentication?.ok === false
        ? authentication.reason
        : 'unknown'
      : header.problem
    recordAuthFailure(metrics, reason)
    const answer = await authFailures.fail({
      clientAddress: request.ip,
      reason,
      requestId: String(request.id),
    })
    if (answer.status !== 401) return rateLimited(request, reply, answer)
    const expiredAt = authentication?.ok === false ? authentication.expiredAt : undefined
    return refuse(request, reply, 401, unauthorizedAnswer(reason, expiredAt))
  })

  app.addHook('preHandler', async (request, reply) => {
    const rule = ruleOf(request)
    const caller = request.governance?.caller
    if (rule?.checks === undefined || caller === undefined || request.governance === undefined) return
    for (const check of await rule.checks(request, context)) {
      const decision = authorizeAny(caller.principal, caller.grants, check.action, check.resources)
      request.governance.decided.push({ check, decision })
      if (!decision.allowed) {
        await governance.record(auditOf(request, { check, decision }, 'denied', { status: 403 }))
        return refuse(request, reply, 403)
      }
    }
  })

  app.addHook('preSerialization', async (request, reply, payload) => {
    const caller = request.governance?.caller
    if (caller === undefined || reply.statusCode >= 400) return payload
    if (!READ_METHODS.has(request.method) && request.governance !== undefined) {
      request.governance.summary = summarize(payload)
    }
    const filter = ruleOf(request)?.filter
    if (filter === undefined) return payload
    const allows = (action: Check['action'], resource: Check['resources'][number]) =>
      authorize(caller.principal, caller.grants, action, resource).allowed
    return filter(payload, allows, await context.subjects.get(), caller.principal)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const state = request.governance
    if (state?.caller === undefined || state.decided.some(({ decision }) => !decision.allowed)) return payload
    const write = !READ_METHODS.has(request.method)
    const change: JsonObject = write
      ? { status: reply.statusCode, ...pathParams(request), ...(state.summary ?? {}) }
      : { status: reply.statusCode }
    const records = state.decided.map((decided) => auditOf(request, decided, 'allowed', change))
    if (write) {
      await Promise.all(records.map((record) => governance.record(record)))
      if (reply.statusCode < 400 && ruleOf(request)?.changesBindings === true) context.subjects.invalidate()
    } else {
      for (const record of records) governance.audit.enqueue(record)
    }
    return payload
  })

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const labels = { route, method: request.method, status: String(reply.statusCode) }
    metrics.httpRequests.inc(labels)
    metrics.httpRequestDuration.observe(labels, reply.elapsedTime / 1000)
    done()
  })

  function auditOf(
    request: FastifyRequest,
    { check, decision }: Decided,
    result: AuditResult,
    change: JsonObject,
  ): AuditEntry {
    return entry(request, {
      action: check.action,
      resource: check.resources.map(formatResource).join(',') || formatResource(GLOBAL),
      result,
      reason: decision.reason,
      change,
    })
  }
}

/**
 * A 401 says why in a few words (unauthorized.ts decides how much); a 403 only "Forbidden": the audit log
 * has the denied check.
 */
function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  status: 401 | 403,
  unauthorized?: Unauthorized,
): FastifyReply {
  const code = status === 401 ? 'unauthorized' : 'forbidden'
  const message = unauthorized?.message ?? (status === 401 ? 'Unauthorized' : 'Forbidden')
  reply.code(status)
  if (request.url.startsWith(API_PREFIX)) {
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="weir"')
    return reply.send({
      error: { code, message, ...(unauthorized === undefined ? {} : { reason: unauthorized.reason }) },
    })
  }
  if (status === 401) reply.header('www-authenticate', 'Basic realm="weir"')
  return reply.type(REGISTRY_CONTENT_TYPE).send({ error_code: status === 401 ? 40101 : 40301, message })
}

/** Too many failed authentications from this address: the same shape as a 401, with when to retry. */
function rateLimited(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: Extract<AuthFailureAnswer, { status: 429 }>,
): FastifyReply {
  const message = `Too many failed authentications from this address; retry after ${answer.retryAfterSeconds} s with a valid token`
  reply.code(429).header('retry-after', String(answer.retryAfterSeconds))
  if (request.url.startsWith(API_PREFIX)) return reply.send({ error: { code: 'rate_limited', message } })
  return reply.type(REGISTRY_CONTENT_TYPE).send({ error_code: 42901, message })
}

function pathParams(request: FastifyRequest): JsonObject {
  const params = request.params
  if (typeof params !== 'object' || params === null) return {}
  return Object.fromEntries(
    Object.entries(params).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
  )
}

function summarize(payload: unknown): JsonObject {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return {}
  const summary: JsonObject = {}
  for (const key of SUMMARY_KEYS) {
    const value = (payload as Record<string, unknown>)[key]
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      summary[key] = value satisfies JsonValue
    }
  }
  return summary
}
