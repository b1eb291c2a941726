/** The embedded database plumbing: the PGlite pool's transaction isolation and the data directory lock. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCatalogDatabase, redactUrl } from '../../src/catalog/db/connection.ts'
import { DataDirInUseError, lockDataDir } from '../../src/catalog/db/data-dir-lock.ts'
import { Mutex } from '../../src/catalog/db/mutex.ts'
import { PGlitePool } from '../../src/catalog/db/pglite-pool.ts'

describe('PGlite pool', () => {
  let db: Kysely<{ counter: { id: number; n: number } }>

  beforeAll(async () => {
    db = new Kysely({ dialect: new PostgresDialect({ pool: new PGlitePool(new PGlite()) }) })
    await sql`CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)`.execute(db)
    await sql`INSERT INTO counter VALUES (1, 0)`.execute(db)
  })
  afterAll(async () => {
    await db?.destroy()
  })

  it('never lets another caller into an open transaction', async () => {
    // Read-modify-write with a pause in the middle: lost updates would show if transactions interleaved.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute(async (trx) => {
          const { n } = await trx
            .selectFrom('counter')
            .select('n')
            .where('id', '=', 1)
            .executeTakeFirstOrThrow()
          await new Promise((resolve) => setTimeout(resolve, 1))
          await trx
            .updateTable('counter')
            .set({ n: n + 1 })
            .where('id', '=', 1)
            .execute()
        }),
      ),
    )
    expect((await db.selectFrom('counter').select('n').executeTakeFirstOrThrow()).n).toBe(20)
  })

  it('rolls back a failed transaction and reports affected rows', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('counter').set({ n: 1000 }).execute()
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    const result = await db.updateTable('counter').set({ n: 5 }).where('id', '=', 1).executeTakeFirst()
    expect(result.numUpdatedRows).toBe(1n)
  })

  it('serves waiters in order', async () => {
    const mutex = new Mutex()
    const order: number[] = []
    await Promise.all(
      [1, 2, 3].map(async (value) => {
        const release = await mutex.acquire()
        order.push(value)
        release()
        release()
      }),
    )
    expect(order).toEqual([1, 2, 3])
  })
})

describe('data directory lock', () => {
  it('keeps a second user out and is released on close', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'weir-lock-')), 'catalog')
    const first = await openCatalogDatabase({ dataDir: dir })
    try {
      expect(first.description).toBe(`PGlite in ${dir}`)
      await expect(openCatalogDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError)
    } finally {
      await first.close()
    }
    const release = lockDataDir(dir)
    release()
  })

  it('redacts passwords from database URLs', () => {
    expect(redactUrl('postgres://weir:s3cret@db:5432/weir')).toBe('postgres://weir:***@db:5432/weir')
  })
})
