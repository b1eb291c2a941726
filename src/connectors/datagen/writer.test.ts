import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BatchGenerator } from './generator.ts'
import { NEXMARK_EVENT_SCHEMA, NexmarkEventRows } from './nexmark.ts'
import { column, type Schema } from './schema.ts'
import { DimUserRows } from './users.ts'
import { formatTimestamp, toCsvLine, toJsonLine, writeRowsToFile } from './writer.ts'

const schema: Schema = [
  column('id', 'BIGINT'),
  column('name', 'STRING', true),
  column('price', 'DOUBLE', true),
  column('ok', 'BOOLEAN'),
  column('at', 'TIMESTAMP(3)'),
]

describe('formatTimestamp', () => {
  it("writes Flink's yyyy-MM-dd HH:mm:ss.SSS in UTC", () => {
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5, 6))).toBe('2024-01-02 03:04:05.006')
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000')
  })
})

describe('toJsonLine', () => {
  it('keys values by column, in order, with formatted timestamps and nulls', () => {
    const line = toJsonLine([7, 'a "b"', null, true, Date.UTC(2024, 5, 18, 12)], schema)
    expect(line).toBe('{"id":7,"name":"a \\"b\\"","price":null,"ok":true,"at":"2024-06-18 12:00:00.000"}')
  })

  it('nests ROW columns as objects', () => {
    const event = new BatchGenerator(new NexmarkEventRows()).nextBatch(5)[4]!
    const parsed = JSON.parse(toJsonLine(event, NEXMARK_EVENT_SCHEMA))
    expect(Object.keys(parsed)).toEqual(['event_type', 'person', 'auction', 'bid', 'dateTime'])
    expect(parsed.person).toBeNull()
    expect(Object.keys(parsed.bid)).toEqual([
      'auction',
      'bidder',
      'price',
      'channel',
      'url',
      'dateTime',
      'extra',
    ])
    expect(parsed.bid.dateTime).toBe('2024-01-01 00:00:00.000')
  })
})

describe('toCsvLine', () => {
  it("writes NULL as nothing, '' quoted, and quotes fields with delimiters", () => {
    expect(toCsvLine([1, '', 2.5, false, 0], schema)).toBe('1,"",2.5,false,1970-01-01 00:00:00.000')
    expect(toCsvLine([1, null, null, true, 0], schema)).toBe('1,,,true,1970-01-01 00:00:00.000')
    expect(toCsvLine([1, 'a,"b"\nc', 1, true, 0], schema)).toBe(
      '1,"a,""b""\nc",1,true,1970-01-01 00:00:00.000',
    )
  })
})

describe('writeRowsToFile', () => {
  const directory = mkdtemp(join(tmpdir(), 'weir-datagen-'))
  afterAll(async () => rm(await directory, { recursive: true, force: true }))

  it('writes JSON lines and CSV (with header) of the same rows', async () => {
    const users = () => new BatchGenerator(new DimUserRows({ users: 10_000 }))
    const jsonPath = join(await directory, 'users.json')
    const csvPath = join(await directory, 'users.csv')
    expect(await writeRowsToFile(jsonPath, users(), { format: 'json', rows: 5000, batchSize: 999 })).toBe(
      5000,
    )
    expect(await writeRowsToFile(csvPath, users(), { format: 'csv', rows: 5000, header: true })).toBe(5000)
    const expected = users().nextBatch(5000)
    const jsonLines = (await readFile(jsonPath, 'utf8')).trimEnd().split('\n')
    expect(jsonLines).toEqual(expected.map((row) => toJsonLine(row, users().schema)))
    const csvLines = (await readFile(csvPath, 'utf8')).trimEnd().split('\n')
    expect(csvLines[0]).toBe('user_id,gender,age_band,city,level,registered_at')
    expect(csvLines.slice(1)).toEqual(expected.map((row) => toCsvLine(row, users().schema)))
  })

  it('stops at the end of a bounded generator', async () => {
    const path = join(await directory, 'few.json')
    const generator = new BatchGenerator(new DimUserRows({ users: 10 }))
    expect(await writeRowsToFile(path, generator, { format: 'json', rows: 100 })).toBe(10)
  })
})
