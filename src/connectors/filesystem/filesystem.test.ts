import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PipelineBuilder, type Row, RowKind, type Source } from '../../engine/index.ts'
import type { MalformedInput } from '../engine/context.ts'
import { createSink, createSource } from '../engine/factory.ts'
import type { ConnectorTable } from '../engine/table.ts'

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'STRING' },
  { name: 'ts', type: 'TIMESTAMP(3)' },
]

async function drain(source: Source): Promise<Row[]> {
  const rows: Row[] = []
  for (let chunk = await source.pull(); chunk !== null; chunk = await source.pull())
    rows.push(...chunk.batch.rows)
  return rows
}

describe('filesystem connector', () => {
  let directory: string
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'weir-fs-'))
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  const table = (options: Record<string, string>): ConnectorTable => ({
    name: 'events',
    columns,
    options: { connector: 'filesystem', ...options },
  })

  it('reads JSON lines with Flink timestamps or epoch millis and sends bad lines to dead letters with line numbers', async () => {
    const path = join(directory, 'events.json')
    await writeFile(
      path,
      [
        '{"id": 1, "name": "a", "ts": "2024-03-01 12:00:00.250"}',
        '{"id": 2, "name": "b", "ts": 1000}',
        '{"id": 3, "name": ',
        '',
        '{"id": "three", "name": "c"}',
        '{"id": 4}',
      ].join('\n'),
    )
    const dead: MalformedInput[] = []
    const source = createSource(table({ path, format: 'json' }), undefined, {
      onMalformedInput: (input) => dead.push(input),
    })
    expect(await drain(source)).toEqual([
      [1, 'a', Date.UTC(2024, 2, 1, 12, 0, 0, 250)],
      [2, 'b', 1000],
      [4, null, null],
    ])
    expect(dead.map((input) => input.location)).toEqual([`${path}:3`, `${path}:5`])
    expect(dead[0]).toMatchObject({ table: 'events', content: '{"id": 3, "name": ' })
    expect(dead[1]!.error).toContain('column \'id\' (BIGINT) cannot hold "three"')
  })

  it('reads every data file of a directory as CSV, nulling bad fields with csv.ignore-parse-errors', async () => {
    await writeFile(join(directory, 'b.csv'), '2|b|1970-01-01 00:00:02.000\n')
    await writeFile(join(directory, 'a.csv'), '1|a|1000\nx|"quoted|name"|\n')
    await writeFile(join(directory, '.part-x.csv.inprogress'), '9|hidden|0\n')
    const options = {
      path: directory,
      format: 'csv',
      'csv.field-delimiter': '|',
      'csv.ignore-parse-errors': 'true',
    }
    const source = createSource(table(options), [1, 0])
    expect(await drain(source)).toEqual([
      ['a', 1],
      ['quoted|name', null],
      ['b', 2],
    ])
  })

  it('resumes reading after the restored position', async () => {
    const path = join(directory, 'events.json')
    await writeFile(path, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i })).join('\n'))
    const first = createSource(table({ path, format: 'json' }))
    await first.pull()
    const restored = createSource(table({ path, format: 'json' }))
    restored.restore(structuredClone(first.snapshot()))
    const rest = await drain(restored)
    expect(rest.map((row) => row[0])).toEqual(Array.from({ length: 3000 - 1024 }, (_, i) => i + 1024))
  })

  it('keeps part files hidden until their checkpoint completes, then renames them', async () => {
    const output = join(directory, 'out')
    const sink = createSink(table({ path: output, format: 'json' }))
    await sink.write({ rows: [[1, 'a', 0]], kinds: null })
    const visible = async () => (await readdir(output)).filter((name) => !name.startsWith('.'))
    expect(await visible()).toEqual([])
    expect((await readdir(output))[0]).toMatch(/^\.part-[0-9a-f-]+-0\.json\.inprogress$/)

    await sink.onBarrier!(1)
    await sink.write({ rows: [[2, 'b', 1]], kinds: null })
    expect(await visible()).toEqual([])
    await sink.onCheckpointComplete!(1)
    const committed = await visible()
    expect(committed).toHaveLength(1)
    expect(committed[0]).toMatch(/^part-[0-9a-f-]+-0\.json$/)
    expect(await readFile(join(output, committed[0]!), 'utf8')).toBe(
      '{"id":1,"name":"a","ts":"1970-01-01 00:00:00.000"}\n',
    )
    await sink.onEndOfInput!()
    expect(await visible()).toHaveLength(2)
    await sink.close!()
  })

  it('rolls part files by size and commits them with the next checkpoint', async () => {
    const output = join(directory, 'out')
    const sink = createSink(table({ path: output, format: 'csv', 'sink.rolling-policy.file-size': '10b' }))
    for (let i = 0; i < 3; i++) await sink.write({ rows: [[i, 'name', 0]], kinds: null })
    expect((await readdir(output)).every((name) => name.startsWith('.'))).toBe(true)
    await sink.onBarrier!(1)
    await sink.onCheckpointComplete!(1)
    expect((await readdir(output)).sort()).toEqual(
      [0, 1, 2].map((n) => expect.stringMatching(new RegExp(`-${n}\\.csv$`))),
    )
    await sink.close!()
  })

  it('commits the restored checkpoint’s pending files', async () => {
    const output = join(directory, 'out')
    const crashed = createSink(table({ path: output, format: 'json' }))
    await crashed.write({ rows: [[1, 'a', 0]], kinds: null })
    const snapshot = structuredClone(await crashed.onBarrier!(1))
    await crashed.close!()
    const restored = createSink(table({ path: output, format: 'json' }))
    await restored.restore!(snapshot)
    expect((await readdir(output)).filter((name) => !name.startsWith('.'))).toHaveLength(1)
  })

  it('rejects changelog input with a message saying what to do instead', async () => {
    const sink = createSink(table({ path: join(directory, 'out'), format: 'json' }))
    await expect(
      sink.write({ rows: [[1, 'a', 0]], kinds: Uint8Array.of(RowKind.UpdateBefore) }),
    ).rejects.toThrow(
      "connector 'filesystem' only takes insert-only input, but the query produces retractions (-U rows)",
    )
  })

  it('copies a directory through a pipeline, the output readable by the source', async () => {
    const input = join(directory, 'in')
    const output = join(directory, 'out')
    const rows = Array.from({ length: 2500 }, (_, i) => [i, `name-${i}`, i * 1000])
    const seed = createSink(table({ path: input, format: 'json' }))
    await seed.write({ rows, kinds: null })
    await seed.onEndOfInput!()
    await seed.close!()

    const builder = new PipelineBuilder()
    const events = builder.source('events', createSource(table({ path: input, format: 'json' })))
    builder.sink('out', createSink(table({ path: output, format: 'csv' })), events)
    await builder.build().run()
    expect(await drain(createSource(table({ path: output, format: 'csv' })))).toEqual(rows)
  })
})
