import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const WORKER_SOURCE = fileURLToPath(new URL('./subtask-worker.ts', import.meta.url))
/**
 * Inside the package's node_modules, so that the bundle's imports of dependencies (left out of it) resolve
 * as they do from the sources.
 */
const CACHE_DIRECTORY = fileURLToPath(new URL('../../../../node_modules/.cache/weir/', import.meta.url))

let bundled: Promise<string> | undefined

/**
 * The subtask worker's code as one JavaScript module, built once per process. Loading the TypeScript sources
 * through tsx in every worker thread costs each one seconds of CPU (a module-hooks thread compiling every
 * file again); a worker loading this bundle starts in milliseconds. Dependencies stay external.
 */
export function subtaskWorkerBundle(): Promise<string> {
  bundled ??= buildBundle()
  return bundled
}

async function buildBundle(): Promise<string> {
  const result = await build({
    entryPoints: [WORKER_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const path = `${CACHE_DIRECTORY}subtask-worker-${hash}.mjs`
  await mkdir(CACHE_DIRECTORY, { recursive: true })
  await writeFile(path, code)
  return path
}
