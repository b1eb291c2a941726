/**
 * The catalog's storage behaviour, run once per database (storage.pglite.test.ts, storage.postgres.test.ts):
 * the same services, migrations and transactions must behave identically on PGlite and PostgreSQL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import type { CatalogDatabaseOptions } from '../../src/catalog/db/connection.ts'
import { knownMigrations, migrateToLatest } from '../../src/catalog/db/migrations.ts'
import { ALLOW_SECRETS, secretFilesWithin } from '../../src/catalog/locations/secrets.ts'
import { LocationService } from '../../src/catalog/locations/service.ts'
import {
  avroRecord,
  exampleCatalog,
  expectCatalogError,
  expectRegistryError,
  ORDER_PROTO,
  PAGEVIEW_BREAKING,
  PAGEVIEW_V1,
  PAGEVIEW_V2,
  unique,
} from './helpers.ts'

export function storageSuite(label: string, database: () => Promise<CatalogDatabaseOptions>): void {
  describe(`catalog storage on ${label}`, () => {
    let catalog: Catalog

    beforeAll(async () => {
      catalog = await Catalog.open({ database: await database() })
    })
    afterAll(async () => {
      await catalog?.close()
    })

    const registry = () => catalog.registry
    const locations = () => catalog.locations

    async function count(
      table: 'sr_schemas' | 'sr_versions' | 'udm_clusters' | 'udm_datasets',
    ): Promise<number> {
      const row = await catalog.database.db
        .selectFrom(table)
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
      return row.n
    }

    describe('migrations', () => {
      it('applies the known migrations once and records them', async () => {
        expect(catalog.database.appliedMigrations).toEqual(knownMigrations())
        // Running again changes nothing: migrations are versioned.
        expect(await migrateToLatest(catalog.database.db as never)).toEqual([])
      })
    })

    describe('schema registry', () => {
      it('gives a schema one global id, reused across subjects and re-registrations', async () => {
        const subject = unique('pv-value-')
        const other = unique('other-')
        const first = await registry().register(subject, { schema: PAGEVIEW_V1 })
        expect(first).toMatchObject({ version: 1, created: true })
        const again = await registry().register(subject, { schema: PAGEVIEW_V1 })
        expect(again).toMatchObject({ id: first.id, version: 1, created: false })
        // Whitespace is not part of a schema's identity.
        const spaced = JSON.stringify(JSON.parse(PAGEVIEW_V1), null, 4)
        expect((await registry().register(subject, { schema: spaced })).id).toBe(first.id)
        const elsewhere = await registry().register(other, { schema: PAGEVIEW_V1 })
        expect(elsewhere).toMatchObject({ id: first.id, version: 1, created: true })
        expect(await registry().listVersions(subject)).toEqual([1])
        expect(await registry().subjectsForId(first.id)).toEqual([subject, other].sort())
        expect(await registry().versionsForId(first.id)).toHaveLength(2)
      })

      it('checks compatibility on registration and explains refusals', async () => {
        const subject = unique('compat-')
        const v1 = await registry().register(subject, { schema: PAGEVIEW_V1 })
        const refused = await expectRegistryError(
          registry().register(subject, { schema: PAGEVIEW_BREAKING }),
          409,
          409,
        )
        expect(refused.message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE')
        expect(refused.message).toContain('session')
        expect(refused.message).toContain("compatibility: 'BACKWARD'")
        const v2 = await registry().register(subject, { schema: PAGEVIEW_V2 })
        expect(v2.version).toBe(2)
        expect(v2.id).not.toBe(v1.id)

        const check = await registry().checkCompatibility(
          subject,
          'latest',
          { schema: PAGEVIEW_BREAKING },
          { verbose: true },
        )
        expect(check.is_compatible).toBe(false)
        expect(
          check.messages?.some((message) => message.includes('READER_FIELD_MISSING_DEFAULT_VALUE')),
        ).toBe(true)
        expect(await registry().checkCompatibility(subject, undefined, { schema: PAGEVIEW_V2 })).toEqual({
          is_compatible: true,
        })
        // A subject nobody registered yet accepts anything when checked against "latest".
        expect(
          await registry().checkCompatibility(unique('new-'), 'latest', { schema: PAGEVIEW_V1 }),
        ).toEqual({ is_compatible: true })
        await expectRegistryError(
          registry().checkCompatibility(unique('new-'), 3, { schema: PAGEVIEW_V1 }),
          404,
          40401,
        )
        await expectRegistryError(
          registry().checkCompatibility(subject, 7, { schema: PAGEVIEW_V1 }),
          404,
          40402,
        )
      })

      it('applies transitive levels to the whole history and NONE to nothing', async () => {
        const subject = unique('transitive-')
        const a = avroRecord('T', [{ name: 'a', type: 'string' }])
        const ab = avroRecord('T', [
          { name: 'a', type: 'string' },
          { name: 'b', type: 'string', default: '' },
        ])
        const b = avroRecord('T', [{ name: 'b', type: 'string', default: '' }])
        await registry().register(subject, { schema: a })
        await registry().register(subject, { schema: ab })
        // FORWARD: old readers must read new data. `b` drops `a` (no default in v1): fine for v2's reader, not v1's.
        await registry().setConfig(subject, { compatibility: 'FORWARD' })
        expect((await registry().checkCompatibility(subject, undefined, { schema: b })).is_compatible).toBe(
          false,
        )
        await registry().setConfig(subject, { compatibility: 'none' })
        expect((await registry().register(subject, { schema: b })).version).toBe(3)
        await registry().setConfig(subject, { compatibility: 'FULL_TRANSITIVE' })
        expect((await registry().checkCompatibility(subject, undefined, { schema: a })).is_compatible).toBe(
          false,
        )
        expect((await registry().checkCompatibility(subject, 3, { schema: b })).is_compatible).toBe(true)
      })

      it('looks schemas up by subject, with Confluent error codes', async () => {
        const subject = unique('lookup-')
        const { id } = await registry().register(subject, { schema: PAGEVIEW_V1 })
        const found = await registry().lookup(subject, {
          schema: JSON.stringify(JSON.parse(PAGEVIEW_V1), null, 2),
        })
        expect(found).toMatchObject({ subject, id, version: 1, schemaType: 'AVRO' })
        await expectRegistryError(registry().lookup(unique('missing-'), { schema: PAGEVIEW_V1 }), 404, 40401)
        await expectRegistryError(registry().lookup(subject, { schema: PAGEVIEW_V2 }), 404, 40403)
        await expectRegistryError(registry().getSchemaById(987_654), 404, 40403)
        await expectRegistryError(registry().getVersion(subject, 9), 404, 40402)
      })

      it('matches equivalent schemas with normalize', async () => {
        const subject = unique('normalize-')
        const plain = avroRecord('N', [{ name: 'a', type: { type: 'string' } }], { doc: 'first' })
        const equivalent = avroRecord('N', [{ name: 'a', type: 'string' }], { doc: 'second wording' })
        const first = await registry().register(subject, { schema: plain }, { normalize: true })
        const second = await registry().register(subject, { schema: equivalent }, { normalize: true })
        expect(second).toMatchObject({ id: first.id, version: 1, created: false })
        await expectRegistryError(registry().lookup(subject, { schema: equivalent }), 404, 40403)
        expect((await registry().lookup(subject, { schema: equivalent }, { normalize: true })).id).toBe(
          first.id,
        )
      })

      it('rejects invalid schemas with 42201 and the position, writing nothing', async () => {
        const subject = unique('invalid-')
        const schemasBefore = await count('sr_schemas')
        const error = await expectRegistryError(
          registry().register(subject, {
            schema: '{"type": "record", "name": "X", "fields": [\n  {"name": "a" "type": "int"}]}',
          }),
          422,
          42201,
        )
        expect(error.message).toMatch(/line 2, column \d+/)
        await expectRegistryError(
          registry().register(subject, { schema: 'syntax = "proto3"; message {', schemaType: 'PROTOBUF' }),
          422,
          42201,
        )
        await expectRegistryError(registry().register(subject, { schema: '' }), 422, 42201)
        await expectRegistryError(
          registry().register(subject, { schema: PAGEVIEW_V1, schemaType: 'XML' }),
          422,
          422,
        )
        expect(await count('sr_schemas')).toBe(schemasBefore)
        await expectRegistryError(registry().listVersions(subject), 404, 40401)
      })

      it('registers Protobuf and JSON Schema, and refuses a type change under BACKWARD', async () => {
        const subject = unique('order-')
        const order = await registry().register(subject, { schema: ORDER_PROTO, schemaType: 'PROTOBUF' })
        const fetched = await registry().getVersion(subject, 'latest')
        expect(fetched).toMatchObject({ id: order.id, schemaType: 'PROTOBUF' })
        await expectRegistryError(registry().register(subject, { schema: PAGEVIEW_V1 }), 409, 409)
        const json = await registry().register(unique('json-'), {
          schemaType: 'JSON',
          schema: JSON.stringify({ type: 'object', properties: { user_id: { type: 'integer' } } }),
        })
        expect((await registry().getSchemaById(json.id)).schemaType).toBe('JSON')
        expect(registry().schemaTypes()).toEqual(['JSON', 'PROTOBUF', 'AVRO'])
      })

      it('resolves references and protects referenced versions from deletion', async () => {
        const userSubject = unique('user-')
        const user = avroRecord('User', [{ name: 'id', type: 'long' }])
        await registry().register(userSubject, { schema: user })
        const orderSubject = unique('order-')
        const withReference = avroRecord('Order', [
          { name: 'id', type: 'string' },
          { name: 'buyer', type: 'weir.test.User' },
        ])
        const order = await registry().register(orderSubject, {
          schema: withReference,
          references: [{ name: 'weir.test.User', subject: userSubject, version: 1 }],
        })
        expect((await registry().getSchemaById(order.id)).references).toEqual([
          { name: 'weir.test.User', subject: userSubject, version: 1 },
        ])
        expect(await registry().referencedBy(userSubject, 1)).toEqual([order.id])
        await expectRegistryError(registry().deleteVersion(userSubject, 1), 422, 42206)
        await expectRegistryError(
          registry().register(unique('dangling-'), {
            schema: withReference,
            references: [{ name: 'weir.test.User', subject: unique('nope-'), version: 1 }],
          }),
          422,
          42201,
        )
        // Without the reference the type name does not resolve.
        await expectRegistryError(
          registry().register(unique('unresolved-'), { schema: withReference }),
          422,
          42201,
        )
      })

      it('soft-deletes, then permanently deletes, with the error codes in between', async () => {
        const subject = unique('delete-')
        const { id } = await registry().register(subject, { schema: PAGEVIEW_V1 })
        await registry().register(subject, { schema: PAGEVIEW_V2 })
        await expectRegistryError(registry().deleteVersion(subject, 1, { permanent: true }), 404, 40407)
        expect(await registry().deleteVersion(subject, 1)).toBe(1)
        await expectRegistryError(registry().deleteVersion(subject, 1), 404, 40406)
        expect(await registry().listVersions(subject)).toEqual([2])
        expect(await registry().listVersions(subject, { deleted: true })).toEqual([1, 2])
        await expectRegistryError(registry().getVersion(subject, 1), 404, 40402)
        expect((await registry().getVersion(subject, 1, { deleted: true })).id).toBe(id)
        expect(await registry().deleteVersion(subject, 1, { permanent: true })).toBe(1)

        await expectRegistryError(registry().deleteSubject(subject, { permanent: true }), 404, 40405)
        expect(await registry().deleteSubject(subject)).toEqual([2])
        expect(await registry().listSubjects()).not.toContain(subject)
        expect(await registry().listSubjects({ deleted: true })).toContain(subject)
        await expectRegistryError(registry().deleteSubject(subject), 404, 40404)
        expect(await registry().deleteSubject(subject, { permanent: true })).toEqual([2])
        await expectRegistryError(registry().deleteSubject(subject), 404, 40401)
        // Data written with an id stays decodable: ids outlive the versions that used them.
        expect((await registry().getSchemaById(id)).schema).toBe(PAGEVIEW_V1)
        // Registering again after a soft delete continues the numbering.
        const revived = unique('revive-')
        await registry().register(revived, { schema: PAGEVIEW_V1 })
        await registry().deleteSubject(revived)
        expect((await registry().register(revived, { schema: PAGEVIEW_V1 })).version).toBe(2)
      })

      it('keeps per-subject and global compatibility levels', async () => {
        const subject = unique('config-')
        expect(await registry().getConfig(undefined)).toEqual({ compatibilityLevel: 'BACKWARD' })
        await expectRegistryError(registry().getConfig(subject), 404, 40408)
        expect(await registry().getConfig(subject, { defaultToGlobal: true })).toEqual({
          compatibilityLevel: 'BACKWARD',
        })
        expect(await registry().setConfig(subject, { compatibility: 'full' })).toEqual({
          compatibility: 'FULL',
        })
        expect(await registry().getConfig(subject)).toEqual({ compatibilityLevel: 'FULL' })
        await expectRegistryError(registry().setConfig(subject, { compatibility: 'SIDEWAYS' }), 422, 42203)
        await expectRegistryError(registry().setConfig(undefined, {}), 422, 42203)
        expect(await registry().deleteConfig(subject)).toEqual({ compatibilityLevel: 'FULL' })
        await expectRegistryError(registry().getConfig(subject), 404, 40408)
      })

      it('enforces modes: read-only refuses writes, import keeps given ids', async () => {
        const subject = unique('mode-')
        await registry().register(subject, { schema: PAGEVIEW_V1 })
        await expectRegistryError(registry().getMode(subject), 404, 40409)
        await registry().setMode(subject, { mode: 'READONLY' })
        await expectRegistryError(registry().register(subject, { schema: PAGEVIEW_V2 }), 422, 42205)
        await expectRegistryError(registry().deleteSubject(subject), 422, 42205)
        await expectRegistryError(registry().setMode(subject, { mode: 'SLEEPING' }), 422, 42204)
        expect(await registry().deleteMode(subject)).toEqual({ mode: 'READONLY' })
        expect((await registry().register(subject, { schema: PAGEVIEW_V2 })).version).toBe(2)

        const imported = unique('import-')
        await expectRegistryError(
          registry().register(imported, { schema: PAGEVIEW_V1, id: 4242, version: 7 }),
          422,
          42205,
        )
        await expectRegistryError(registry().setMode(subject, { mode: 'IMPORT' }), 422, 42205)
        await registry().setMode(imported, { mode: 'IMPORT' })
        const schema = avroRecord('Imported', [{ name: 'x', type: 'int' }])
        expect(await registry().register(imported, { schema, id: 4242, version: 7 })).toMatchObject({
          id: 4242,
          version: 7,
        })
        await expectRegistryError(
          registry().register(imported, {
            schema: avroRecord('Other', [{ name: 'y', type: 'int' }]),
            id: 4242,
            version: 8,
          }),
          422,
          42207,
        )
        await registry().deleteMode(imported)
        // The sequence moved past the imported id: new schemas never collide with it.
        expect(
          (
            await registry().register(unique('after-import-'), {
              schema: avroRecord('After', [{ name: 'z', type: 'int' }]),
            })
          ).id,
        ).toBeGreaterThan(4242)
      })

      it('lists schemas with filters and the id cache serves the same body as the database', async () => {
        const prefix = unique('listing-')
        await registry().register(`${prefix}.a`, { schema: PAGEVIEW_V1 })
        await registry().register(`${prefix}.a`, { schema: PAGEVIEW_V2 })
        await registry().register(`${prefix}.b`, { schema: ORDER_PROTO, schemaType: 'PROTOBUF' })
        const all = await registry().listSchemas({ subjectPrefix: prefix })
        expect(all.map((version) => [version.subject, version.version])).toEqual([
          [`${prefix}.a`, 1],
          [`${prefix}.a`, 2],
          [`${prefix}.b`, 1],
        ])
        expect(
          (await registry().listSchemas({ subjectPrefix: prefix, latestOnly: true })).map((v) => v.version),
        ).toEqual([2, 1])
        expect(await registry().listSubjects({ prefix })).toEqual([`${prefix}.a`, `${prefix}.b`])
        const id = all[2]!.id
        const body = JSON.parse(await registry().getSchemaByIdBody(id))
        // Protobuf is stored in canonical form (comments and layout dropped), as Confluent re-renders it.
        expect(body).toEqual({ schemaType: 'PROTOBUF', schema: expect.stringContaining('message Order {') })
        expect(body.schema).toContain('int64 gmv_cents = 3;')
        expect(JSON.parse(await registry().getSchemaByIdBody(id))).toEqual(body)
      })

      it('never creates duplicate versions under concurrent registration', async () => {
        const subject = unique('race-')
        await registry().setConfig(subject, { compatibility: 'NONE' })
        const schemas = Array.from({ length: 16 }, (_, index) =>
          avroRecord(`Race${index}`, [{ name: 'n', type: 'int' }]),
        )
        const results = await Promise.all(schemas.map((schema) => registry().register(subject, { schema })))
        expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual(
          schemas.map((_, index) => index + 1),
        )
        expect(new Set(results.map((result) => result.id)).size).toBe(16)

        const same = unique('same-')
        const sameResults = await Promise.all(
          Array.from({ length: 10 }, () => registry().register(same, { schema: PAGEVIEW_V1 })),
        )
        expect(new Set(sameResults.map((result) => `${result.id}/${result.version}`))).toEqual(
          new Set([`${sameResults[0]!.id}/1`]),
        )
        expect(await registry().listVersions(same)).toEqual([1])
      })
    })

    describe('location manager', () => {
      it('registers clusters, keeping secrets as references only', async () => {
        const name = unique('kafka-')
        const { cluster, change } = await locations().putCluster(
          {
            name,
            system: 'kafka',
            properties: { 'bootstrap.servers': 'localhost:9092', 'sasl.password': 'env:KAFKA_PASSWORD' },
          },
          'create',
        )
        expect(change).toBe('created')
        expect(cluster.properties).toEqual({
          'bootstrap.servers': 'localhost:9092',
          'sasl.password': 'env:KAFKA_PASSWORD',
        })
        await expectCatalogError(
          locations().putCluster(
            { name, system: 'kafka', properties: { 'bootstrap.servers': 'x:1' } },
            'create',
          ),
          409,
          'already_exists',
        )
        const plain = await expectCatalogError(
          locations().putCluster(
            {
              name: unique('leaky-'),
              system: 'mysql',
              properties: { url: 'jdbc:mysql://db/shop', password: 'hunter2' },
            },
            'create',
          ),
          400,
          'invalid_field',
          'properties.password',
        )
        expect(plain.message).toContain('env:PASSWORD')
        await expectCatalogError(
          locations().putCluster(
            { name: unique('url-'), system: 'redis', properties: { url: 'redis://:hunter2@cache:6379' } },
            'create',
          ),
          400,
          'invalid_field',
          'properties.url',
        )
        await expectCatalogError(
          locations().putCluster({ name: unique('noaddr-'), system: 'kafka', properties: {} }, 'create'),
          400,
          'invalid_field',
          'properties',
        )
        expect(
          (
            await locations().putCluster(
              {
                name,
                system: 'kafka',
                properties: { 'sasl.password': 'env:KAFKA_PASSWORD', 'bootstrap.servers': 'localhost:9092' },
              },
              'upsert',
            )
          ).change,
        ).toBe('unchanged')
        expect(
          (
            await locations().putCluster(
              { name, system: 'kafka', properties: { 'bootstrap.servers': 'b:9092' } },
              'upsert',
            )
          ).change,
        ).toBe('updated')
        expect((await locations().listClusters()).map((entry) => entry.name)).toContain(name)
      })

      it('creates datasets, validating names, clusters and location fields', async () => {
        const kafka = unique('kafka-')
        await locations().putCluster(
          { name: kafka, system: 'kafka', properties: { 'bootstrap.servers': 'k:9092' } },
          'create',
        )
        const name = `${unique('ns')}.pageview`
        const definition = {
          name,
          kind: 'stream',
          tags: ['clickstream'],
          value: { format: 'avro' },
          eventTime: { column: 'ts', watermarkDelay: '5s' },
          locations: { prod: [{ cluster: kafka, topic: 'pv_events' }] },
        }
        const { dataset } = await locations().putDataset(definition, 'create')
        expect(dataset).toMatchObject({
          name,
          kind: 'stream',
          value: { format: 'avro', subject: `${name}-value` },
          key: null,
          eventTime: { column: 'ts', watermarkDelay: '5s', watermarkDelayMs: 5000 },
          locations: { prod: [{ cluster: kafka, system: 'kafka', topic: 'pv_events' }] },
        })
        await expectCatalogError(
          locations().putDataset({ ...definition, name: 'PageView' }, 'create'),
          400,
          'invalid_field',
          'name',
        )
        await expectCatalogError(locations().putDataset(definition, 'create'), 409, 'already_exists')
        await expectCatalogError(
          locations().putDataset(
            {
              ...definition,
              name: `${unique('ns')}.x`,
              locations: { prod: [{ cluster: unique('ghost-'), topic: 't' }] },
            },
            'create',
          ),
          404,
          'unknown_cluster',
          'locations.prod[0].cluster',
        )
        const typo = await expectCatalogError(
          locations().putDataset(
            {
              ...definition,
              name: `${unique('ns')}.x`,
              locations: { prod: [{ cluster: kafka, topik: 't' }] },
            },
            'create',
          ),
          400,
          'invalid_field',
          'locations.prod[0].topik',
        )
        expect(typo.message).toContain("did you mean 'topic'")
        await expectCatalogError(
          locations().putDataset({ ...definition, name: `${unique('ns')}.x`, kind: 'kv' }, 'create'),
          400,
          'invalid_field',
          'primaryKey',
        )
      })

      it('replaces a dataset atomically: a failed update leaves the old one intact', async () => {
        const kafka = unique('kafka-')
        const redis = unique('redis-')
        await locations().putCluster(
          { name: kafka, system: 'kafka', properties: { 'bootstrap.servers': 'k:9092' } },
          'create',
        )
        await locations().putCluster(
          { name: redis, system: 'redis', properties: { url: 'redis://r:6379' } },
          'create',
        )
        const name = `${unique('dim')}.user`
        const original = {
          name,
          kind: 'table',
          value: 'json',
          primaryKey: ['user_id'],
          locations: { prod: [{ cluster: redis, keyPattern: 'dim:user:{user_id}', dataType: 'hash' }] },
        }
        await locations().putDataset(original, 'create')
        await expectCatalogError(
          locations().putDataset(
            {
              ...original,
              locations: {
                prod: [
                  { cluster: redis, keyPattern: 'k', dataType: 'hash' },
                  { cluster: kafka, path: '/x' },
                ],
              },
            },
            'upsert',
          ),
          400,
          'invalid_field',
          'locations.prod[1].path',
        )
        expect((await locations().getDataset(name)).locations).toEqual({
          prod: [{ cluster: redis, system: 'redis', keyPattern: 'dim:user:{user_id}', dataType: 'hash' }],
        })
        expect((await locations().putDataset(original, 'upsert')).change).toBe('unchanged')
        const moved = await locations().putDataset(
          { ...original, locations: { ...original.locations, staging: { cluster: kafka, topic: 'users' } } },
          'upsert',
        )
        expect(moved.change).toBe('updated')
        expect(Object.keys(moved.dataset.locations).sort()).toEqual(['prod', 'staging'])
        await expectCatalogError(locations().deleteCluster(kafka), 409, 'in_use')
        await locations().deleteDataset(name)
        await expectCatalogError(locations().getDataset(name), 404, 'not_found')
        await locations().deleteCluster(kafka)
      })

      it('resolves logical names to locations, with secrets only for allowed callers', async () => {
        const kafka = unique('kafka-')
        const secretFile = join(mkdtempSync(join(tmpdir(), 'weir-secret-')), 'password')
        writeFileSync(secretFile, 's3cret-from-file\n')
        await locations().putCluster(
          {
            name: kafka,
            system: 'kafka',
            properties: {
              'bootstrap.servers': 'k:9092',
              'sasl.password': `env:${kafka.replace(/-/g, '_').toUpperCase()}_PASSWORD`,
              'ssl.truststore.password': `file:${secretFile}`,
            },
          },
          'create',
        )
        const name = `${unique('traffic')}.pageview`
        await locations().putDataset(
          {
            name,
            kind: 'stream',
            value: { format: 'avro', subject: `${name}-value` },
            locations: {
              prod: [{ cluster: kafka, topic: 'pv_events' }],
              staging: [{ cluster: kafka, topic: 'pv_staging' }],
            },
          },
          'create',
        )
        await catalog.registry.register(`${name}-value`, { schema: PAGEVIEW_V1 })
        const resolved = await locations().resolve(name)
        expect(resolved).toMatchObject({
          dataset: name,
          environment: 'prod',
          value: { format: 'avro', subject: `${name}-value`, schema: { version: 1, schemaType: 'AVRO' } },
          locations: [{ system: 'kafka', topic: 'pv_events', cluster: { name: kafka } }],
          secretsResolved: false,
        })
        expect(resolved.locations[0]!.cluster.properties['sasl.password']).toMatch(/^env:/)
        expect((await locations().resolve(name, { environment: 'staging' })).locations[0]!.topic).toBe(
          'pv_staging',
        )
        await expectCatalogError(
          locations().resolve(name, { environment: 'dev' }),
          404,
          'no_location',
          'environment',
        )
        await expectCatalogError(
          locations().resolve(name, { includeSecrets: true }),
          403,
          'secrets_forbidden',
        )

        const envName = `${kafka.replace(/-/g, '_').toUpperCase()}_PASSWORD`
        const trusted = new LocationService(catalog.database.db, {
          secretAccess: ALLOW_SECRETS,
          env: { [envName]: 's3cret' },
          secretFiles: secretFilesWithin(dirname(secretFile)),
        })
        const withSecrets = await trusted.resolve(name, { includeSecrets: true })
        expect(withSecrets.secretsResolved).toBe(true)
        expect(withSecrets.locations[0]!.cluster.properties).toMatchObject({
          'sasl.password': 's3cret',
          'ssl.truststore.password': 's3cret-from-file',
        })
        const missingEnv = new LocationService(catalog.database.db, { secretAccess: ALLOW_SECRETS, env: {} })
        const unavailable = await expectCatalogError(
          missingEnv.resolve(name, { includeSecrets: true }),
          422,
          'secret_unavailable',
        )
        expect(unavailable.message).toContain(envName)
      })

      it('searches datasets by name, tag, namespace and schema field', async () => {
        const kafka = unique('kafka-')
        await locations().putCluster(
          { name: kafka, system: 'kafka', properties: { 'bootstrap.servers': 'k:9092' } },
          'create',
        )
        const namespace = unique('search')
        const withSchema = `${namespace}.orders`
        await locations().putDataset(
          {
            name: withSchema,
            kind: 'stream',
            description: 'Orders placed 100% online',
            tags: ['orders', 'gmv'],
            value: 'protobuf',
            locations: { prod: { cluster: kafka, topic: 'orders' } },
          },
          'create',
        )
        await locations().putDataset(
          {
            name: `${namespace}.clicks`,
            kind: 'stream',
            tags: ['clickstream'],
            value: 'json',
            primaryKey: ['click_id'],
            locations: { prod: { cluster: kafka, topic: 'clicks' } },
          },
          'create',
        )
        await catalog.registry.register(`${withSchema}-value`, {
          schema: ORDER_PROTO,
          schemaType: 'PROTOBUF',
        })
        const names = async (filter: Parameters<LocationService['listDatasets']>[0]) =>
          (await locations().listDatasets({ namespace, ...filter })).map((summary) => summary.name)
        expect(await names({})).toEqual([`${namespace}.clicks`, withSchema])
        expect(await names({ query: 'ORDER' })).toEqual([withSchema])
        expect(await names({ query: '100%' })).toEqual([withSchema])
        expect(await names({ query: '%' })).toEqual([withSchema])
        expect(await names({ tag: 'clickstream' })).toEqual([`${namespace}.clicks`])
        expect(await names({ field: 'gmv_cents' })).toEqual([withSchema])
        expect(await names({ field: 'CLICK_ID' })).toEqual([`${namespace}.clicks`])
        expect(await names({ field: 'nothing_like_it' })).toEqual([])
        expect(await names({ kind: 'table' })).toEqual([])
      })
    })

    describe('catalog documents', () => {
      it('applies the example catalog, then reports it unchanged', async () => {
        const document = exampleCatalog()
        const dry = await catalog.apply(document, { dryRun: true })
        expect(dry.dryRun).toBe(true)
        expect(dry.datasets.every((entry) => entry.change === 'created')).toBe(true)
        await expectCatalogError(locations().getDataset('traffic.pageview'), 404, 'not_found')

        const report = await catalog.apply(document)
        expect(report.schemas.map((entry) => entry.change)).toEqual(document.schemas.map(() => 'created'))
        expect(report.clusters).toHaveLength(document.clusters.length)
        expect(report.datasets.map((entry) => entry.name)).toContain('traffic.pageview')
        const again = await catalog.apply(document)
        expect(
          [...again.clusters, ...again.datasets, ...again.schemas].every(
            (entry) => entry.change === 'unchanged',
          ),
        ).toBe(true)

        const resolved = await locations().resolve('traffic.pageview')
        expect(resolved.locations).toEqual([
          expect.objectContaining({
            system: 'kafka',
            topic: 'pv_events',
            cluster: expect.objectContaining({ name: 'kafka-main' }),
          }),
        ])
        expect(resolved.value.schema).toMatchObject({ subject: 'traffic.pageview-value', schemaType: 'AVRO' })
        const landing = await locations().getDataset('landing.pageview')
        expect(landing.locations.prod).toEqual([
          {
            cluster: 'hdfs-main',
            system: 'hdfs',
            path: '/warehouse/landing/pageview',
            format: 'orc',
            partitionColumns: ['dt', 'hh'],
            bucketing: { columns: ['user_id'], buckets: 16 },
          },
          {
            cluster: 'hive-main',
            system: 'hive',
            database: 'landing',
            table: 'pageview',
            partitionColumns: ['dt', 'hh'],
          },
        ])
        const byField = await locations().listDatasets({ field: 'user_id' })
        expect(byField.map((entry) => entry.name)).toEqual(
          expect.arrayContaining(['traffic.pageview', 'trade.order', 'dim.user', 'landing.pageview']),
        )
      })

      it('applies nothing when any part of a document fails', async () => {
        const clusterName = unique('half-')
        const subject = unique('half-value-')
        const schemasBefore = await count('sr_schemas')
        const clustersBefore = await count('udm_clusters')
        const failure = await expectCatalogError(
          catalog.apply({
            schemas: [
              {
                subject,
                body: { schema: avroRecord('Half', [{ name: 'a', type: 'int' }]) },
                normalize: false,
              },
            ],
            clusters: [{ name: clusterName, system: 'kafka', properties: { 'bootstrap.servers': 'k:9092' } }],
            datasets: [
              {
                name: `${unique('ok')}.fine`,
                kind: 'stream',
                value: 'json',
                locations: { prod: { cluster: clusterName, topic: 't' } },
              },
              {
                name: `${unique('bad')}.dataset`,
                kind: 'stream',
                value: 'json',
                locations: { prod: { cluster: unique('ghost-'), topic: 't' } },
              },
            ],
          }),
          404,
          'unknown_cluster',
          'datasets[1].locations.prod[0].cluster',
        )
        expect(failure.message).toContain('does not exist')
        expect(await count('udm_clusters')).toBe(clustersBefore)
        expect(await count('sr_schemas')).toBe(schemasBefore)
        await expectRegistryError(registry().listVersions(subject), 404, 40401)

        await expectCatalogError(
          catalog.apply({
            schemas: [{ subject, body: { schema: '{"type":' }, normalize: false }],
            clusters: [],
            datasets: [],
          }),
          422,
          'schema_rejected',
          'schemas[0]',
        )
      })
    })
  })
}
