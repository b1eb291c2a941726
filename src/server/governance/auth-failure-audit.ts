/**
 * Audit and rate limiting of failed authentications. Every 401 used to write its own audit record, so anyone
 * could grow the trail by thousands of records a second without a token. Failures are aggregated per
 * (client address, reason) and fixed time window: the first one of a window is recorded at once (so a single
 * failure is as visible as before), the rest are counted and recorded as one summary record with the count
 * when the window ends (or the server closes). A client address with more failures than the limit in a window
 * gets 429 instead of 401 until the window ends; a valid token from that address still works, since it is
 * checked first.
 */
import type { AuditEntry } from '../../catalog/governance/audit-chain.ts'
import { formatResource, GLOBAL } from '../../catalog/governance/resources.ts'

export interface AuthFailureLimits {
  /** Length of an aggregation and rate-limit window. */
  windowMs: number
  /** Failures per client address and window answered 401; the rest answer 429. */
  failuresPerWindow: number
  /** Keys tracked at once; beyond it every window is summarised early, so memory stays bounded. */
  maxKeys: number
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = {
  windowMs: 10_000,
  failuresPerWindow: 100,
  maxKeys: 10_000,
}

export interface AuthFailure {
  clientAddress: string
  /** Why authentication failed (missing, malformed, unknown, mismatch, expired, revoked, ...). */
  reason: string
  requestId: string
}

export type AuthFailureAnswer = { status: 401 } | { status: 429; retryAfterSeconds: number }

interface Window {
  start: number
  /** Failures after the first one, to go into the summary record. */
  more: number
  rateLimited: number
  lastRequestId: string
}

export class AuthFailureAudit {
  private readonly windows = new Map<string, Window & AuthFailure>()
  private readonly perAddress = new Map<string, { start: number; failures: number }>()
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly record: (entry: AuditEntry) => Promise<void>,
    private readonly limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    // Summaries of windows nobody touches again still get written, one window late at most.
    this.timer = setInterval(() => void this.summarize(false).catch(() => undefined), limits.windowMs)
    this.timer.unref()
  }

  /** Counts one failure; records it when it opens a window. Resolves once that record is durable. */
  async fail(failure: AuthFailure): Promise<AuthFailureAnswer> {
    const now = this.now()
    const answer = this.limit(failure.clientAddress, now)
    const key = `${failure.clientAddress} ${failure.reason}`
    const open = this.windows.get(key)
    if (open !== undefined && now - open.start < this.limits.windowMs) {
      open.more++
      if (answer.status === 429) open.rateLimited++
      open.lastRequestId = failure.requestId
      return answer
    }
    if (open !== undefined) await this.writeSummary(key, open)
    if (this.windows.size >= this.limits.maxKeys) await this.summarize(true)
    this.windows.set(key, {
      ...failure,
      start: now,
      more: 0,
      rateLimited: 0,
      lastRequestId: failure.requestId,
    })
    await this.record(this.entry(failure, now, 'denied: authentication failed', { failures: 1 }))
    return answer
  }

  /** Writes the summaries of all windows, ended or not (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.summarize(true)
  }

  private limit(address: string, now: number): AuthFailureAnswer {
    let counter = this.perAddress.get(address)
    if (counter === undefined || now - counter.start >= this.limits.windowMs) {
      if (counter === undefined && this.perAddress.size >= this.limits.maxKeys) this.perAddress.clear()
      counter = { start: now, failures: 0 }
      this.perAddress.set(address, counter)
    }
    counter.failures++
    if (counter.failures <= this.limits.failuresPerWindow) return { status: 401 }
    return {
      status: 429,
      retryAfterSeconds: Math.max(1, Math.ceil((counter.start + this.limits.windowMs - now) / 1000)),
    }
  }

  private async summarize(all: boolean): Promise<void> {
    const now = this.now()
    for (const [key, window] of [...this.windows]) {
      if (all || now - window.start >= this.limits.windowMs) await this.writeSummary(key, window)
    }
    for (const [address, counter] of [...this.perAddress]) {
      if (all || now - counter.start >= this.limits.windowMs) this.perAddress.delete(address)
    }
  }

  private async writeSummary(key: string, window: Window & AuthFailure): Promise<void> {
    if (this.windows.get(key) === window) this.windows.delete(key)
    if (window.more === 0) return
    const until = this.now()
    await this.record(
      this.entry(
        { ...window, requestId: window.lastRequestId },
        until,
        `denied: authentication failed ${window.more} more times from this address since ${new Date(window.start).toISOString()}`,
        {
          failures: window.more,
          rateLimited: window.rateLimited,
          from: new Date(window.start).toISOString(),
          until: new Date(until).toISOString(),
        },
      ),
    )
  }

  private entry(
    failure: AuthFailure,
    time: number,
    what: string,
    change: { [key: string]: string | number },
  ): AuditEntry {
    return {
      time: new Date(time).toISOString(),
      principal: null,
      clientAddress: failure.clientAddress,
      action: 'authenticate',
      resource: formatResource(GLOBAL),
      result: 'denied',
      reason: `${what} (${failure.reason})`,
      requestId: failure.requestId,
      change,
    }
  }
}
