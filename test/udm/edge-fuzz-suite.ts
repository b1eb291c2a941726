/**
 * A property-based fuzz test over every route in the governance route table: hostile path parameters, query
 * strings and bodies (NUL bytes, lone surrogates, control characters, huge strings, wrong types, nested junk,
 * injection strings, odd schema references), as the admin and as an unauthenticated caller, against a real
 * catalog. Any 5xx fails the test: a malformed request is the client's fault and must get a 4xx naming the
 * field, never "Error in the backend data store".
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import type { CatalogDatabaseOptions } from '../../src/catalog/db/connection.ts'
import { buildServer, type WeirServer } from '../../src/server/app.ts'
import { ROUTE_TABLE } from '../../src/server/governance/route-table.ts'
import { ADMIN_TOKEN, exampleCatalog, PAGEVIEW_V1 } from './helpers.ts'

/** Field and query names the routes read: junk under a name a handler looks at reaches deeper than noise. */
const FIELD_NAMES = [
  'name',
  'kind',
  'description',
  'schema',
  'schemaType',
  'references',
  'subject',
  'version',
  'role',
  'scope',
  'principal',
  'group',
  'expiresAt',
  'eventType',
  'eventTime',
  'run',
  'runId',
  'job',
  'namespace',
  'inputs',
  'outputs',
  'facets',
  'clusters',
  'datasets',
  'schemas',
  'compatibility',
  'compatibilityLevel',
  'mode',
  'value',
  'key',
  'format',
  'locations',
  'system',
  'properties',
  'tags',
  'primaryKey',
  'owner',
  'metadata',
  'ruleSet',
]

const QUERY_NAMES = [
  'q',
  'tag',
  'field',
  'namespace',
  'kind',
  'environment',
  'env',
  'includeSecrets',
  'access',
  'dryRun',
  'deleted',
  'deletedOnly',
  'permanent',
  'normalize',
  'subjectPrefix',
  'format',
  'defaultToGlobal',
  'principal',
  'resource',
  'action',
  'result',
  'from',
  'to',
  'order',
  'cursor',
  'limit',
  'offset',
  'node',
  'depth',
  'direction',
  'subject',
  'verbose',
  'fetchMaxId',
  'lookupDeletedSchema',
]

const HOSTILE_TEXT = [
  '',
  '\u0000',
  'a\u0000b',
  'traffic.pageview\u0000',
  '\ud800',
  'x\udfffy',
  '\u0007\u001b[31m',
  '\r\nX-Injected: 1',
  "' OR '1'='1",
  "x'; DROP TABLE gov_audit; --",
  '"); --',
  '../../etc/passwd',
  '$'.concat('{jndi:ldap://x}'), // a Log4Shell-style lookup
  '<script>alert(1)</script>',
  'latest',
  '-1',
  '0',
  '1.5',
  '2147483648',
  '99999999999999999999',
  '1e309',
  'NaN',
  'true',
  '*',
  'traffic.*',
  'traffic.pageview',
  'traffic.pageview-value',
  'dataset:traffic.pageview',
  'job:weir/x',
  'weir_0000000000000000_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '\u202e\ufeff',
  'é'.repeat(300),
  'x'.repeat(5_000),
  'y'.repeat(70_000),
]

/** Raw (already percent-encoded) path segments, including encodings that do not decode to valid UTF-8. */
const RAW_SEGMENTS = [
  '%00',
  'a%00b',
  '%',
  '%ZZ',
  '%ED%A0%80',
  '%C0%80',
  '%FF',
  'a%2Fb',
  '..',
  '.',
  '%2e%2e',
  'latest',
  '-1',
  '1',
  '0',
  '1.0',
  '1e3',
  '9007199254740993',
  'traffic.pageview',
  'traffic.pageview-value',
  'admin',
  'local',
  'x'.repeat(999),
  'x'.repeat(1_001),
  'x'.repeat(20_000),
]

const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
)

/** Percent-encodes text; lone surrogates cannot be encoded as UTF-8, so they become an invalid byte sequence. */
function encodeSegment(text: string): string {
  const wellFormed = text.replace(/[\ud800-\udfff]/g, '')
  const encoded = encodeURIComponent(wellFormed)
  return wellFormed === text ? encoded : `${encoded}%ED%A0%80`
}

const pathSegment = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  { weight: 2, arbitrary: hostileText.map(encodeSegment) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 50 }).map(String) },
)

const junkValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(-1, 0, 1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, 1e300),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELD_NAMES), tie('value'), { maxKeys: 4 }),
  ),
})).value

/** Schema references of every odd shape: missing fields, wrong types, self, unknown subjects and versions. */
const reference = fc.record(
  {
    name: fc.oneof(hostileText, junkValue),
    subject: fc.oneof(
      fc.constantFrom('fuzz-subject', 'traffic.pageview-value', 'nope'),
      hostileText,
      junkValue,
    ),
    version: fc.oneof(
      fc.constantFrom(-1, 0, 1, 2, 1.5, 2 ** 31, 1e300, 'latest', '1', 'x', null, true),
      junkValue,
    ),
  },
  { requiredKeys: [] },
)

const schemaBody = fc.record(
  {
    schema: fc.oneof(
      fc.constantFrom(PAGEVIEW_V1, '"string"', '{', 'syntax = "proto3";'),
      hostileText,
      junkValue,
    ),
    schemaType: fc.oneof(fc.constantFrom('AVRO', 'PROTOBUF', 'JSON', 'avro', 'XML'), junkValue),
    references: fc.oneof(fc.array(reference, { maxLength: 3 }), junkValue),
  },
  { requiredKeys: [] },
)

const LINEAGE_EVENT = {
  eventType: 'START',
  eventTime: '2026-01-01T00:00:00Z',
  run: { runId: '0190e5a0-0000-7000-8000-000000000000' },
  job: { namespace: 'weir', name: 'fuzz-job' },
  inputs: [{ namespace: 'weir', name: 'traffic.pageview' }],
  outputs: [{ namespace: 'weir', name: 'traffic.click', facets: { schema: { fields: [{ name: 'x' }] } } }],
  producer: 'https://example.com/fuzz',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
}

/**
 * A valid body for each route that takes one (names made unique by `n`): junk in one field of an otherwise
 * valid body passes the handler's first checks and reaches storage, where a NUL byte used to fail.
 */
function validBodies(n: number, example: ReturnType<typeof exampleCatalog>): Record<string, unknown> {
  const dataset = { ...(example.datasets[0] as object), name: `fuzz.ds${n}` }
  const cluster = { ...(example.clusters[0] as object), name: `fuzz-cluster${n}` }
  const schema = { schema: PAGEVIEW_V1, schemaType: 'AVRO' }
  return {
    'POST /api/v1/principals': { name: `fuzz-p${n}`, kind: 'service', description: 'fuzz' },
    'POST /api/v1/groups': { name: `fuzz-g${n}`, description: 'fuzz' },
    'POST /api/v1/principals/:name/tokens': { description: 'fuzz', expiresAt: '2099-01-01T00:00:00Z' },
    'POST /api/v1/grants': { principal: 'admin', role: 'viewer', scope: 'traffic.*' },
    'POST /api/v1/lineage': LINEAGE_EVENT,
    'POST /api/v1/clusters': cluster,
    'PUT /api/v1/clusters/:name': cluster,
    'POST /api/v1/datasets': dataset,
    'PUT /api/v1/datasets/:name': dataset,
    'POST /api/v1/catalog/apply': {
      clusters: [cluster],
      datasets: [dataset],
      schemas: [{ subject: `fuzz${n}-value`, ...schema }],
    },
    'POST /subjects/:subject/versions': schema,
    'POST /subjects/:subject': schema,
    'POST /compatibility/subjects/:subject/versions': schema,
    'POST /compatibility/subjects/:subject/versions/:version': schema,
    'PUT /config': { compatibility: 'BACKWARD' },
    'PUT /config/:subject': { compatibility: 'NONE' },
    'PUT /mode': { mode: 'READWRITE' },
    'PUT /mode/:subject': { mode: 'READWRITE' },
  }
}

/** Every leaf of a JSON value with its path, so that one of them can be replaced. */
function leafPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value))
    return [path, ...value.flatMap((item, index) => leafPaths(item, [...path, index]))]
  if (typeof value === 'object' && value !== null) {
    return [path, ...Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]))]
  }
  return [path]
}

function replaceAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const [head, ...rest] = path
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >
  copy[head as string] = replaceAt(copy[head as string], rest, replacement)
  return copy
}

/** A valid body for the route (or another route) with one field, at any depth, replaced by junk. */
function mutatedBody(routeKey: string, example: ReturnType<typeof exampleCatalog>) {
  return fc
    .record({ n: fc.nat(), pick: fc.nat(), other: fc.nat(), junk: fc.oneof(hostileText, junkValue) })
    .map(({ n, pick, other, junk }) => {
      const bodies = validBodies(n, example)
      const templates = Object.values(bodies)
      const template = bodies[routeKey] ?? templates[other % templates.length]
      const paths = leafPaths(template)
      return { json: replaceAt(template, paths[pick % paths.length]!, junk) }
    })
}

/** A body: absent, JSON of any shape (objects keyed by field names the routes read), or not JSON at all. */
const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant<{ raw: string } | { json: unknown } | undefined>(undefined) },
  {
    weight: 3,
    arbitrary: fc.dictionary(fc.constantFrom(...FIELD_NAMES), junkValue).map((json) => ({ json })),
  },
  { weight: 2, arbitrary: schemaBody.map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.jsonValue().map((json) => ({ json })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '{',
        '[1,',
        '{"name":"a\\u0000b"}',
        '{"name":"\\ud800"}',
        'null',
        '"x"',
        '1e999',
        '\u0000',
      )
      .map((raw) => ({ raw })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 2_000 })
      .map((depth) => ({ raw: `${'['.repeat(depth)}${']'.repeat(depth)}` })),
  },
)

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.constantFrom('%00', 'a%00', '%ZZ')),
      fc.oneof(hostileText.map(encodeSegment), fc.constantFrom(...RAW_SEGMENTS)),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`))

const CONTENT_TYPES = [
  'application/json',
  'application/vnd.schemaregistry.v1+json',
  'application/octet-stream',
  'text/plain',
]

interface FuzzRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
}

const ROUTES: FuzzRoute[] = Object.keys(ROUTE_TABLE).map((key) => {
  const [method, path] = key.split(' ') as [FuzzRoute['method'], string]
  return { method, path }
})

export interface EdgeFuzzOptions {
  /** Random requests per route (admin or unauthenticated at random); the runtime grows linearly with it. */
  runsPerRoute: number
  /** Time for all routes together; a route whose share runs out stops early (10 requests a route on average at least). */
  budgetMs: number
}

export function edgeFuzzSuite(
  label: string,
  database: () => Promise<CatalogDatabaseOptions>,
  options: EdgeFuzzOptions,
): void {
  describe(`the HTTP edge on ${label}`, () => {
    let catalog: Catalog
    let app: WeirServer

    beforeAll(async () => {
      catalog = await Catalog.open({ database: await database() })
      // WEIR_FUZZ_LOG=1 prints the server's error log, with the stack of whatever answered 5xx.
      const logger = process.env.WEIR_FUZZ_LOG === undefined ? {} : { logger: { level: 'error' } }
      app = await buildServer({ catalog, adminToken: ADMIN_TOKEN, ...logger })
      // Real datasets and subjects, so that some fuzzed names exist and reach deeper than "not found".
      const document = exampleCatalog()
      const applied = await app.inject({
        method: 'POST',
        url: '/api/v1/catalog/apply',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: {
          clusters: document.clusters,
          datasets: document.datasets,
          schemas: document.schemas.map((entry) => ({ subject: entry.subject, ...entry.body })),
        },
      })
      expect(applied.statusCode).toBe(200)
    })
    afterAll(async () => {
      await app?.close()
      await catalog?.close()
    })

    it(
      'answers every malformed or hostile request on every route with less than 500',
      async () => {
        // WEIR_FUZZ_SEED replays a failure fast-check reported; WEIR_FUZZ_RUNS searches longer by hand.
        const seed = process.env.WEIR_FUZZ_SEED === undefined ? undefined : Number(process.env.WEIR_FUZZ_SEED)
        const runs = Number(process.env.WEIR_FUZZ_RUNS ?? options.runsPerRoute)
        // A shared machine may be slow: each route gets its share of the budget, so the test stays bounded.
        const routeBudgetMs =
          process.env.WEIR_FUZZ_RUNS === undefined ? options.budgetMs / ROUTES.length : undefined
        let sent = 0
        const example = exampleCatalog()
        for (const route of ROUTES) {
          const request = fc.record({
            segments: fc.array(pathSegment, { minLength: 4, maxLength: 4 }),
            query: queryString,
            body: fc.oneof(body, mutatedBody(`${route.method} ${route.path}`, example)),
            contentType: fc.constantFrom(...CONTENT_TYPES),
            admin: fc.boolean(),
          })
          await fc.assert(
            fc.asyncProperty(request, async ({ segments, query, body, contentType, admin }) => {
              let index = 0
              const url = `${route.path.replace(/:\w+/g, () => segments[index++] ?? 'x')}${query}`
              const payload =
                body === undefined ? undefined : 'raw' in body ? body.raw : JSON.stringify(body.json)
              sent++
              const response = await app.inject({
                method: route.method,
                url,
                headers: {
                  ...(admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}),
                  ...(payload === undefined ? {} : { 'content-type': contentType }),
                },
                ...(payload === undefined ? {} : { payload }),
              })
              // 502 and 504 say a cluster the catalog names did not answer (typed, with what to check): a
              // correct answer to a valid request while the example catalog's brokers are not running.
              const upstream = response.statusCode === 502 || response.statusCode === 504
              if (response.statusCode >= 500 && !upstream) {
                throw new Error(
                  `${route.method} ${url.slice(0, 300)} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
                )
              }
            }),
            {
              numRuns: runs,
              ...(seed === undefined ? {} : { seed }),
              ...(routeBudgetMs === undefined ? {} : { interruptAfterTimeLimit: routeBudgetMs }),
            },
          )
        }
        // Not vacuous however slow the machine: every route was sent a good number of requests.
        expect(sent).toBeGreaterThanOrEqual(ROUTES.length * 10)
      },
      options.budgetMs * 3,
    )
  })
}
