import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { freshPostgresDatabase } from '../../harness/services.ts'
import { type ClickstreamFile, loadClicks, writeClickstream } from './clickstream.ts'

/** What an oracle test file compares against: the clickstream Weir reads and PostgreSQL holding the same. */
export interface ClickstreamOracle {
  readonly clicks: ClickstreamFile
  readonly db: pg.Client
}

/**
 * Declares a test file's clickstream: before its tests run, the file is written into a temporary directory
 * and loaded into a fresh PostgreSQL database; afterwards the directory is removed. The fields can be read
 * from inside tests only.
 */
export function useClickstreamOracle(
  name: string,
  settings: Omit<ClickstreamFile, 'path'>,
): ClickstreamOracle {
  let directory: string | undefined
  let ready: ClickstreamOracle | undefined
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), `weir-${name}-`))
    const clicks = { ...settings, path: join(directory, 'clicks.json') }
    await writeClickstream(clicks)
    const db = new pg.Client({ connectionString: await freshPostgresDatabase(name) })
    await db.connect()
    ready = { clicks, db }
    await loadClicks(db, clicks)
  })
  afterAll(async () => {
    await ready?.db.end()
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })
  const current = (): ClickstreamOracle => {
    if (ready === undefined) throw new Error(`the ${name} clickstream is read before its beforeAll hook ran`)
    return ready
  }
  return {
    get clicks() {
      return current().clicks
    },
    get db() {
      return current().db
    },
  }
}
