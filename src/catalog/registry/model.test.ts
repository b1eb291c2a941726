import { describe, expect, it } from 'vitest'
import { BoundedCache } from './cache.ts'
import { RegistryError } from './errors.ts'
import { readSchemaRequest, readSubject, readVersion, subjectVersionBody } from './model.ts'

function codeOf(action: () => unknown): number | undefined {
  try {
    action()
  } catch (error) {
    return error instanceof RegistryError ? error.errorCode : undefined
  }
  return undefined
}

describe('registry request readers', () => {
  it('reads versions as Confluent does', () => {
    expect(readVersion('latest')).toBe('latest')
    expect(readVersion('-1')).toBe('latest')
    expect(readVersion('12')).toBe(12)
    expect(codeOf(() => readVersion('0'))).toBe(42202)
    expect(codeOf(() => readVersion('2147483648'))).toBe(42202)
    expect(codeOf(() => readVersion('1.5'))).toBe(42202)
  })

  it('reads schema requests and rejects malformed ones', () => {
    expect(readSchemaRequest({ schema: '"string"' })).toEqual({
      schema: '"string"',
      schemaType: 'AVRO',
      references: [],
    })
    expect(
      readSchemaRequest({
        schema: 'x',
        schemaType: 'protobuf',
        references: [{ name: 'a', subject: 's', version: -1 }],
      }),
    ).toMatchObject({
      schemaType: 'PROTOBUF',
      references: [{ name: 'a', subject: 's', version: -1 }],
    })
    expect(codeOf(() => readSchemaRequest({}))).toBe(42201)
    expect(codeOf(() => readSchemaRequest({ schema: 'x', schemaType: 'THRIFT' }))).toBe(422)
    expect(
      codeOf(() => readSchemaRequest({ schema: 'x', references: [{ name: 'a', subject: 's', version: 0 }] })),
    ).toBe(422)
    expect(codeOf(() => readSubject('bad\u0001subject'))).toBe(42208)
  })

  it('omits AVRO and empty references from bodies, as Confluent does', () => {
    const base = {
      subject: 's',
      version: 1,
      id: 3,
      guid: 'g',
      schema: '"int"',
      references: [],
      deleted: false,
    }
    expect(subjectVersionBody({ ...base, schemaType: 'AVRO' })).toEqual({
      subject: 's',
      version: 1,
      id: 3,
      schema: '"int"',
    })
    expect(subjectVersionBody({ ...base, schemaType: 'JSON' })).toHaveProperty('schemaType', 'JSON')
  })
})

describe('bounded cache', () => {
  it('evicts the least recently used entry and expires entries', async () => {
    const cache = new BoundedCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.get('a')
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    const expiring = new BoundedCache<string, number>(10, 1)
    expiring.set('x', 1)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(expiring.get('x')).toBeUndefined()
  })
})
