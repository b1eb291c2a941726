import { describe, expect, it } from 'vitest'
import { appendRecord, recordHash } from './audit-chain.ts'
import { storableText } from './audit-sanitize.ts'

describe('storable audit text', () => {
  it('escapes NUL and replaces unpaired surrogates, keeping pairs and everything else', () => {
    expect(storableText('a\u0000b')).toBe('a\\u0000b')
    expect(storableText('\ud800x\udc00')).toBe('\ufffdx\ufffd')
    expect(storableText('emoji \ud83d\ude00 and tab\t')).toBe('emoji \ud83d\ude00 and tab\t')
    expect(storableText(storableText('\u0000\ud800'))).toBe(storableText('\u0000\ud800'))
  })

  it('hashes the record as stored, so it verifies after a round trip', () => {
    const record = appendRecord(undefined, {
      time: '2026-01-01T00:00:00.000Z',
      principal: 'p\u0000',
      clientAddress: null,
      action: 'dataset.read',
      resource: 'dataset:a\ud800',
      result: 'denied',
      reason: 'r',
      requestId: 'id',
      change: { 'k\u0000': ['\udfff'] },
    })
    expect(record).toMatchObject({
      principal: 'p\\u0000',
      resource: 'dataset:a\ufffd',
      change: { 'k\\u0000': ['\ufffd'] },
    })
    expect(recordHash(record)).toBe(record.hash)
  })

  it('keeps a __proto__ key as a key', () => {
    const change = JSON.parse('{"__proto__": ["x\\u0000"]}')
    const record = appendRecord(undefined, {
      time: '2026-01-01T00:00:00.000Z',
      principal: null,
      clientAddress: null,
      action: 'dataset.read',
      resource: 'global',
      result: 'allowed',
      reason: 'r',
      requestId: 'id',
      change,
    })
    expect(Object.getPrototypeOf(record.change)).toBe(Object.prototype)
    expect(Object.entries(record.change ?? {})).toEqual([['__proto__', ['x\\u0000']]])
  })
})
