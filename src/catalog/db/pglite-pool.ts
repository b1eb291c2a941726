/**
 * Kysely 0.28 has no PGlite dialect, and `kysely-pglite-dialect` targets older PGlite releases. Kysely's
 * PostgresDialect only needs a pool-like object, so this file gives it one over a single PGlite instance.
 *
 * PGlite is a single connection: if two callers shared it freely, one caller's statements could land inside
 * another's open transaction. So `connect()` hands out the one connection under a mutex and `release()` gives it
 * back; Kysely holds a connection for a whole transaction, which makes transactions run one at a time.
 */
import type { PGlite } from '@electric-sql/pglite'
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import { Mutex } from './mutex.ts'

type Command = PostgresQueryResult<unknown>['command']

const COUNTED_COMMANDS: ReadonlySet<string> = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])

export class PGlitePool implements PostgresPool {
  private readonly mutex = new Mutex()
  private closed = false

  constructor(
    readonly pglite: PGlite,
    private readonly onEnd: () => Promise<void> = () => pglite.close(),
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.closed) throw new Error('the embedded catalog database is closed')
    const release = await this.mutex.acquire()
    const pglite = this.pglite
    async function runQuery<R>(
      sql: string,
      parameters: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>> {
      const result = await pglite.query<R>(sql, [...parameters])
      const command = (result as { command?: string }).command?.toUpperCase() ?? firstKeyword(sql)
      return {
        // Kysely reads rowCount only for the commands below; PGlite reports them as affectedRows.
        command: (COUNTED_COMMANDS.has(command) ? command : 'SELECT') as Command,
        rowCount: result.affectedRows ?? result.rows.length,
        rows: result.rows,
      }
    }
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
    function query<R>(
      sqlOrCursor: string | PostgresCursor<R>,
      parameters?: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof sqlOrCursor !== 'string') {
        throw new Error('streaming queries (cursors) are not supported on the embedded catalog database')
      }
      return runQuery<R>(sqlOrCursor, parameters ?? [])
    }
    return { query, release }
  }

  /** Waits for the current holder, then closes PGlite; later connects fail with a clear message. */
  async end(): Promise<void> {
    if (this.closed) return
    const release = await this.mutex.acquire()
    try {
      this.closed = true
      await this.onEnd()
    } finally {
      release()
    }
  }
}

function firstKeyword(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT'
}
