/** Late rows of a SQL job are counted and kept, as JSON lines, in the directory `weir.dead-letters.path` names. */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runJob } from '../../src/sql/job/index.ts'

const START = Date.UTC(2024, 0, 1)

// At parallelism 1 only: with several subtasks, whether a row is late depends on when each sender's watermark
// reaches the window operator, which is as nondeterministic as in Flink.
describe('dead letters of a SQL job', () => {
  it('writes each late row once, with its reason and event time', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'weir-dead-letters-'))
    // Seconds 0..1099 in order, then second 5 again: by then the watermark (no delay) has closed minute 0.
    // (The watermark advances between source batches of 1024 lines, so the late row must come after one.)
    const seconds = [...Array.from({ length: 1100 }, (_, i) => i), 5]
    const input = join(directory, 'events.json')
    await writeFile(
      input,
      seconds
        .map((second, id) => JSON.stringify({ id, site: `s${id % 3}`, ts: isoSecond(second) }))
        .join('\n'),
    )
    const letters = join(directory, 'dead-letters')
    const result = await runJob({
      script: `
        CREATE TEMPORARY TABLE events (id BIGINT, site STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
        WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'json');
        CREATE TEMPORARY TABLE counts (site STRING, n BIGINT) WITH ('connector' = 'blackhole');
        INSERT INTO counts SELECT site, COUNT(*) FROM TABLE(
          TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY site, window_start, window_end;`,
      sets: {
        'weir.dead-letters.path': letters,
      },
    })
    expect(result.lateRecords).toBe(1)
    expect(result.deadLetters).toEqual({ late: 1 })
    const files = await readdir(letters)
    const lines = (await Promise.all(files.map((file) => readFile(join(letters, file), 'utf8'))))
      .join('')
      .trim()
      .split('\n')
    expect(lines).toHaveLength(1)
    const letter = JSON.parse(lines[0]!)
    expect(letter).toMatchObject({ reason: 'late', event_time: isoSecond(5) })
    expect(letter.row).toEqual(['s2', START + 5_000])
  })
})

describe('undecodable lines of a file', () => {
  it('are counted as dead letters of the job and handed to the malformed-input handler with their place', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'weir-undecodable-lines-'))
    const input = join(directory, 'events.json')
    await writeFile(input, ['{"id": 1}', '{"id": ', '{"id": 2}', 'not json'].join('\n'))
    const malformed: string[] = []

    const result = await runJob({
      script: `
        CREATE TEMPORARY TABLE events (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'json');
        CREATE TEMPORARY TABLE sunk (id BIGINT) WITH ('connector' = 'blackhole');
        INSERT INTO sunk SELECT id FROM events;`,
      connectorContext: { onMalformedInput: (input) => malformed.push(input.location) },
    })

    expect(result.recordsIn).toBe(2)
    expect(result.deadLetters).toEqual({ undecodable: 2 })
    expect(malformed).toEqual([`${input}:2`, `${input}:4`])
  })
})

function isoSecond(second: number): string {
  return new Date(START + second * 1000).toISOString()
}
