/**
 * How long `weir` takes to start: each command RUNS times (default 5) as a fresh process through bin/weir.js,
 * as a user runs it, and one JSON line per command with the median and worst wall time, the median CPU time
 * (user + system, steadier on a busy machine) and the peak memory. The compiled CLI (dist/) must be current:
 * run `npm run build` first, or the numbers are those of the TypeScript fallback (said on stderr).
 *   npx tsx bench/cli-startup.ts [--runs N]
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sourceFingerprint } from '../scripts/source-fingerprint.mjs'
import { progress, report } from './lib/report.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const RUNS = Number(values.runs)
const root = fileURLToPath(new URL('..', import.meta.url))

const COMMANDS: readonly (readonly string[])[] = [
  ['--help'],
  ['version'],
  ['sql', 'validate', 'examples/dataeye.sql'],
  ['sql', 'explain', 'examples/dataeye.sql'],
]

let compiled = false
try {
  compiled = readFileSync(`${root}dist/fingerprint`, 'utf8').trim() === sourceFingerprint(root)
} catch {}
if (!compiled)
  progress('dist/ is missing or stale: these runs measure the TypeScript fallback (npm run build)')

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

for (const args of COMMANDS) {
  const wall: number[] = []
  const cpu: number[] = []
  const peakKb: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    // GNU time reports the child's own CPU time and peak resident memory on the last line of stderr.
    const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, 'bin/weir.js', ...args], {
      cwd: root,
      encoding: 'utf8',
    })
    wall.push(performance.now() - started)
    if (result.status !== 0) throw new Error(`weir ${args.join(' ')} failed: ${result.stderr}`)
    const [user, system, kb] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
    cpu.push((user! + system!) * 1000)
    peakKb.push(kb!)
  }
  report({
    bench: 'cli-startup',
    command: `weir ${args.join(' ')}`,
    compiled,
    runs: RUNS,
    wallMsMedian: Math.round(median(wall)),
    wallMsMax: Math.round(Math.max(...wall)),
    cpuMsMedian: Math.round(median(cpu)),
    peakRssMb: Math.round(Math.max(...peakKb) / 1024),
  })
}
