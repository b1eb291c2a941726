import { execFileSync } from 'node:child_process'
import { chownSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * PostgreSQL and MariaDB refuse to run as root. When the harness runs as root (CI, dev containers),
 * their data directories are handed to the distribution's service account and the servers run under it.
 */
export function serviceAccount(name: 'postgres' | 'mysql'): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim())
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim())
  return { uid, gid }
}

export function chownTree(path: string, owner: { uid: number; gid: number }): void {
  chownSync(path, owner.uid, owner.gid)
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) chownTree(child, owner)
    else chownSync(child, owner.uid, owner.gid)
  }
}

/** The command line that runs `command` as the given account (runuser) or as-is when not root. */
export function asAccount(name: 'postgres' | 'mysql', command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', name, '--', command, ...args]] : [command, args]
}
