/**
 * Periodic audit anchors in the server log: the head of the audit trail (`<sequence>:<hash>`) at start, every
 * hour and at shutdown. A log shipped off the machine (journald forwarding, a log service) thereby keeps
 * anchors the database's writers cannot reach, and `weir audit verify --anchor` checks the trail against any
 * of them later. They are not signed: they are as trustworthy as the place the log is kept.
 */
import type { FastifyBaseLogger } from 'fastify'
import { formatAnchor } from '../catalog/governance/audit-anchor.ts'
import type { GovernanceService } from '../catalog/governance/service.ts'

export const AUDIT_ANCHOR_INTERVAL_MS = 3_600_000

export interface AnchorLog {
  /** Stops the timer and logs the final anchor (call before the catalog closes). */
  stop(): Promise<void>
}

export async function logAuditAnchors(
  governance: GovernanceService,
  log: FastifyBaseLogger,
  intervalMs = AUDIT_ANCHOR_INTERVAL_MS,
): Promise<AnchorLog> {
  const write = async (when: string) => {
    try {
      const anchor = formatAnchor(await governance.auditAnchor())
      log.info(
        { auditAnchor: anchor },
        `audit anchor (${when}): keep it outside the database; check the trail with weir audit verify --anchor ${anchor}`,
      )
    } catch (error) {
      log.warn({ err: error }, `could not read the audit anchor (${when})`)
    }
  }
  await write('start')
  const timer = setInterval(() => void write('hourly'), intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await write('shutdown')
    },
  }
}
