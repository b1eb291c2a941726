import { describe, expect, it } from 'vitest'
import { checkAgainstHistory, isCompatibilityLevel, providerFor } from './compatibility.ts'
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type ParsedSchema } from './types.ts'

const noReferences = new Map<string, string>()

function avro(...fields: unknown[]): ParsedSchema {
  return providerFor('AVRO').parse(JSON.stringify({ type: 'record', name: 'User', fields }), noReferences)
}

const ID = { name: 'id', type: 'long' }
const EMAIL = { name: 'email', type: 'string' }
const EMAIL_WITH_DEFAULT = { name: 'email', type: 'string', default: '' }

function verdicts(candidate: ParsedSchema, history: ParsedSchema[]): Record<CompatibilityLevel, boolean> {
  return Object.fromEntries(
    COMPATIBILITY_LEVELS.map((level) => [level, checkAgainstHistory(level, candidate, history).compatible]),
  ) as Record<CompatibilityLevel, boolean>
}

describe('checkAgainstHistory', () => {
  it.each([
    [
      'adding a field with a default',
      avro(ID, EMAIL_WITH_DEFAULT),
      [avro(ID)],
      { backward: true, forward: true },
    ],
    ['adding a field without a default', avro(ID, EMAIL), [avro(ID)], { backward: false, forward: true }],
    ['removing a field without a default', avro(ID), [avro(ID, EMAIL)], { backward: true, forward: false }],
    [
      'removing a field with a default',
      avro(ID),
      [avro(ID, EMAIL_WITH_DEFAULT)],
      { backward: true, forward: true },
    ],
  ])('%s', (_name, candidate, history, { backward, forward }) => {
    expect(verdicts(candidate, history)).toEqual({
      NONE: true,
      BACKWARD: backward,
      BACKWARD_TRANSITIVE: backward,
      FORWARD: forward,
      FORWARD_TRANSITIVE: forward,
      FULL: backward && forward,
      FULL_TRANSITIVE: backward && forward,
    })
  })

  it('BACKWARD checks the latest version only; BACKWARD_TRANSITIVE checks them all', () => {
    const v1 = avro(ID, { name: 'score', type: 'int' })
    const v2 = avro(ID)
    const v3 = avro(ID, { name: 'score', type: 'string', default: '' })
    expect(checkAgainstHistory('BACKWARD', v3, [v1, v2])).toEqual({
      compatible: true,
      messages: [],
      incompatibleWith: [],
    })
    const transitive = checkAgainstHistory('BACKWARD_TRANSITIVE', v3, [v1, v2])
    expect(transitive.compatible).toBe(false)
    expect(transitive.incompatibleWith).toEqual([0])
    expect(JSON.parse(transitive.messages[0] ?? '{}')).toMatchObject({
      type: 'TYPE_MISMATCH',
      location: '/fields/1/type',
      description:
        "The type (path '/fields/1/type') of a field in the new schema does not match with the old schema",
    })
  })

  it('FORWARD checks the latest version only; FORWARD_TRANSITIVE checks them all', () => {
    const v1 = avro(ID, { name: 'score', type: 'int' })
    const v2 = avro(ID, { name: 'score', type: 'int', default: 0 })
    const v3 = avro(ID)
    expect(checkAgainstHistory('FORWARD', v3, [v1, v2]).compatible).toBe(true)
    const transitive = checkAgainstHistory('FORWARD_TRANSITIVE', v3, [v1, v2])
    expect(transitive.incompatibleWith).toEqual([0])
    expect(JSON.parse(transitive.messages[0] ?? '{}').description).toBe(
      "The field 'score' at path '/fields/1' in the old schema has no default value and is missing in the new schema",
    )
    expect(checkAgainstHistory('FULL', v3, [v1, v2]).compatible).toBe(true)
    expect(checkAgainstHistory('FULL_TRANSITIVE', v3, [v1, v2]).compatible).toBe(false)
  })

  it('lists every incompatible version, newest first', () => {
    const result = checkAgainstHistory('BACKWARD_TRANSITIVE', avro(ID, EMAIL), [avro(ID), avro(ID)])
    expect(result.incompatibleWith).toEqual([1, 0])
    expect(result.messages).toHaveLength(2)
  })

  it('accepts anything under NONE and anything as a first version', () => {
    const protobuf = providerFor('PROTOBUF').parse(
      'syntax = "proto3";\nmessage M { int32 a = 1; }',
      noReferences,
    )
    expect(checkAgainstHistory('NONE', protobuf, [avro(ID)]).compatible).toBe(true)
    expect(checkAgainstHistory('FULL_TRANSITIVE', avro(ID, EMAIL), []).compatible).toBe(true)
  })

  it('reports a change of schema type', () => {
    const protobuf = providerFor('PROTOBUF').parse(
      'syntax = "proto3";\nmessage M { int32 a = 1; }',
      noReferences,
    )
    const result = checkAgainstHistory('BACKWARD', protobuf, [avro(ID)])
    expect(result.compatible).toBe(false)
    expect(JSON.parse(result.messages[0] ?? '{}')).toMatchObject({
      type: 'SCHEMA_TYPE_MISMATCH',
      message: 'AVRO -> PROTOBUF',
    })
  })

  it('works the same way for Protobuf and JSON Schema', () => {
    const proto = (body: string) => providerFor('PROTOBUF').parse(`syntax = "proto3";\n${body}`, noReferences)
    expect(
      checkAgainstHistory('FULL', proto('message M { int64 a = 1; }'), [proto('message M { int32 a = 1; }')])
        .compatible,
    ).toBe(true)
    expect(
      checkAgainstHistory('BACKWARD', proto('message M { string a = 1; }'), [
        proto('message M { int32 a = 1; }'),
      ]).compatible,
    ).toBe(false)
    const schema = (type: string) => providerFor('JSON').parse(JSON.stringify({ type }), noReferences)
    expect(verdicts(schema('number'), [schema('integer')])).toMatchObject({
      BACKWARD: true,
      FORWARD: false,
      FULL: false,
    })
  })
})

describe('providers and levels', () => {
  it('parses each schema type through one interface', () => {
    expect(providerFor('AVRO').parse('"string"', noReferences).canonical).toBe('"string"')
    expect(providerFor('JSON').parse('{"type": "string"}', noReferences).canonical).toBe('{"type":"string"}')
    expect(providerFor('PROTOBUF').parse('syntax = "proto3"; message M {}', noReferences).canonical).toBe(
      'syntax = "proto3";\n\nmessage M {\n}\n',
    )
  })

  it('recognizes exactly the Confluent compatibility levels', () => {
    for (const level of COMPATIBILITY_LEVELS) expect(isCompatibilityLevel(level)).toBe(true)
    for (const other of ['backward', 'FULLY', '', null, 3]) expect(isCompatibilityLevel(other)).toBe(false)
  })
})
