import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseClusterDefinition, parseDatasetDefinition } from './definitions.ts'
import { formatDuration, parseDuration } from './durations.ts'
import { CatalogError } from './errors.ts'
import { readLocationSpec } from './location-specs.ts'
import { ANY_SECRET_FILE, checkNoPlainSecrets, isSecretReference, resolveSecretReference } from './secrets.ts'

function failure(action: () => unknown): CatalogError {
  try {
    action()
  } catch (error) {
    if (error instanceof CatalogError) return error
    throw error
  }
  throw new Error('expected a CatalogError')
}

const minimal = {
  name: 'traffic.pageview',
  kind: 'stream',
  value: 'avro',
  locations: { prod: { cluster: 'kafka-main', topic: 'pv' } },
}

describe('dataset definitions', () => {
  it('fills defaults: subjects by logical name, single locations as lists', () => {
    const dataset = parseDatasetDefinition({ ...minimal, key: 'raw', tags: ['a', 'a', 'b'] })
    expect(dataset.value).toEqual({ format: 'avro', subject: 'traffic.pageview-value' })
    expect(dataset.key).toEqual({ format: 'raw' })
    expect(dataset.tags).toEqual(['a', 'b'])
    expect(dataset.locations.prod).toEqual([
      { cluster: 'kafka-main', spec: { cluster: 'kafka-main', topic: 'pv' } },
    ])
  })

  it.each([
    [{ ...minimal, name: 'pageview' }, 'name'],
    [{ ...minimal, name: 'Traffic.PageView' }, 'name'],
    [{ ...minimal, name: 'traffic.page-view' }, 'name'],
    [{ ...minimal, kind: 'lake' }, 'kind'],
    [{ ...minimal, value: { format: 'xml' } }, 'value.format'],
    [{ ...minimal, value: { format: 'raw', subject: 'x' } }, 'value.subject'],
    [{ ...minimal, locations: {} }, 'locations'],
    [{ ...minimal, locations: { Prod: { cluster: 'kafka-main' } } }, 'locations.Prod'],
    [{ ...minimal, locations: { prod: [{ topic: 'pv' }] } }, 'locations.prod[0].cluster'],
    [{ ...minimal, eventTime: { column: 'ts', watermarkDelay: 'soon' } }, 'eventTime.watermarkDelay'],
    [{ ...minimal, eventTime: { column: 'ts', watermarkDelay: 6.48e256 } }, 'eventTime.watermarkDelay'],
    [{ ...minimal, eventTime: { column: 'ts', watermarkDelay: '25d' } }, 'eventTime.watermarkDelay'],
    [{ ...minimal, owner: 42 }, 'owner'],
    [{ ...minimal, colour: 'blue' }, 'colour'],
  ])('rejects %j naming the field %s', (input, field) => {
    const error = failure(() => parseDatasetDefinition(input))
    expect(error.status).toBe(400)
    expect(error.field).toBe(field)
    expect(error.message.startsWith(`${field}:`)).toBe(true)
  })

  it('validates location fields per system', () => {
    expect(readLocationSpec('hive', { cluster: 'h', table: 'landing.events' }, 'loc')).toEqual({
      database: 'landing',
      table: 'events',
    })
    expect(readLocationSpec('postgres', { cluster: 'p', table: 'users' }, 'loc')).toEqual({
      schema: 'public',
      table: 'users',
    })
    expect(failure(() => readLocationSpec('mysql', { table: 'users' }, 'loc')).field).toBe('loc.database')
    expect(failure(() => readLocationSpec('redis', { keyPattern: 'k', dataType: 'tree' }, 'loc')).field).toBe(
      'loc.dataType',
    )
    expect(failure(() => readLocationSpec('hdfs', { path: 'relative/dir' }, 'loc')).field).toBe('loc.path')
    expect(
      failure(() => readLocationSpec('hdfs', { path: '/x', bucketing: { columns: ['id'] } }, 'loc')).field,
    ).toBe('loc.bucketing.buckets')
    expect(failure(() => readLocationSpec('kafka', { topic: 'has space' }, 'loc')).field).toBe('loc.topic')
  })
})

describe('cluster definitions and secrets', () => {
  it('keeps references and refuses plain secrets', () => {
    const cluster = parseClusterDefinition({
      name: 'kafka-main',
      system: 'KAFKA',
      properties: { 'bootstrap.servers': 'k:9092', 'sasl.jaas.config': 'file:/run/secrets/jaas' },
    })
    expect(cluster.system).toBe('kafka')
    expect(failure(() => checkNoPlainSecrets({ api_key: 'abc' }, 'properties')).field).toBe(
      'properties.api_key',
    )
    expect(
      failure(() => checkNoPlainSecrets({ token: 'env:lower-case-dash' }, 'properties')).message,
    ).toContain('not a valid secret reference')
    expect(
      failure(() =>
        parseClusterDefinition({ name: 'r', system: 'redis', properties: { host: 'r', port: {} } }),
      ).field,
    ).toBe('properties.port')
  })

  it('resolves env and file references with actionable failures', () => {
    expect(isSecretReference('env:X')).toBe(true)
    expect(isSecretReference('file:relative')).toBe(false)
    expect(resolveSecretReference('env:X', 'ctx', { X: 'v' })).toBe('v')
    expect(failure(() => resolveSecretReference('env:MISSING', 'ctx', {})).status).toBe(422)
    expect(
      failure(() => resolveSecretReference('file:/nonexistent/secret', 'ctx', {}, ANY_SECRET_FILE)).message,
    ).toContain('ENOENT')
  })
})

describe('durations', () => {
  it('parses Flink-style durations', () => {
    expect(parseDuration('5s')).toBe(5000)
    expect(parseDuration('2min')).toBe(120_000)
    expect(parseDuration('500 ms')).toBe(500)
    expect(parseDuration(250)).toBe(250)
    expect(parseDuration('5 parsecs')).toBeUndefined()
    expect(parseDuration(-1)).toBeUndefined()
  })

  it('formats any duration back to the same milliseconds', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10 * 86_400_000 }),
        (millis) => parseDuration(formatDuration(millis)) === millis,
      ),
    )
  })
})
