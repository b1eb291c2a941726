import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { freshPostgresDatabase, useService } from './harness/services.ts'

describe('service harness', () => {
  it('starts a private Redis that answers commands', async () => {
    const { url, port } = await useService('redis')
    expect(port).not.toBe(6379)
    const redis = new Redis(url)
    try {
      await redis.set('weir:harness', 'ok')
      expect(await redis.get('weir:harness')).toBe('ok')
      expect(await redis.config('GET', 'save')).toEqual(['save', ''])
    } finally {
      redis.disconnect()
    }
  })

  it('gives each caller a fresh PostgreSQL database', async () => {
    const first = await freshPostgresDatabase()
    const second = await freshPostgresDatabase()
    expect(first).not.toBe(second)
    const client = new pg.Client({ connectionString: first })
    await client.connect()
    try {
      await client.query('CREATE TABLE t (id int primary key, name text)')
      await client.query("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
      const { rows } = await client.query('SELECT count(*)::int AS n FROM t')
      expect(rows[0].n).toBe(2)
    } finally {
      await client.end()
    }
    const other = new pg.Client({ connectionString: second })
    await other.connect()
    try {
      const { rows } = await other.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")
      expect(rows[0].n).toBe(0)
    } finally {
      await other.end()
    }
  })

  it('runs MariaDB with row-based binary logging', async () => {
    const service = await useService('mariadb')
    const connection = await mysql.createConnection({
      host: service.host,
      port: service.port,
      user: service.user,
      password: service.password,
      database: service.database,
    })
    try {
      const [[format]] = (await connection.query("SHOW VARIABLES LIKE 'binlog_format'")) as [
        Array<{ Value: string }>,
        unknown,
      ]
      expect(format?.Value).toBe('ROW')
      await connection.query(
        'CREATE TABLE IF NOT EXISTS harness_probe (id INT PRIMARY KEY, note VARCHAR(32))',
      )
      const marker = `probe-${Date.now()}`
      await connection.query('INSERT INTO harness_probe VALUES (?, ?)', [Date.now() % 1_000_000, marker])
      const [[status]] = (await connection.query('SHOW MASTER STATUS')) as [Array<{ File: string }>, unknown]
      const [events] = (await connection.query(`SHOW BINLOG EVENTS IN '${status!.File}'`)) as [
        Array<{ Event_type: string; Info: string }>,
        unknown,
      ]
      expect(
        events.some((event) => event.Event_type === 'Write_rows_v1' || event.Event_type === 'Write_rows'),
      ).toBe(true)
      expect(events.some((event) => event.Info.includes('harness_probe'))).toBe(true)
    } finally {
      await connection.end()
    }
  })
})
