/**
 * PGlite has no lock of its own: two processes opening one data directory would corrupt it. A lock file next
 * to the directory (`<dir>.lock`, holding the owner's pid) keeps a second `weir` process out and tells the user
 * which process has it. A lock left by a process that no longer runs is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError'
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the catalog data directory ${dataDir} is in use by process ${pid} (probably \`weir udm serve\`). ` +
        'Talk to that server with --url http://127.0.0.1:8081 (or set WEIR_UDM_URL), stop it, or use another --data-dir.',
    )
  }
}

const heldByThisProcess = new Set<string>()

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock for `dataDir` or throws DataDirInUseError; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir)
  const lockFile = `${dir}.lock`
  if (heldByThisProcess.has(dir)) throw new DataDirInUseError(dir, process.pid)
  mkdirSync(dirname(lockFile), { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      heldByThisProcess.add(dir)
      const release = (): void => {
        if (!heldByThisProcess.delete(dir)) return
        process.off('exit', release)
        try {
          if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile)
        } catch {
          // Already gone: nothing to release.
        }
      }
      // A crash or process.exit() must not leave the directory locked for the next run.
      process.on('exit', release)
      return release
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(readFileSync(lockFile, 'utf8').trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new DataDirInUseError(dir, owner)
      }
      unlinkSync(lockFile)
    }
  }
  throw new DataDirInUseError(dir, process.pid)
}
