/**
 * What `weir sql run` shows, driven as a person and as a script would: in a real pseudo-terminal (a tmux
 * pane, read back as the screen a person sees) the result is a table updated in place with the progress on
 * one line below it; through pipes, plain changelog lines stay the default and the other modes are chosen
 * by flag or SET.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const WEIR = fileURLToPath(new URL('../../bin/weir.js', import.meta.url))
const run = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'weir-results-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** 24 000 clicks read at 6 000 a second: the counts per site grow for about four seconds. */
const PACED_CLICKS = `CREATE TEMPORARY TABLE clicks (site STRING, price DOUBLE, event_time TIMESTAMP(3))
WITH ('connector' = 'datagen', 'generator' = 'clickstream', 'number-of-rows' = '24000',
      'rows-per-second' = '6000', 'seed' = '3');`

const SMALL_CLICKS = `CREATE TEMPORARY TABLE clicks (site STRING, price DOUBLE, event_time TIMESTAMP(3))
WITH ('connector' = 'datagen', 'generator' = 'clickstream', 'number-of-rows' = '1000', 'seed' = '3');`

const PER_SITE = 'SELECT site, COUNT(*) AS pv FROM clicks GROUP BY site;'

async function weir(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [WEIR, ...args], { maxBuffer: 64 * 2 ** 20 })
}

/** Runs `command` in a 100x20 tmux pane and returns each distinct screen until it prints its exit status. */
async function screensOf(command: string): Promise<string[]> {
  const socket = `weir-test-${process.pid}`
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  tmux('new-session', '-d', '-x', '100', '-y', '20', `${command}; echo "exit status $?"; sleep 600`)
  try {
    const screens: string[] = []
    const deadline = Date.now() + 50_000
    while (Date.now() < deadline) {
      const screen = tmux('capture-pane', '-p')
      if (screens.at(-1) !== screen) screens.push(screen)
      if (screen.includes('exit status')) break
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    return screens
  } finally {
    tmux('kill-server')
  }
}

describe('weir sql run in a terminal', () => {
  it('shows the result as a table with column names, updated in place, and the progress on one line', async () => {
    const path = script('paced.sql', `${PACED_CLICKS}\n${PER_SITE}`)
    const screens = await screensOf(`'${process.execPath}' '${WEIR}' sql run '${path}'`)
    const last = screens.at(-1) ?? ''
    expect(last).toContain('exit status 0')
    // Every screen with the table shows its header once: the table is redrawn, never scrolled.
    const withTable = screens.filter((screen) => /^site\s+pv$/m.test(screen))
    expect(withTable.length).toBeGreaterThan(1)
    for (const screen of withTable) expect(screen.match(/^site\s+pv$/gm)).toHaveLength(1)
    // The counts grew while the job ran, and end at every click read.
    const totals = withTable.map((screen) => sumOfCounts(screen))
    expect(new Set(totals).size).toBeGreaterThan(1)
    expect(totals.at(-1)).toBe(24_000)
    expect(totals).toEqual([...totals].sort((a, b) => a - b))
    // One progress line, last on the screen, ending as the final line.
    expect(last.match(/^(records in|finished)/gm)).toEqual(['finished'])
    expect(last).toMatch(/^finished: 24000 records in, 0 late$/m)
    expect(last).not.toContain('+I[')
  })

  it('draws the final table when the progress goes elsewhere', async () => {
    const path = script('paced.sql', `${PACED_CLICKS}\n${PER_SITE}`)
    const screens = await screensOf(`'${process.execPath}' '${WEIR}' sql run '${path}' 2>/dev/null`)
    const last = screens.at(-1) ?? ''
    expect(last).toContain('exit status 0')
    expect(last).toMatch(/^site\s+pv$/m)
    expect(sumOfCounts(last)).toBe(24_000)
    expect(last).not.toMatch(/records in/)
  })

  it('redraws the progress on one line of stderr when stdout goes to a file', async () => {
    const path = script('paced.sql', `${PACED_CLICKS}\n${PER_SITE}`)
    const out = join(dir, 'changelog.txt')
    const screens = await screensOf(`'${process.execPath}' '${WEIR}' sql run '${path}' > '${out}'`)
    const progressLines = screens.map((screen) => screen.match(/^(records in|finished).*$/gm) ?? [])
    expect(progressLines.some((lines) => lines[0]?.startsWith('records in'))).toBe(true)
    for (const lines of progressLines) expect(lines.length).toBeLessThanOrEqual(1)
    expect(progressLines.at(-1)).toEqual(['finished: 24000 records in, 0 late'])
    expect(readFileSync(out, 'utf8')).toMatch(/^\+I\[(app|m\.vip\.com|vip\.com), \d+\]$/m)
  })
})

/** The pv column of the site rows (app, m.vip.com, vip.com) on a screen. */
function sumOfCounts(screen: string): number {
  return [...screen.matchAll(/^(?:app|m\.vip\.com|vip\.com)\s+(\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  )
}

describe('weir sql run through a pipe', () => {
  it('prints the changelog by default, one +I/-U/+U line per change', async () => {
    const { stdout, stderr } = await weir('sql', 'run', script('small.sql', `${SMALL_CLICKS}\n${PER_SITE}`))
    const lines = stdout.trim().split('\n')
    expect(lines.every((line) => /^[+-][IUD]\[.*\]$/.test(line))).toBe(true)
    expect(lines.filter((line) => line.startsWith('+I['))).toHaveLength(3)
    expect(stderr).toMatch(/^finished: 1000 records in, 0 late$/m)
  })

  it('prints the changelog of a job on worker threads, and says why when another mode was asked for', async () => {
    const path = script('small.sql', `${SMALL_CLICKS}\n${PER_SITE}`)
    const plain = await weir('sql', 'run', '--set', 'parallelism.default=2', path)
    expect(plain.stdout).toMatch(/^\+I\[(app|m\.vip\.com|vip\.com), \d+\]$/m)
    expect(plain.stderr).toMatch(/^finished \(2 subtasks\): 1000 records in, 0 late$/m)
    const asked = await weir('sql', 'run', '--set', 'parallelism.default=2', '--result-mode', 'table', path)
    expect(asked.stderr).toContain("note: result mode 'table' needs 'parallelism.default' = '1' for now")
    expect(asked.stdout).toMatch(/^\+I\[/m)
  })

  it('prints the final result once as a table with --result-mode table', async () => {
    const { stdout } = await weir(
      'sql',
      'run',
      '--result-mode',
      'table',
      script('small.sql', `${SMALL_CLICKS}\n${PER_SITE}`),
    )
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('query result: 3 rows')
    expect(lines[1]).toMatch(/^site\s+pv$/)
    expect(sumOfCounts(stdout)).toBe(1000)
    expect(stdout).not.toContain('+I[')
  })

  it("prints boxed rows with an op column when the script sets 'sql-client.execution.result-mode' = 'tableau'", async () => {
    const path = script(
      'tableau.sql',
      `SET 'sql-client.execution.result-mode' = 'tableau';\n${SMALL_CLICKS}\n${PER_SITE}`,
    )
    const { stdout, stderr } = await weir('sql', 'run', path)
    expect(stderr).not.toMatch(/warning/)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[1]).toMatch(/^\| op \| site +\| pv +\|$/)
    expect(lines.filter((line) => line.startsWith('| +I |'))).toHaveLength(3)
    expect(lines.at(-1)).toMatch(/^Received a total of \d+ rows$/)
  })

  it('prints every row of a job on worker threads before it ends, however much it prints', async () => {
    // Workers' stdout is buffered on their side; a finished worker used to be terminated with rows still in
    // that buffer, so a parallel job that printed a lot lost thousands of its last rows, a different number
    // each run.
    const path = script(
      'many-rows.sql',
      `CREATE TEMPORARY TABLE clicks (site STRING, user_id BIGINT, url STRING)
WITH ('connector' = 'datagen', 'generator' = 'clickstream', 'number-of-rows' = '150000', 'seed' = '5');
SELECT site, user_id, url FROM clicks;`,
    )
    const { stdout } = await weir('sql', 'run', '--set', 'parallelism.default=2', path)
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .filter((line) => line.startsWith('+I[')),
    ).toHaveLength(150_000)
  })

  it('says which modes there are when given another', async () => {
    const failure = await weir('sql', 'run', '--result-mode', 'grid', script('small.sql', SMALL_CLICKS)).then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toContain("--result-mode must be one of table, changelog, tableau; got 'grid'")
  })
})
