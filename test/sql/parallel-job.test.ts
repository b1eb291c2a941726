/**
 * How a job behaves at parallelism > 1 beyond its results (the oracle tests compare those at parallelism 1
 * and 2): progress, failures of one subtask, cancellation, and the subtasks sharing the input.
 */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type JobProgress, runJob } from '../../src/sql/job/index.ts'
import { SubtaskError } from '../../src/sql/job/parallel/coordinator.ts'

const CLICKS = (options: string) => `
  CREATE TEMPORARY TABLE clicks (user_id BIGINT, site STRING, event_time TIMESTAMP(3),
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND)
  WITH ('connector' = 'datagen', 'generator' = 'clickstream', 'seed' = '3', ${options});`

describe('a job at parallelism 2', () => {
  it('runs every source row once across the subtasks and reports merged progress', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'weir-parallel-'))
    const progress: JobProgress[] = []
    const result = await runJob({
      script: `${CLICKS("'number-of-rows' = '20000'")}
        CREATE TEMPORARY TABLE per_site (site STRING, pv BIGINT) WITH ('connector' = 'filesystem', 'path' = '${directory}', 'format' = 'json');
        INSERT INTO per_site
        SELECT site, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' DAY))
        GROUP BY site, window_start, window_end;`,
      sets: { 'parallelism.default': '2' },
      progressIntervalMs: 50,
      onProgress: (update) => progress.push(update),
    })
    expect(result.parallelism).toBe(2)
    expect(result.recordsIn).toBe(20_000)
    expect(result.watermark).toBe(Number.POSITIVE_INFINITY)
    const scans = result.metrics.filter((node) => node.name.includes('scan-clicks'))
    expect(scans.reduce((total, node) => total + node.recordsOut, 0)).toBe(20_000)
    // Both subtasks wrote part files: the sink runs in each.
    expect(
      (await readdir(directory)).filter((name) => name.startsWith('part-')).length,
    ).toBeGreaterThanOrEqual(1)
    expect(progress.every((update) => update.recordsIn <= 20_000)).toBe(true)
  })

  it('fails with the failing subtask named, and stops the others', async () => {
    const notADirectory = join(await mkdtemp(join(tmpdir(), 'weir-parallel-')), 'file')
    await writeFile(notADirectory, 'a file where the sink wants a directory')
    const run = runJob({
      script: `${CLICKS("'rows-per-second' = '1000'")}
        CREATE TEMPORARY TABLE out (site STRING) WITH ('connector' = 'filesystem', 'path' = '${notADirectory}', 'format' = 'json');
        INSERT INTO out SELECT site FROM clicks;`,
      sets: { 'parallelism.default': '2' },
    })
    const error = await run.then(
      () => undefined,
      (failure: unknown) => failure,
    )
    expect(error).toBeInstanceOf(SubtaskError)
    expect((error as SubtaskError).message).toMatch(/^subtask [01]: /)
  })

  it('ends with cancelled: true when aborted', async () => {
    const controller = new AbortController()
    const run = runJob({
      script: `${CLICKS("'rows-per-second' = '2000'")}
        CREATE TEMPORARY TABLE sink (site STRING, pv BIGINT) WITH ('connector' = 'blackhole');
        INSERT INTO sink SELECT site, COUNT(*) FROM clicks GROUP BY site;`,
      sets: { 'parallelism.default': '2' },
      signal: controller.signal,
      progressIntervalMs: 100,
      onProgress: (update) => {
        if (update.recordsIn > 500) controller.abort()
      },
    })
    const result = await run
    expect(result.cancelled).toBe(true)
    expect(result.recordsIn).toBeGreaterThan(500)
  })
})
