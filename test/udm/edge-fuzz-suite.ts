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
      app = await buildServer({ catalog, adminToken: ADMIN_TOKEN })
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
        for (const route of ROUTES) {
          const request = fc.record({
            segments: fc.array(pathSegment, { minLength: 4, maxLength: 4 }),
            query: queryString,
            body: body,
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
              if (response.statusCode >= 500) {
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
