import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runJob } from '../../src/sql/job/index.ts'

/**
 * A sink's NOT NULL columns at run time, as Flink's `table.exec.sink.not-null-enforcer` (#17): 'ERROR' (the
 * default) fails the job naming the column; 'DROP' drops the row and counts it as a dead letter with reason
 * `not-null-violation`. Real files in and out; the NULLs come from the data, so only the runtime can see them.
 */
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-not-null-'))
  const rows = [{ id: 1, name: 'a' }, { id: null, name: 'b' }, { name: 'c' }, { id: 4, name: 'd' }]
  await writeFile(join(dir, 'in.json'), rows.map((row) => `${JSON.stringify(row)}\n`).join(''))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function script(sets: string): string {
  return `${sets}
CREATE TEMPORARY TABLE people (id BIGINT, name STRING)
  WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.json')}', 'format' = 'json');
CREATE TEMPORARY TABLE known (id BIGINT NOT NULL, name STRING)
  WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'out')}', 'format' = 'json');
INSERT INTO known SELECT id, name FROM people;
`
}

async function written(directory: string): Promise<unknown[]> {
  const files = await readdir(directory)
  const texts = await Promise.all(files.map((file) => readFile(join(directory, file), 'utf8')))
  return texts
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

describe('the sink NOT NULL enforcer', () => {
  it("fails the job at the first NULL in a NOT NULL column by default ('ERROR'), naming the column", async () => {
    await expect(runJob({ script: script('') })).rejects.toThrow(
      "Column 'id' is NOT NULL, however, a null value is being written into it (sink known)",
    )
  })

  it("drops such rows as 'not-null-violation' dead letters with 'DROP', and writes the others", async () => {
    const deadLetters = join(dir, 'dead-letters')
    const result = await runJob({
      script: script(
        `SET 'table.exec.sink.not-null-enforcer' = 'DROP';\nSET 'weir.dead-letters.path' = '${deadLetters}';`,
      ),
    })
    expect(await written(join(dir, 'out'))).toEqual([
      { id: 1, name: 'a' },
      { id: 4, name: 'd' },
    ])
    const letters = (await written(deadLetters)) as { reason: string; row: unknown[] }[]
    expect(letters.map(({ reason, row }) => ({ reason, row }))).toEqual([
      { reason: 'not-null-violation', row: [null, 'b'] },
      { reason: 'not-null-violation', row: [null, 'c'] },
    ])
    expect(result.metrics.reduce((total, node) => total + node.deadLetters, 0)).toBe(2)
  })

  it("rejects a value other than 'ERROR' or 'DROP', saying which to set", async () => {
    await expect(
      runJob({ script: script("SET 'table.exec.sink.not-null-enforcer' = 'IGNORE';") }),
    ).rejects.toThrow("'table.exec.sink.not-null-enforcer' must be ERROR or DROP; got 'IGNORE'")
  })
})
