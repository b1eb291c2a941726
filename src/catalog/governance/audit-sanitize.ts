/**
 * What the audit trail stores must be text the database can keep exactly: PostgreSQL `text` and `jsonb`
 * refuse a NUL character and `jsonb` refuses unpaired UTF-16 surrogates, and a refused value used to fail the
 * whole batch (other principals' records with it). So every text field and every key and string inside the
 * change summary is made storable before the record is hashed: the hash then covers exactly what is stored.
 *
 * A NUL becomes the six characters `\u0000` (visible to whoever reads the trail: an attacker's odd input is
 * evidence worth keeping); an unpaired surrogate becomes U+FFFD, as a UTF-8 encoder would write it anyway.
 */
import type { AuditEntry } from './audit-chain.ts'
import type { JsonObject, JsonValue } from './canonical-json.ts'

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replaceAll('\u0000', '\\u0000')
}

export function storableEntry(entry: AuditEntry): AuditEntry {
  return {
    time: entry.time,
    principal: entry.principal === null ? null : storableText(entry.principal),
    clientAddress: entry.clientAddress === null ? null : storableText(entry.clientAddress),
    action: storableText(entry.action),
    resource: storableText(entry.resource),
    result: entry.result,
    reason: storableText(entry.reason),
    requestId: storableText(entry.requestId),
    change: entry.change === null ? null : storableObject(entry.change),
  }
}

function storableObject(object: JsonObject): JsonObject {
  // fromEntries defines own properties: assigning a key `__proto__` would set the prototype instead.
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [storableText(key), storableValue(value)]),
  )
}

function storableValue(value: JsonValue): JsonValue {
  if (typeof value === 'string') return storableText(value)
  if (Array.isArray(value)) return value.map(storableValue)
  if (typeof value === 'object' && value !== null) return storableObject(value)
  return value
}
