import { type ChildProcess, spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(
      `${service}: ${message}${logFile ? `\n--- last lines of ${logFile} ---\n${tail(logFile, 30)}` : ''}`,
    )
    this.name = 'ServiceStartError'
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log written)'
  }
}

export interface ProcessSpec {
  service: string
  command: string
  args: string[]
  logFile: string
  cwd?: string
  env?: NodeJS.ProcessEnv
}

/** A child process whose output goes to a log file and that is stopped (TERM, then KILL) on demand. */
export class ManagedProcess {
  private readonly child: ChildProcess
  private exited = false
  private exitCode: number | null = null

  constructor(readonly spec: ProcessSpec) {
    const log = openSync(spec.logFile, 'a')
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', log, log],
      detached: false,
    })
    this.child.on('exit', (code) => {
      this.exited = true
      this.exitCode = code
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /** Polls `probe` until it resolves true; fails fast if the process dies, with the log's tail in the error. */
  async waitUntilReady(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new ServiceStartError(
          this.spec.service,
          `exited with code ${this.exitCode} before it was ready`,
          this.spec.logFile,
        )
      }
      if (await probe().catch(() => false)) return
      await sleep(100)
    }
    throw new ServiceStartError(this.spec.service, `not ready after ${timeoutMs} ms`, this.spec.logFile)
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
}

/** Runs a command to completion, failing with its output when it exits non-zero. */
export function runToCompletion(
  service: string,
  command: string,
  args: string[],
  cwd?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', (error) =>
      reject(new ServiceStartError(service, `${command} failed to start: ${error.message}`)),
    )
    child.on('exit', (code) => {
      if (code === 0) resolve(output)
      else
        reject(
          new ServiceStartError(service, `\`${command} ${args.join(' ')}\` exited with ${code}:\n${output}`),
        )
    })
  })
}
