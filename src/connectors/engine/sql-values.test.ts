import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsvLine } from './csv.ts'
import { ConnectorOptions } from './options.ts'
import { textRowFormat } from './row-format.ts'
import { coerceValue, formatTimestamp, objectFromRow, parseTimestamp, rowFromObject } from './sql-values.ts'

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'price', type: 'DOUBLE' },
  { name: 'ok', type: 'BOOLEAN' },
  { name: 'name', type: 'STRING' },
  { name: 'ts', type: 'TIMESTAMP(3)' },
]

describe('SQL-typed row conversion', () => {
  it('parses Flink, ISO and zoned timestamp text to epoch millis and formats Flink’s default form', () => {
    expect(parseTimestamp('2024-03-01 12:00:00')).toBe(Date.UTC(2024, 2, 1, 12))
    expect(parseTimestamp('2024-03-01 12:00:00.123')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123))
    expect(parseTimestamp('2024-03-01T12:00:00.123456Z')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123))
    expect(parseTimestamp('2024-03-01T14:00:00+02:00')).toBe(Date.UTC(2024, 2, 1, 12))
    expect(parseTimestamp('yesterday')).toBeUndefined()
    expect(formatTimestamp(Date.UTC(2024, 2, 1, 12, 0, 0, 7))).toBe('2024-03-01 12:00:00.007')
  })

  it('reads Flink’s exact output form as the general parser does, and rejects a malformed one', () => {
    for (let i = 0; i < 1000; i++) {
      const millis = Math.floor(Math.random() * 4e12) - 1e12
      expect(parseTimestamp(formatTimestamp(millis))).toBe(millis)
    }
    expect(parseTimestamp('2024-02-29 23:59:59.999')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999))
    expect(parseTimestamp('2024-03-01 1a:00:00.000')).toBeUndefined()
    expect(parseTimestamp('2024-13-01 00:00:00.000')).toBeUndefined()
  })

  it('coerces numbers, numeric strings, booleans and timestamps by column type', () => {
    const row = rowFromObject(
      { id: '42', price: 1.5, ok: 'true', name: 7, ts: '2024-03-01 12:00:00.000' },
      columns,
      false,
    )
    expect(row).toEqual([42, 1.5, true, '7', Date.UTC(2024, 2, 1, 12)])
    expect(rowFromObject({ ts: 1000 }, columns, false)).toEqual([null, null, null, null, 1000])
    expect(() => coerceValue('4.5', columns[0]!)).toThrow('column \'id\' (BIGINT) cannot hold "4.5"')
    expect(() => rowFromObject({ ok: 'maybe' }, columns, false)).toThrow("column 'ok'")
    expect(rowFromObject({ id: 'x', ok: 'maybe' }, columns, true)).toEqual([null, null, null, null, null])
  })

  it('writes timestamps in Flink’s default text form and reads them back', () => {
    const row = [1, 2.5, false, 'a', Date.UTC(2024, 0, 2, 3, 4, 5, 6)]
    const object = objectFromRow(row, columns)
    expect(object).toEqual({ id: 1, price: 2.5, ok: false, name: 'a', ts: '2024-01-02 03:04:05.006' })
    expect(rowFromObject(object, columns, false)).toEqual(row)
  })

  it('round-trips CSV lines with quoting and a custom delimiter', () => {
    const options = ConnectorOptions.validate(
      { connector: 'filesystem', 'csv.field-delimiter': ';' },
      { required: [], optional: ['csv.field-delimiter'] },
    )
    const format = textRowFormat('csv', columns, options)
    const row = [1, 2.5, true, 'say "hi"; bye', 0]
    const line = format.encode(row).toString()
    expect(line).toBe('1;2.5;true;"say ""hi""; bye";1970-01-01 00:00:00.000')
    expect(format.decode(Buffer.from(line))).toEqual(row)
    expect(parseCsvLine('a,,c', ',')).toEqual(['a', '', 'c'])
    expect(() => format.decode(Buffer.from('1;2'))).toThrow('expected 5 fields, got 2')
  })

  it('keeps BIGINTs exact over the whole 64-bit range in JSON and CSV rows, both ways', () => {
    const options = ConnectorOptions.validate({ connector: 'filesystem' }, { required: [], optional: [] })
    const ids = fc.oneof(
      fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 53n - 1n),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    )
    const normal = (id: bigint) => (id >= -(2n ** 53n - 1n) && id <= 2n ** 53n - 1n ? Number(id) : id)
    for (const format of ['json', 'csv'] as const) {
      const rows = textRowFormat(format, columns, options)
      fc.assert(
        fc.property(ids, (id) => {
          const row = [normal(id), 2.5, true, 'a', 0]
          const bytes = rows.encode(row)
          expect(bytes.toString()).toContain(String(id))
          expect(rows.decode(bytes)).toEqual(row)
        }),
      )
    }
    // Text a reader hands over (CSV fields, JSON strings) and numbers past 2^53 are exact too.
    expect(coerceValue('9223372036854775807', columns[0]!)).toBe(2n ** 63n - 1n)
    expect(coerceValue(' -9007199254740993 ', columns[0]!)).toBe(-(2n ** 53n) - 1n)
    expect(() => coerceValue('9223372036854775808', columns[0]!)).toThrow("column 'id' (BIGINT)")
  })

  it('rounds values read into a DECIMAL(p, s) column half up to s digits, as Flink does', () => {
    const amount = { name: 'amount', type: 'DECIMAL(10, 2)' }
    expect(coerceValue(1.005, amount)).toBe(1.01)
    expect(coerceValue('-12.345', amount)).toBe(-12.35)
    expect(coerceValue(7, { name: 'n', type: 'DECIMAL' })).toBe(7)
    expect(coerceValue(0.125, { name: 'x', type: 'DOUBLE' })).toBe(0.125)
    expect(rowFromObject({ amount: 0.125 }, [amount], false)).toEqual([0.13])
  })
})
