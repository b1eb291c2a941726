/** A user-defined scalar function written in TypeScript, called by name from a SQL job. */
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FunctionRegistry, types } from '../../src/sql/index.ts'
import { runJob } from '../../src/sql/job/index.ts'

const domainOf = () =>
  new FunctionRegistry().register({
    name: 'domain_of',
    parameters: [types.string()],
    returnType: types.string(),
    implementation: (url: string) => new URL(url).hostname,
  })

const script = (directory: string) => `
  CREATE TEMPORARY TABLE domains (domain STRING) WITH ('connector' = 'filesystem', 'path' = '${directory}', 'format' = 'json');
  INSERT INTO domains SELECT domain_of(url) FROM (VALUES ('https://shop.example/a'), ('http://vip.example:8080/b?c=d')) AS t (url);`

describe('user-defined functions in a job', () => {
  it('runs the function on every row', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'weir-udf-'))
    await runJob({ script: script(directory), functions: domainOf() })
    const files = (await readdir(directory)).filter((name) => name.startsWith('part-'))
    const lines = (await Promise.all(files.map((file) => readFile(join(directory, file), 'utf8')))).join('')
    expect(
      lines
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).domain),
    ).toEqual(['shop.example', 'vip.example'])
  })

  it('refuses them at parallelism > 1 and says what to do', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'weir-udf-'))
    await expect(
      runJob({ script: script(directory), functions: domainOf(), sets: { 'parallelism.default': '2' } }),
    ).rejects.toThrow(
      "user-defined functions (domain_of) cannot be handed to worker threads: run with 'parallelism.default' = '1'",
    )
  })
})
