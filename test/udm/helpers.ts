/** Shared bits of the UDM tests: schemas, error assertions, unique names. */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import {
  type CatalogDocument,
  parseDefinitionText,
  readCatalogDocument,
} from '../../src/catalog/catalog-document.ts'
import { ADMIN_TOKEN_ENV, generateToken } from '../../src/catalog/governance/tokens.ts'
import { CatalogError } from '../../src/catalog/locations/errors.ts'
import { RegistryError } from '../../src/catalog/registry/errors.ts'

/** The bootstrap admin token the test servers are started with (`adminToken`). */
export const ADMIN_TOKEN = generateToken().token
export const ADMIN_HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}` }

const WEIR = fileURLToPath(new URL('../../bin/weir.js', import.meta.url))

/** A `weir udm serve` process on a free port, as users start it. */
export interface ServedUdm {
  child: ChildProcess
  url: string
  logs: () => string
}

/** Starts `weir udm serve` with ADMIN_TOKEN and resolves with its URL once its "ready" log line appears. */
export function serveUdmProcess(dataDir: string): Promise<ServedUdm> {
  const child = spawn(process.execPath, [WEIR, 'udm', 'serve', '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [ADMIN_TOKEN_ENV]: ADMIN_TOKEN },
  })
  let logs = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`weir udm serve did not become ready:\n${logs}`)),
      120_000,
    )
    const onData = (chunk: Buffer) => {
      logs += chunk.toString()
      for (const line of logs.split('\n')) {
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as { url?: string; msg?: string }
        if (entry.url !== undefined && entry.msg?.startsWith('UDM server ready')) {
          clearTimeout(timer)
          resolve({ child, url: entry.url, logs: () => logs })
        }
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`weir udm serve exited with ${code}:\n${logs}`)))
  })
}

let counter = 0
/** A name no other test in the run uses: tests share one database per file. */
export function unique(prefix: string): string {
  counter++
  return `${prefix}${process.pid % 10_000}${counter}${Math.random().toString(36).slice(2, 6)}`
}

export function avroRecord(
  name: string,
  fields: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ type: 'record', name, namespace: 'weir.test', fields, ...extra })
}

export const PAGEVIEW_V1 = avroRecord('PageView', [
  { name: 'user_id', type: 'long' },
  { name: 'url', type: 'string' },
])
/** Adds a field with a default: BACKWARD compatible with v1. */
export const PAGEVIEW_V2 = avroRecord('PageView', [
  { name: 'user_id', type: 'long' },
  { name: 'url', type: 'string' },
  { name: 'referrer', type: ['null', 'string'], default: null },
])
/** Adds a field without a default: not BACKWARD compatible with v1. */
export const PAGEVIEW_BREAKING = avroRecord('PageView', [
  { name: 'user_id', type: 'long' },
  { name: 'url', type: 'string' },
  { name: 'session', type: 'string' },
])

export const ORDER_PROTO = `syntax = "proto3";
package weir.test;

message Order {
  string order_id = 1;
  int64 user_id = 2;
  int64 gmv_cents = 3;
}
`

export async function expectRegistryError(
  promise: Promise<unknown>,
  httpStatus: number,
  errorCode: number,
): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error, `expected RegistryError ${errorCode}`).toBeInstanceOf(RegistryError)
  const registryError = error as RegistryError
  expect({
    httpStatus: registryError.httpStatus,
    errorCode: registryError.errorCode,
    message: registryError.message,
  }).toMatchObject({
    httpStatus,
    errorCode,
  })
  return registryError
}

export async function expectCatalogError(
  promise: Promise<unknown>,
  status: number,
  code: string,
  field?: string,
): Promise<CatalogError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error, `expected CatalogError ${code}`).toBeInstanceOf(CatalogError)
  const catalogError = error as CatalogError
  expect({
    status: catalogError.status,
    code: catalogError.code,
    message: catalogError.message,
  }).toMatchObject({ status, code })
  if (field !== undefined) expect(catalogError.field).toBe(field)
  return catalogError
}

export const EXAMPLE_CATALOG_PATH = new URL('../../examples/catalog.yaml', import.meta.url)

export function exampleCatalog(): CatalogDocument {
  return readCatalogDocument(
    parseDefinitionText(readFileSync(EXAMPLE_CATALOG_PATH, 'utf8'), 'examples/catalog.yaml'),
  )
}
