/**
 * DECIMAL columns in Avro (issue #10, "Exact numbers"): written as Flink's avro format writes them, bytes with
 * the `decimal` logical type holding the unscaled value exactly, and read back from such bytes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AvroCodec } from '../../formats/avro.ts'
import { unscaledFromBytes, unscaledToBytes } from '../../formats/avro-decimal.ts'
import { avroSchemaOf } from './avro-confluent.ts'
import { structuredRows } from './structured-values.ts'

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'amount', type: 'DECIMAL(12, 2)' },
  { name: 'rate', type: 'DECIMAL(10, 6)' },
]

describe('DECIMAL as Avro decimal bytes', () => {
  it('encodes unscaled values as Java BigInteger.toByteArray does, for 38 digits too', () => {
    expect([...unscaledToBytes(0n)]).toEqual([0])
    expect([...unscaledToBytes(1234n)]).toEqual([0x04, 0xd2])
    expect([...unscaledToBytes(128n)]).toEqual([0x00, 0x80])
    expect([...unscaledToBytes(-128n)]).toEqual([0x80])
    expect([...unscaledToBytes(-129n)]).toEqual([0xff, 0x7f])
    expect([...unscaledToBytes(-1n)]).toEqual([0xff])
    const digits38 = 10n ** 38n - 1n
    fc.assert(
      fc.property(fc.bigInt({ min: -digits38, max: digits38 }), (unscaled) => {
        const bytes = unscaledToBytes(unscaled)
        expect(unscaledFromBytes(bytes)).toBe(unscaled)
        // Minimal: dropping the first byte would change the value or its sign.
        if (bytes.length > 1) expect(unscaledFromBytes(bytes.subarray(1))).not.toBe(unscaled)
      }),
    )
  })

  it('writes DECIMAL columns with the decimal logical type and reads them back exactly', () => {
    const schema = JSON.parse(avroSchemaOf(columns)) as { fields: { name: string; type: unknown }[] }
    expect(schema.fields[1]!.type).toEqual([
      'null',
      { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 },
    ])
    const codec = AvroCodec.parse(avroSchemaOf(columns))
    const rows = structuredRows(columns, { decimalsAsBytes: true })
    const reader = structuredRows(columns)
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n) + 1n, max: 10n ** 12n - 1n }),
        fc.bigInt({ min: -(10n ** 10n) + 1n, max: 10n ** 10n - 1n }),
        (cents, micros) => {
          const amount = Number(`${cents}e-2`)
          const rate = Number(`${micros}e-6`)
          const record = codec.decode(codec.encode(rows.recordOf([1, amount, rate]))) as Record<
            string,
            unknown
          >
          // The bytes hold the exact unscaled values, not a double's rounding of them.
          expect(unscaledFromBytes(record.amount as Uint8Array)).toBe(cents)
          expect(unscaledFromBytes(record.rate as Uint8Array)).toBe(micros)
          expect(reader.rowOf(record)).toEqual([1, amount, rate])
        },
      ),
    )
    expect(rows.recordOf([1, null, 0.1]).amount).toBe(null)
  })
})
