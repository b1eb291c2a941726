import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Batch, Row } from '../rows.ts'
import { BatchEncoder, decodeBatch, UnencodableValueError } from './batch-codec.ts'

/** Any UTF-16 code unit, lone surrogates included, which structured clone keeps and so must the codec. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))
const strings = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: codeUnit }),
  fc.string({ unit: codeUnit, minLength: 13, maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 10, maxLength: 300 }),
)
const numbers = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, -(2 ** 31), 2 ** 53, 1.7e12),
)
const scalars = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  numbers,
  fc.bigInt(),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  strings,
  fc.uint8Array({ maxLength: 40 }),
  fc.date(),
)
/** Every value a row can hold: scalars, and ROW/ARRAY (arrays) and MAP/MULTISET (Maps) nesting them. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalars, tie('array'), tie('map')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  map: fc
    .array(fc.tuple(fc.oneof(strings, fc.integer(), fc.constant(null)), tie('value')), { maxLength: 4 })
    .map((entries) => new Map(entries)),
}))
// An exchange never sends an empty batch, so no batch is empty (nor could one tell empty kinds from none).
const rows = fc.array(fc.array(value, { maxLength: 8 }), { minLength: 1, maxLength: 30 })
const batches: fc.Arbitrary<Batch> = rows.chain((rowList) =>
  fc.oneof(
    fc.constant({ rows: rowList, kinds: null }),
    fc
      .array(fc.integer({ min: 0, max: 3 }), { minLength: rowList.length, maxLength: rowList.length })
      .map((kinds) => ({ rows: rowList, kinds: Uint8Array.from(kinds) })),
  ),
)

function addAll(encoder: BatchEncoder, batch: Batch): void {
  batch.rows.forEach((row, i) => {
    encoder.add(row, batch.kinds === null ? undefined : batch.kinds[i])
  })
}

function roundTrip(batch: Batch): Batch {
  const encoder = new BatchEncoder()
  addAll(encoder, batch)
  return decodeBatch(encoder.finish())
}

describe('exchange batch codec', () => {
  it('decodes every batch to what structured clone would deliver', () => {
    fc.assert(
      fc.property(batches, (batch) => {
        const decoded = roundTrip(batch)
        expect(decoded).toStrictEqual(structuredClone(batch))
        expect(decoded).toStrictEqual(batch)
      }),
      { numRuns: 500 },
    )
  })

  it('encodes batch after batch with one encoder, each batch on its own', () => {
    fc.assert(
      fc.property(fc.array(batches, { minLength: 2, maxLength: 4 }), (batchList) => {
        const encoder = new BatchEncoder()
        for (const batch of batchList) {
          addAll(encoder, batch)
          expect(encoder.rows).toBe(batch.rows.length)
          expect(decodeBatch(encoder.finish())).toStrictEqual(batch)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('keeps per-row kinds that start after insert-only rows', () => {
    const encoder = new BatchEncoder()
    encoder.add(['a'], undefined)
    encoder.add(['b'], 3)
    expect(decodeBatch(encoder.finish())).toStrictEqual({
      rows: [['a'], ['b']],
      kinds: Uint8Array.from([0, 3]),
    })
  })

  it('grows past its initial buffers for large rows', () => {
    const long = 'x'.repeat(200_000)
    const wide: Row = Array.from({ length: 20_000 }, (_, i) => `k${i}`)
    const bytes = new Uint8Array(100_000).fill(7)
    expect(roundTrip({ rows: [[long, bytes], wide, ['Zürich'.repeat(30_000)]], kinds: null })).toStrictEqual({
      rows: [[long, bytes], wide, ['Zürich'.repeat(30_000)]],
      kinds: null,
    })
  })

  it('rejects a value it cannot encode and leaves the rows before it intact', () => {
    const encoder = new BatchEncoder()
    encoder.add([1, 'one'], undefined)
    expect(() => encoder.add(['two', { plain: 'object' }], undefined)).toThrow(UnencodableValueError)
    expect(() => encoder.add([() => 3], undefined)).toThrow(/cannot encode a value of type function/)
    expect(encoder.rows).toBe(1)
    expect(decodeBatch(encoder.finish())).toStrictEqual({ rows: [[1, 'one']], kinds: null })
  })
})
