import { describe, expect, it } from 'vitest'
import type { Row, Source } from '../../engine/index.ts'
import { createSource } from '../engine/factory.ts'
import type { ConnectorTable } from '../engine/table.ts'

const users: ConnectorTable = {
  name: 'users',
  columns: [
    { name: 'registered_at', type: 'TIMESTAMP(3)' },
    { name: 'city', type: 'STRING' },
    { name: 'user_id', type: 'BIGINT' },
  ],
  options: { connector: 'datagen', generator: 'dim_user', users: '500', seed: '7' },
}

async function drain(source: Source): Promise<Array<{ partition: number; rows: Row[] }>> {
  const chunks: Array<{ partition: number; rows: Row[] }> = []
  for (let chunk = await source.pull(); chunk !== null; chunk = await source.pull()) {
    chunks.push({ partition: chunk.partition, rows: chunk.batch.rows })
  }
  return chunks
}

describe('datagen engine source', () => {
  it('produces the same rows on every run, mapped to the table columns by name and projected', async () => {
    const first = (await drain(createSource(users))).flatMap((chunk) => chunk.rows)
    const second = (await drain(createSource(users))).flatMap((chunk) => chunk.rows)
    expect(first).toHaveLength(500)
    expect(second).toEqual(first)
    expect(first[0]![2]).toBe(1)
    expect(typeof first[0]![0]).toBe('number')
    const projected = (await drain(createSource(users, [2, 1]))).flatMap((chunk) => chunk.rows)
    expect(projected).toEqual(first.map((row) => [row[2], row[1]]))
  })

  it('replays exactly the rows after a snapshot when restored from it', async () => {
    const options = { ...users.options, 'datagen.partitions': '3', 'number-of-rows': '3000' }
    const table = { ...users, options: { ...options, users: '100000' } }
    const uninterrupted = await drain(createSource(table))

    const crashed = createSource(table)
    for (let i = 0; i < 2; i++) await crashed.pull()
    const snapshot = structuredClone(crashed.snapshot())
    await crashed.pull()

    const restored = createSource(table)
    restored.restore(snapshot)
    expect(await drain(restored)).toEqual(uninterrupted.slice(2))
  })

  it('splits the rows between partitions without overlap', async () => {
    const table = { ...users, options: { ...users.options, 'datagen.partitions': '4' } }
    const source = createSource(table)
    expect(source.partitions()).toEqual([0, 1, 2, 3])
    const chunks = await drain(source)
    const ids = chunks.flatMap((chunk) => chunk.rows.map((row) => row[2]))
    expect(ids.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    for (const { partition, rows } of chunks) {
      for (const row of rows) expect((Number(row[2]) - 1) % 4).toBe(partition)
    }
  })

  it('paces rows with rows-per-second, returning empty chunks while waiting', async () => {
    const table = { ...users, options: { ...users.options, 'rows-per-second': '20' } }
    const source = createSource(table)
    const started = Date.now()
    let rows = 0
    while (rows < 30) rows += (await source.pull())!.batch.rows.length
    // 20 rows accrue per second, with up to one second of burst: 30 rows take about half a second at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(400)
  })

  it('rejects a bad partition count', () => {
    expect(() =>
      createSource({ ...users, options: { ...users.options, 'datagen.partitions': '0' } }),
    ).toThrow("option 'datagen.partitions' must be an integer >= 1; got '0'")
  })
})
