/**
 * Where the time goes in a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, and
 * self time per source file, as plain text.
 *   npx tsx bench/lib/cpuprofile-summary.ts tmp/prof/CPU.….cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  /** Microseconds since the previous sample; sample i took timeDeltas[i + 1]. */
  readonly timeDeltas: readonly number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
})
const TOP = Number(values.top)

function location(url: string): string {
  if (url === '') return '(native)'
  const path = url.startsWith('file://') ? relative(process.cwd(), fileURLToPath(url)) : url
  return path.replace(/^node_modules\//, '')
}

function summarize(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const byFunction = new Map<string, number>()
  const byFile = new Map<string, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const micros = profile.timeDeltas[i + 1] ?? 0
    const { functionName, url, lineNumber } = nodes.get(profile.samples[i]!)!.callFrame
    const file = location(url)
    const name = `${functionName || '(anonymous)'}  ${file}${url === '' ? '' : `:${lineNumber + 1}`}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
    byFile.set(file, (byFile.get(file) ?? 0) + micros)
    total += micros
  }
  const print = (title: string, entries: Map<string, number>): void => {
    process.stdout.write(`${title}\n`)
    for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      const percent = ((micros / total) * 100).toFixed(1).padStart(5)
      process.stdout.write(`${percent}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}\n`)
    }
  }
  process.stdout.write(`${path}: ${(total / 1e6).toFixed(2)} s sampled\n`)
  print('self time by function', byFunction)
  print('self time by file', byFile)
}

for (const path of positionals) summarize(path)
