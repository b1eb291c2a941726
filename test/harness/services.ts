import { inject } from 'vitest'
import type { ServiceEndpoints, ServiceName } from '../../infra/services/index.ts'

export type { ServiceEndpoints, ServiceName }

/**
 * Declares that a test needs a real service and returns how to reach it. The service starts on the first
 * request in the run (see global-setup.ts) and is shared by every test file; give each test its own topics,
 * keys or databases.
 */
export async function useService<K extends ServiceName>(name: K): Promise<ServiceEndpoints[K]> {
  const response = await fetch(`${inject('serviceBroker')}/services/${name}`, {
    method: 'POST',
    signal: AbortSignal.timeout(300_000),
  })
  if (!response.ok) throw new Error(`could not start ${name} for this test run: ${await response.text()}`)
  return (await response.json()) as ServiceEndpoints[K]
}

/** A new, empty database on the run's private PostgreSQL, so suites never see each other's tables. */
export async function freshPostgresDatabase(prefix = 'test'): Promise<string> {
  const { default: pg } = await import('pg')
  const { url } = await useService('postgres')
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`.replace(
    /[^a-z0-9_]/gi,
    '_',
  )
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const fresh = new URL(url)
  fresh.pathname = `/${name}`
  return fresh.toString()
}
