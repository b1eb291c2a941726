import { createHash } from 'node:crypto'
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const SOURCE_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const WORKER_SOURCE = fileURLToPath(new URL('./subtask-worker.ts', import.meta.url))
/**
 * Inside the package's node_modules, so that the bundle's imports of dependencies (left out of it) resolve
 * as they do from the sources.
 */
const CACHE_DIRECTORY = fileURLToPath(new URL('../../../../node_modules/.cache/weir/', import.meta.url))

let bundled: Promise<string> | undefined

/**
 * The subtask worker's code as one JavaScript module. Loading the TypeScript sources through tsx in every
 * worker thread costs each one seconds of CPU (a module-hooks thread compiling every file again); a worker
 * loading this bundle starts in milliseconds. Dependencies stay external. The bundle is cached on disk under
 * a fingerprint of the sources (paths, sizes, modification times), so it is rebuilt only after an edit.
 */
export function subtaskWorkerBundle(): Promise<string> {
  bundled ??= import.meta.url.endsWith('.js') ? Promise.resolve(COMPILED_WORKER) : cachedBundle()
  return bundled
}

/**
 * The worker compiled beside the CLI (scripts/build.mjs): when this module runs from dist/, it is a chunk in
 * the same folder as `subtask-worker.js`, which was built from the same sources, so nothing is bundled at run
 * time and nothing is written (a read-only install works).
 */
const COMPILED_WORKER = fileURLToPath(new URL('./subtask-worker.js', import.meta.url))

async function cachedBundle(): Promise<string> {
  const path = join(CACHE_DIRECTORY, `subtask-worker-${await sourceFingerprint()}.mjs`)
  if (await exists(path)) return path
  const result = await build({
    entryPoints: [WORKER_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Without a source map: with source maps enabled (tsx enables them), every worker would index the
    // 2.7 MB map on load, about 0.3 s of a p=2 job's start. Worker errors reach users by message.
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  })
  await mkdir(CACHE_DIRECTORY, { recursive: true })
  // Written under a temporary name and renamed, so a concurrent job never loads half a file.
  const partial = `${path}.${process.pid}.partial`
  await writeFile(partial, result.outputFiles[0]!.contents)
  await rename(partial, path)
  await removeStaleBundles(path)
  return path
}

/** Bundles of earlier sources, once no job started within the last hour can still be loading them. */
async function removeStaleBundles(current: string): Promise<void> {
  const cutoff = Date.now() - 60 * 60 * 1000
  for (const name of await readdir(CACHE_DIRECTORY)) {
    const path = join(CACHE_DIRECTORY, name)
    if (path === current || !name.startsWith('subtask-worker-')) continue
    // Another job may be removing the same file: cleaning up is best effort and never fails a job.
    const modified = await stat(path).then(
      ({ mtimeMs }) => mtimeMs,
      () => Number.POSITIVE_INFINITY,
    )
    if (modified < cutoff) await rm(path, { force: true })
  }
}

async function sourceFingerprint(): Promise<string> {
  const entries = await readdir(SOURCE_ROOT, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  const hash = createHash('sha256')
  for (const file of files) {
    const { size, mtimeMs } = await stat(file)
    hash.update(`${file}\0${size}\0${mtimeMs}\n`)
  }
  return hash.digest('hex').slice(0, 16)
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
