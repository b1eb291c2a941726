/**
 * Opens the catalog database: PGlite (embedded; a data directory, or memory for tests) or PostgreSQL (a URL),
 * both behind the same Kysely instance, and migrates it to the newest schema before anyone uses it.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { lockDataDir } from './data-dir-lock.ts'
import { migrateToLatest } from './migrations.ts'
import { PGlitePool } from './pglite-pool.ts'
import type { CatalogTables } from './tables.ts'

export type CatalogDatabaseOptions =
  /** PostgreSQL, e.g. postgres://user@host:5432/weir. */
  | { databaseUrl: string; poolSize?: number }
  /** PGlite persisted in a directory (created on first use). */
  | { dataDir: string }
  /** PGlite in memory: gone when closed. */
  | { inMemory: true }

export type DatabaseKind = 'pglite' | 'postgres'

export interface CatalogDatabase {
  readonly db: Kysely<CatalogTables>
  readonly kind: DatabaseKind
  /** Where the data lives, without credentials, for logs and messages. */
  readonly description: string
  /** Migrations applied by this open (empty when the database was already current). */
  readonly appliedMigrations: readonly string[]
  /** Throws when the database does not answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export async function openCatalogDatabase(options: CatalogDatabaseOptions): Promise<CatalogDatabase> {
  if ('databaseUrl' in options) return openPostgres(options.databaseUrl, options.poolSize ?? 10)
  if ('dataDir' in options) return openPGlite(resolve(options.dataDir))
  return openPGlite(undefined)
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<CatalogDatabase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize })
  // An idle client losing its connection must not crash the server; the next query reconnects.
  pool.on('error', () => undefined)
  const db = new Kysely<CatalogTables>({ dialect: new PostgresDialect({ pool }) })
  return finishOpen(db, 'postgres', `PostgreSQL at ${redactUrl(databaseUrl)}`, async () => {
    await db.destroy()
  })
}

async function openPGlite(dataDir: string | undefined): Promise<CatalogDatabase> {
  const unlock = dataDir === undefined ? () => undefined : lockDataDir(dataDir)
  try {
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true })
    const pglite = dataDir === undefined ? new PGlite() : new PGlite(dataDir)
    await pglite.waitReady
    const pool = new PGlitePool(pglite, async () => {
      try {
        await pglite.close()
      } finally {
        unlock()
      }
    })
    const db = new Kysely<CatalogTables>({ dialect: new PostgresDialect({ pool }) })
    return await finishOpen(db, 'pglite', dataDir ? `PGlite in ${dataDir}` : 'PGlite in memory', async () => {
      await db.destroy()
    })
  } catch (error) {
    unlock()
    throw error
  }
}

async function finishOpen(
  db: Kysely<CatalogTables>,
  kind: DatabaseKind,
  description: string,
  close: () => Promise<void>,
): Promise<CatalogDatabase> {
  let appliedMigrations: string[]
  try {
    appliedMigrations = await migrateToLatest(db as unknown as Kysely<unknown>)
  } catch (error) {
    await close().catch(() => undefined)
    throw error
  }
  let closing: Promise<void> | undefined
  return {
    db,
    kind,
    description,
    appliedMigrations,
    async ping() {
      await sql`SELECT 1`.execute(db)
    },
    close() {
      closing ??= close()
      return closing
    },
  }
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable database URL)'
  }
}
