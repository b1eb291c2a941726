import { describe, expect, it } from 'vitest'
import { insertBatch } from '../../engine/index.ts'
import { StaticTableResolver } from '../../sql/catalog/table-resolver.ts'
import { planJob } from '../../sql/job/plan-job.ts'
import type { SinkNode } from '../../sql/plan/nodes.ts'
import { ResultDisplay } from './result-display.ts'
import type { ResultMode } from './result-mode.ts'

async function perSiteSink(): Promise<SinkNode> {
  const job = await planJob({
    script: `CREATE TEMPORARY TABLE clicks (site STRING) WITH ('connector' = 'datagen', 'generator' = 'clickstream');
      SELECT site, COUNT(*) AS pv FROM clicks GROUP BY site;`,
    resolver: new StaticTableResolver({}),
  })
  const plan = job.inserts[0]
  if (plan?.kind !== 'insert') throw new Error('expected the SELECT as an INSERT into print')
  return plan.sinks[0]!
}

function stream(isTTY: boolean) {
  const writes: string[] = []
  return { writes, isTTY, columns: 80, rows: 20, write: (text: string) => writes.push(text) }
}

async function display(mode: ResultMode, stdoutIsTerminal: boolean, stderrIsTerminal: boolean) {
  const stdout = stream(stdoutIsTerminal)
  const stderr = stream(stderrIsTerminal)
  const shown = new ResultDisplay({ mode, stdout, stderr })
  const sink = shown.sinkFor?.(await perSiteSink())
  return { shown, sink, stdout, stderr }
}

describe('the result display', () => {
  it('draws the live table one last time as the job ends, also when the progress goes elsewhere', async () => {
    const { shown, sink, stdout, stderr } = await display('table', true, false)
    await sink?.write(insertBatch([['app', 7]]))
    shown.progress.finish(['finished: 7 records in, 0 late'])
    shown.finish()
    expect(stdout.writes.at(-1)).toContain('query result: 1 row')
    expect(stdout.writes.at(-1)).toMatch(/app\s+7/)
    expect(stderr.writes).toEqual(['finished: 7 records in, 0 late\n'])
  })

  it('draws the progress under the table when both go to the terminal', async () => {
    const { shown, sink, stdout, stderr } = await display('table', true, true)
    await sink?.write(insertBatch([['app', 7]]))
    shown.progress.finish(['finished: 7 records in, 0 late'])
    shown.finish()
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that clears to the end of the line is what this checks
    expect(stdout.writes.at(-1)).toMatch(/app\s+7\x1b\[K\nfinished: 7 records in, 0 late\x1b\[K\n/)
    expect(stderr.writes).toEqual([])
  })

  it('leaves print tables to the print connector in changelog mode', async () => {
    const { shown, sink } = await display('changelog', true, true)
    expect(shown.sinkFor).toBeUndefined()
    expect(sink).toBeUndefined()
  })
})
