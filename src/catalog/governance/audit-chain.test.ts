import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AuditEntry,
  type AuditRecord,
  appendRecord,
  ChainVerifier,
  GENESIS_HASH,
  recordHash,
  verifyChain,
} from './audit-chain.ts'
import { canonicalJson, type JsonObject } from './canonical-json.ts'

function entry(index: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2025, 2, 1, 12, 0, index)).toISOString(),
    principal: index % 3 === 0 ? null : 'alice',
    clientAddress: '10.0.0.7',
    action: index % 2 === 0 ? 'dataset.read' : 'dataset.update',
    resource: 'dataset:traffic.pageview',
    result: index % 4 === 0 ? 'denied' : 'allowed',
    reason: `reason ${index}`,
    requestId: `req-${index}`,
    change: index % 2 === 0 ? null : { fields: ['description'], description: { to: `v${index}` } },
    ...overrides,
  }
}

function chainOf(entries: readonly AuditEntry[]): AuditRecord[] {
  const records: AuditRecord[] = []
  for (const next of entries) records.push(appendRecord(records.at(-1), next))
  return records
}

const five = () => chainOf([1, 2, 3, 4, 5].map((index) => entry(index)))

describe('building the chain', () => {
  it('numbers records from 1 and chains the first to the genesis hash', () => {
    const records = five()
    expect(records.map((record) => record.sequence)).toEqual([1, 2, 3, 4, 5])
    expect(records[0]!.prevHash).toBe(GENESIS_HASH)
    for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash)
  })

  it('hashes only the fields of the record type, so extra properties change nothing', () => {
    const plain = appendRecord(undefined, entry(1))
    const padded = appendRecord(undefined, { ...entry(1), internal: 'x' } as AuditEntry)
    expect(padded).toEqual(plain)
    expect(padded).not.toHaveProperty('internal')
  })

  it('hashes the change summary independently of key order', () => {
    const a = appendRecord(undefined, entry(1, { change: { a: 1, b: { c: 2, d: 3 } } }))
    const b = appendRecord(undefined, entry(1, { change: { b: { d: 3, c: 2 }, a: 1 } }))
    expect(a.hash).toBe(b.hash)
  })

  it('refuses a time the database would store differently', () => {
    for (const time of [
      '2025-03-01T12:00:00Z',
      '2025-03-01T13:00:00.000+01:00',
      '2025-03-01T12:00:00.000123Z',
    ]) {
      expect(() => appendRecord(undefined, entry(1, { time }))).toThrow(/toISOString/)
    }
  })
})

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const records = five()
    expect(verifyChain(records)).toEqual({
      ok: true,
      count: 5,
      head: { sequence: 5, hash: records[4]!.hash },
    })
  })

  it('accepts an empty trail', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: undefined })
  })

  it('reports a changed field at that record', () => {
    const records = five()
    records[2] = { ...records[2]!, result: 'allowed', reason: 'nothing to see' }
    expect(verifyChain(records)).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      problem: 'altered',
      expected: recordHash(records[2]!),
      actual: records[2]!.hash,
    })
  })

  it('reports a changed record whose hash was recomputed, through the link of the next one', () => {
    const records = five()
    const forged = { ...records[2]!, principal: 'mallory' }
    records[2] = { ...forged, hash: recordHash(forged) }
    expect(verifyChain(records)).toMatchObject({ ok: false, firstBadSequence: 3, problem: 'replaced' })
  })

  it('reports a deleted record as missing', () => {
    const records = five()
    records.splice(2, 1)
    expect(verifyChain(records)).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      problem: 'missing',
      expected: '3',
      actual: '4',
    })
  })

  it('reports two swapped records at the first of them', () => {
    const records = five()
    ;[records[2], records[3]] = [records[3]!, records[2]!]
    const result = verifyChain(records)
    expect(result).toMatchObject({ ok: false, firstBadSequence: 3, problem: 'missing' })
    expect(result.ok === false && result.reason).toContain('reordered')
  })

  it('reports a forged record inserted with the later ones renumbered', () => {
    const records = five()
    const forged = appendRecord(records[1], entry(99, { principal: 'mallory', reason: 'allowed: trust me' }))
    const renumbered = records.slice(2).map((record) => ({ ...record, sequence: record.sequence + 1 }))
    const tampered = [records[0]!, records[1]!, forged, ...renumbered]
    // The forged record links correctly to record 2; the renumbered record 4 no longer matches its hash.
    expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBadSequence: 4, problem: 'altered' })
    // Re-hashed, the renumbered record 4 (the original 3) is still chained to record 2, not to the forgery.
    const rehashed = renumbered.map((record) => ({ ...record, hash: recordHash(record) }))
    expect(verifyChain([records[0]!, records[1]!, forged, ...rehashed])).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      problem: 'replaced',
      expected: records[1]!.hash,
      actual: forged.hash,
    })
  })

  it('reports a forged record that reuses an existing sequence number', () => {
    const records = five()
    const forged = appendRecord(records[1], entry(99))
    expect(verifyChain([...records.slice(0, 3), forged, ...records.slice(3)])).toMatchObject({
      ok: false,
      firstBadSequence: 4,
      problem: 'out_of_order',
      expected: '4',
      actual: '3',
    })
  })

  it('reports a replaced start of the trail', () => {
    const records = five()
    const moved = { ...records[0]!, prevHash: 'f'.repeat(64) }
    records[0] = { ...moved, hash: recordHash(moved) }
    expect(verifyChain(records)).toMatchObject({ ok: false, firstBadSequence: 1, problem: 'replaced' })
  })

  it('needs an anchor to notice a deleted tail', () => {
    const records = five()
    const anchor = { sequence: 5, hash: records[4]!.hash }
    const truncated = records.slice(0, 3)
    expect(verifyChain(truncated).ok).toBe(true)
    expect(verifyChain(truncated, { anchor })).toMatchObject({
      ok: false,
      firstBadSequence: 4,
      problem: 'missing',
      expected: '5',
      actual: '3',
    })
    expect(verifyChain(records, { anchor }).ok).toBe(true)
  })

  it('needs an anchor to notice a rewritten suffix', () => {
    const records = five()
    const anchor = { sequence: 4, hash: records[3]!.hash }
    const rewritten = chainOf(
      [1, 2, 3, 4, 5].map((index) => entry(index, index >= 3 ? { reason: 'rewritten' } : {})),
    )
    expect(verifyChain(rewritten).ok).toBe(true)
    expect(verifyChain(rewritten, { anchor })).toMatchObject({
      ok: false,
      firstBadSequence: 4,
      problem: 'anchor_mismatch',
    })
  })

  it('verifies page by page with the same outcome and stops at the first failure', () => {
    const records = chainOf(Array.from({ length: 25 }, (_, index) => entry(index)))
    records[17] = { ...records[17]!, action: 'dataset.delete' }
    const verifier = new ChainVerifier()
    const failures = []
    for (let page = 0; page < records.length; page += 10) {
      for (const record of records.slice(page, page + 10)) {
        const failure = verifier.push(record)
        if (failure !== undefined) failures.push(failure)
      }
    }
    expect(verifier.finish()).toEqual(verifyChain(records))
    expect(verifier.finish()).toMatchObject({ firstBadSequence: 18 })
    expect(new Set(failures).size).toBe(1)
  })
})

describe('tamper detection (property)', () => {
  const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }) as fc.Arbitrary<JsonObject>
  const auditEntry: fc.Arbitrary<AuditEntry> = fc.record({
    time: fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString()),
    principal: fc.option(fc.string(), { nil: null }),
    clientAddress: fc.option(fc.string(), { nil: null }),
    action: fc.string(),
    resource: fc.string(),
    result: fc.constantFrom('allowed', 'denied'),
    reason: fc.string(),
    requestId: fc.string(),
    change: fc.option(jsonObject, { nil: null }),
  })
  const FIELDS = [
    'time',
    'principal',
    'clientAddress',
    'action',
    'resource',
    'result',
    'reason',
    'requestId',
    'change',
    'sequence',
    'prevHash',
    'hash',
  ] as const
  /** A value of the field's stored type, so the mutation is one the database would accept. */
  const replacementFor: Record<(typeof FIELDS)[number], fc.Arbitrary<unknown>> = {
    time: fc.string(),
    principal: fc.option(fc.string(), { nil: null }),
    clientAddress: fc.option(fc.string(), { nil: null }),
    action: fc.string(),
    resource: fc.string(),
    result: fc.constantFrom('allowed', 'denied'),
    reason: fc.string(),
    requestId: fc.string(),
    change: fc.option(jsonObject, { nil: null }),
    sequence: fc.integer(),
    prevHash: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)),
    hash: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)),
  }
  const mutation = fc
    .constantFrom(...FIELDS)
    .chain((field) => replacementFor[field].map((value) => ({ field, value })))

  it('verifies every chain it builds', () => {
    fc.assert(
      fc.property(fc.array(auditEntry, { maxLength: 20 }), (entries) => {
        expect(verifyChain(chainOf(entries))).toMatchObject({ ok: true, count: entries.length })
      }),
    )
  })

  it('reports any single-field change at the changed record', () => {
    fc.assert(
      fc.property(
        fc.array(auditEntry, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        mutation,
        (entries, at, { field, value }) => {
          const records = chainOf(entries)
          const index = at % records.length
          const original = records[index]!
          fc.pre(canonicalJson(original[field]) !== canonicalJson(value))
          records[index] = { ...original, [field]: value } as AuditRecord
          expect(verifyChain(records)).toMatchObject({ ok: false, firstBadSequence: index + 1 })
        },
      ),
      { numRuns: 500 },
    )
  })
})
