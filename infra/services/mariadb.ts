import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { ManagedProcess, runToCompletion } from './managed-process.ts'
import { freePort } from './ports.ts'
import { chownTree, serviceAccount } from './system-user.ts'

export interface MariaDbService {
  host: string
  port: number
  user: string
  password: string
  /** A database created for the run. */
  database: string
  logFile: string
  stop(): Promise<void>
}

/** Starts a private MariaDB with row-based binary logging on a free loopback port (for binlog CDC). */
export async function startMariaDb(options: {
  workDir: string
  timeoutMs?: number
}): Promise<MariaDbService> {
  const dataDir = join(options.workDir, 'mariadb')
  mkdirSync(dataDir, { recursive: true })
  const account = serviceAccount('mysql')
  if (account) chownTree(dataDir, account)
  const userArgs = account ? ['--user=mysql'] : []
  await runToCompletion('mariadb', 'mariadb-install-db', [
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...userArgs,
  ])

  const port = await freePort()
  const logFile = join(options.workDir, 'mariadb.log')
  const server = new ManagedProcess({
    service: 'mariadb',
    command: 'mariadbd',
    args: [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${join(dataDir, 'mariadb.sock')}`,
      `--pid-file=${join(dataDir, 'mariadb.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      `--log-bin=${join(dataDir, 'binlog')}`,
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      '--server-id=1',
      '--innodb-flush-log-at-trx-commit=0',
      '--sync-binlog=0',
      ...userArgs,
    ],
    logFile,
  })
  const database = 'weir_test'
  await server.waitUntilReady(async () => {
    const socketConnection = await mysql.createConnection({
      socketPath: join(dataDir, 'mariadb.sock'),
      user: 'root',
    })
    try {
      // root exists only for the socket after install; tests connect over TCP with their own account.
      await socketConnection.query("CREATE USER IF NOT EXISTS 'weir'@'127.0.0.1' IDENTIFIED BY 'weir'")
      await socketConnection.query("GRANT ALL PRIVILEGES ON *.* TO 'weir'@'127.0.0.1' WITH GRANT OPTION")
      await socketConnection.query(`CREATE DATABASE IF NOT EXISTS ${database}`)
      return true
    } finally {
      await socketConnection.end()
    }
  }, options.timeoutMs ?? 60_000)
  return {
    host: '127.0.0.1',
    port,
    user: 'weir',
    password: 'weir',
    database,
    logFile,
    stop: () => server.stop(),
  }
}
