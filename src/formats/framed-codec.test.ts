import { describe, expect, it } from 'vitest'
import { CodecRegistry } from './codec-registry.ts'
import { DecodeError } from './errors.ts'
import { FramedCodec } from './framed-codec.ts'
import { formatErrorOf, MemorySchemaSource, rejectionOf } from './testing.ts'
import { encodeFrame } from './wire/confluent.ts'

const userV1 = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'crm',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
})
const userV2 = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'crm',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'tier', type: { type: 'enum', name: 'Tier', symbols: ['FREE', 'PRO'] }, default: 'FREE' },
  ],
})
const events = `syntax = "proto3";
package app;
message Envelope { string source = 1; }
message Event {
  message Click { string target = 1; int64 at = 2; }
  string id = 1;
}`
const eventsV2 = `syntax = "proto3";
package app;
message Envelope { string source = 1; }
message Event {
  message Click { string target = 1; int64 at = 2; bool double_click = 3; }
  string id = 1;
}`
const clickJson = JSON.stringify({
  type: 'object',
  required: ['target'],
  properties: { target: { type: 'string' } },
})

function setup(): { source: MemorySchemaSource; registry: CodecRegistry } {
  const source = new MemorySchemaSource()
    .register(1, { schema: userV1 })
    .register(2, { schema: userV2 })
    .register(3, { schemaType: 'PROTOBUF', schema: events })
    .register(4, { schemaType: 'PROTOBUF', schema: eventsV2 })
    .register(5, { schemaType: 'JSON', schema: clickJson })
  return { source, registry: new CodecRegistry(source) }
}

describe('FramedCodec', () => {
  it('frames Avro with the dataset schema id and decodes it back', async () => {
    const { registry } = setup()
    const users = await FramedCodec.create(registry, { schemaId: 2 })
    const user = { id: 1, name: 'Ada', tier: 'PRO' }
    const bytes = users.encode(user)
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, 2]))
    expect(users.decode(bytes)).toEqual(user)
  })

  it('reads records written with v1 (id 1) as the dataset schema v2 (id 2), defaults filled in', async () => {
    const { registry } = setup()
    const writerV1 = await FramedCodec.create(registry, { schemaId: 1 })
    const readerV2 = await FramedCodec.create(registry, { schemaId: 2 })
    expect(await readerV2.decodeAsync(writerV1.encode({ id: 7, name: 'Grace' }))).toEqual({
      id: 7,
      name: 'Grace',
      tier: 'FREE',
    })
  })

  it('loads each unseen writer schema once per batch, then decodes synchronously', async () => {
    const { source, registry } = setup()
    const readerV2 = await FramedCodec.create(registry, { schemaId: 2 })
    const writerV1 = await FramedCodec.create(registry, { schemaId: 1 })
    const batch = [writerV1.encode({ id: 1, name: 'a' }), readerV2.encode({ id: 2, name: 'b', tier: 'PRO' })]
    source.idCalls.length = 0
    await readerV2.prepare([...batch, ...batch])
    expect(batch.map((record) => readerV2.decode(record))).toMatchObject([{ tier: 'FREE' }, { tier: 'PRO' }])
    expect(source.idCalls).toEqual([])
  })

  it('refuses to decode a writer schema nobody loaded, rather than block', async () => {
    const { registry } = setup()
    const readerV2 = await FramedCodec.create(registry, { schemaId: 2 })
    expect(() => readerV2.decode(encodeFrame(1, Buffer.from([2, 2, 0x61])))).toThrow(/prepare\(\)/)
  })

  it('frames Protobuf with the message indexes of a nested message and reads later versions by name', async () => {
    const { registry } = setup()
    const clicksV1 = await FramedCodec.create(registry, { schemaId: 3, messageName: 'app.Event.Click' })
    const clicksV2 = await FramedCodec.create(registry, { schemaId: 4, messageName: 'app.Event.Click' })
    const bytes = clicksV1.encode({ target: 'buy', at: 1_700_000_000_000 })
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0, 0, 0, 0, 3, 0x04, 0x02, 0x00]))
    expect(clicksV1.decode(bytes)).toEqual({ target: 'buy', at: 1_700_000_000_000 })
    expect(await clicksV2.decodeAsync(bytes)).toEqual({
      target: 'buy',
      at: 1_700_000_000_000,
      double_click: false,
    })
  })

  it('encodes the first Protobuf message with the 0x00 shortcut by default', async () => {
    const { registry } = setup()
    const envelopes = await FramedCodec.create(registry, { schemaId: 3 })
    const bytes = envelopes.encode({ source: 'web' })
    expect(bytes[5]).toBe(0x00)
    expect(envelopes.decode(bytes)).toEqual({ source: 'web' })
  })

  it('validates framed JSON against the writer schema', async () => {
    const { registry } = setup()
    const clicks = await FramedCodec.create(registry, { schemaId: 5 })
    expect(clicks.decode(clicks.encode({ target: 'buy' }))).toEqual({ target: 'buy' })
    const invalid = encodeFrame(5, Buffer.from('{"x": 1}'))
    expect(formatErrorOf(() => clicks.decode(invalid)).reason).toBe('SCHEMA_VALIDATION')
    expect(formatErrorOf(() => clicks.decode(encodeFrame(5, Buffer.from('{"target": ')))).reason).toBe(
      'INVALID_JSON',
    )
  })

  it('gives every bad record a DecodeError with the right reason and the schema id', async () => {
    const { registry } = setup()
    const users = await FramedCodec.create(registry, { schemaId: 2 })
    const clicks = await FramedCodec.create(registry, { schemaId: 3, messageName: 'app.Event.Click' })
    const good = users.encode({ id: 1, name: 'Ada', tier: 'PRO' })
    const cases: [FramedCodec, Buffer, string][] = [
      [users, Buffer.from('{"id": 1}'), 'BAD_MAGIC_BYTE'],
      [users, Buffer.from([0, 0, 0]), 'TRUNCATED'],
      [users, good.subarray(0, good.length - 1), 'TRUNCATED'],
      [users, encodeFrame(99, Buffer.from([2])), 'UNKNOWN_SCHEMA_ID'],
      [users, encodeFrame(2, Buffer.from([2, 2, 0x61, 0x09])), 'SCHEMA_MISMATCH'],
      [users, encodeFrame(3, Buffer.from([0])), 'INCOMPATIBLE_SCHEMA'],
      [clicks, encodeFrame(3, Buffer.from([0x0a]), [1, 5]), 'UNKNOWN_MESSAGE_TYPE'],
      [clicks, Buffer.from([0, 0, 0, 0, 3, 0x03]), 'MALFORMED_MESSAGE_INDEXES'],
    ]
    for (const [codec, record, reason] of cases) {
      await codec.prepare([record])
      const error = formatErrorOf(() => codec.decode(record))
      expect(error).toBeInstanceOf(DecodeError)
      expect(error.reason).toBe(reason)
      if (reason !== 'BAD_MAGIC_BYTE' && reason !== 'TRUNCATED' && reason !== 'MALFORMED_MESSAGE_INDEXES') {
        expect(error.context.schemaId).toBeDefined()
      }
    }
  })

  it('cannot be created for a schema the registry does not have', async () => {
    const { registry } = setup()
    expect((await rejectionOf(FramedCodec.create(registry, { schemaId: 404 }))).reason).toBe(
      'UNKNOWN_SCHEMA_ID',
    )
    expect(
      (await rejectionOf(FramedCodec.create(registry, { schemaId: 3, messageName: 'app.Nope' }))).reason,
    ).toBe('UNKNOWN_MESSAGE_TYPE')
  })
})
