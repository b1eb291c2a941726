import { chmodSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { ManagedProcess, runToCompletion } from './managed-process.ts'
import { freePort } from './ports.ts'
import { asAccount, chownTree, serviceAccount } from './system-user.ts'

export interface PostgresService {
  /** A connection URL to a fresh database of this private cluster. */
  url: string
  port: number
  logFile: string
  stop(): Promise<void>
}

/** The newest PostgreSQL installed from the distribution's packages. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error(`no PostgreSQL under ${root}: apt-get install postgresql`)
  return join(root, versions[0]!, 'bin')
}

/** Starts a private PostgreSQL cluster (initdb, trust auth, fsync off) on a free loopback port. */
export async function startPostgres(options: {
  workDir: string
  timeoutMs?: number
}): Promise<PostgresService> {
  const dataDir = join(options.workDir, 'postgres')
  const socketDir = join(options.workDir, 'postgres-socket')
  mkdirSync(socketDir, { recursive: true })
  chmodSync(options.workDir, 0o755)
  const account = serviceAccount('postgres')
  if (account) chownTree(socketDir, account)
  const bin = postgresBinDir()
  if (account) {
    mkdirSync(dataDir, { recursive: true })
    chownTree(dataDir, account)
  }
  const [initdb, initdbArgs] = asAccount('postgres', join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
  ])
  await runToCompletion('postgres', initdb, initdbArgs)

  const port = await freePort()
  const logFile = join(options.workDir, 'postgres.log')
  const [command, args] = asAccount('postgres', join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    // Test data is disposable: skip the durability work.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ])
  const server = new ManagedProcess({ service: 'postgres', command, args, logFile })
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`
  await server.waitUntilReady(async () => {
    const client = new pg.Client({ connectionString: adminUrl })
    try {
      await client.connect()
      await client.query('CREATE DATABASE weir_test')
      return true
    } finally {
      await client.end().catch(() => undefined)
    }
  }, options.timeoutMs ?? 60_000)
  return { url: `postgres://postgres@127.0.0.1:${port}/weir_test`, port, logFile, stop: () => server.stop() }
}
