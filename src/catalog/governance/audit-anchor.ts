/**
 * Anchors of the audit trail: `<sequence>:<hash>`, the head of the chain at some moment, written down outside
 * the database (a ticket, a log shipped elsewhere, a monitoring system) by `weir audit anchor`. The chain
 * alone cannot reveal a deleted tail or a rewrite that recomputed every hash after it; a trail verified
 * against an anchor must still reach the anchor's sequence and carry the anchor's hash there.
 */
import { invalidField } from '../locations/errors.ts'
import { type ChainHead, GENESIS_HASH } from './audit-chain.ts'

const ANCHOR = /^(\d{1,15}):([0-9a-f]{64})$/

/** The head of an empty trail: anything verifies against it. */
export const EMPTY_TRAIL_ANCHOR: ChainHead = { sequence: 0, hash: GENESIS_HASH }

export function formatAnchor(head: ChainHead): string {
  return `${head.sequence}:${head.hash}`
}

export function parseAnchor(text: string, field = 'anchor'): ChainHead {
  const match = ANCHOR.exec(text.trim())
  if (match === null) {
    throw invalidField(
      field,
      'write it as <sequence>:<64 hex digits>, exactly as `weir audit anchor` (GET /api/v1/audit/anchor) printed it',
    )
  }
  const anchor = { sequence: Number(match[1]), hash: match[2]! }
  if (anchor.sequence === 0 && anchor.hash !== GENESIS_HASH) {
    throw invalidField(field, `an anchor at sequence 0 (an empty trail) has the hash ${GENESIS_HASH}`)
  }
  return anchor
}
