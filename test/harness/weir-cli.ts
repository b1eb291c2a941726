import { vi } from 'vitest'
import { buildProgram } from '../../src/cli/program.ts'

export interface WeirRun {
  out: string
  err: string
  exitCode: number
}

/** Runs `weir ...args` in this process, capturing what it prints and its exit code. */
export async function weir(...args: string[]): Promise<WeirRun> {
  let out = ''
  let err = ''
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString()
    return true
  })
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += chunk.toString()
    return true
  })
  process.exitCode = 0
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'weir', ...args])
  } finally {
    stdout.mockRestore()
    stderr.mockRestore()
  }
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = 0
  return { out, err, exitCode }
}
