import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJob } from '../job/index.ts'

let directory: string
let eventsPath: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-computed-'))
  eventsPath = join(directory, 'events.csv')
  const minute = Date.UTC(2024, 0, 1)
  // Epoch milliseconds in the file; the third row is 4 s late, within the 5 s watermark delay.
  const events = [
    [minute + 1_000, 'a'],
    [minute + 61_000, 'b'],
    [minute + 57_000, 'a'],
    [minute + 62_000, 'a'],
    [minute + 200_000, 'b'],
  ]
  await writeFile(eventsPath, `${events.map((row) => row.join(',')).join('\n')}\n`)
})

afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** Runs a script whose results go to print tables or bare SELECTs, and returns the printed lines. */
async function printed(script: string): Promise<string[]> {
  const output = new PassThrough()
  let text = ''
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  await runJob({ script, connectorContext: { printOutput: output } })
  return text.split('\n').filter((line) => line !== '')
}

/** The events file with its rowtime computed from epoch milliseconds. */
function eventsTable(): string {
  return `CREATE TEMPORARY TABLE events (
    ts_ms BIGINT,
    site STRING,
    ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
  ) WITH ('connector' = 'filesystem', 'format' = 'csv', 'path' = '${eventsPath}');`
}

describe('computed columns', () => {
  it('computes columns after the scan and generates watermarks from a computed rowtime', async () => {
    const lines = await printed(`${eventsTable()}
      SELECT site, window_start, COUNT(*) AS n, MAX(ts_ms) AS last_ms
      FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
      GROUP BY site, window_start, window_end;`)
    expect(lines.sort()).toEqual([
      `+I[a, 2024-01-01 00:00:00.000, 2, ${Date.UTC(2024, 0, 1) + 57_000}]`,
      `+I[a, 2024-01-01 00:01:00.000, 1, ${Date.UTC(2024, 0, 1) + 62_000}]`,
      `+I[b, 2024-01-01 00:01:00.000, 1, ${Date.UTC(2024, 0, 1) + 61_000}]`,
      `+I[b, 2024-01-01 00:03:00.000, 1, ${Date.UTC(2024, 0, 1) + 200_000}]`,
    ])
  })

  it("prints the changelog of a bare SELECT, as Flink's print connector does", async () => {
    const lines = await printed(`${eventsTable()}
      SELECT site, COUNT(*) AS n FROM events GROUP BY site;`)
    expect(lines.at(-1)).toMatch(/^[+][IU]\[[ab], [23]\]$/)
    const finals = new Map(
      lines.flatMap((line) => {
        const match = /^[+][IU]\[(\w), (\d)\]$/.exec(line)
        return match === null ? [] : [[match[1]!, Number(match[2])] as const]
      }),
    )
    expect(finals).toEqual(
      new Map([
        ['a', 3],
        ['b', 2],
      ]),
    )
  })
})
