/**
 * Byte-for-byte interoperability with Confluent's own JavaScript serializers (@confluentinc/schemaregistry),
 * run against its in-process MockClient: no registry server needed.
 */
import {
  AvroDeserializer,
  AvroSerializer,
  type Client,
  JsonDeserializer,
  JsonSerializer,
  MockClient,
  ProtobufDeserializer,
  ProtobufSerializer,
  type ProtobufSerializerConfig,
  RestError,
  SerdeType,
} from '@confluentinc/schemaregistry'
import protobuf from 'protobufjs'
import descriptor from 'protobufjs/ext/descriptor/index.js'
import { describe, expect, it } from 'vitest'
import { CodecRegistry } from './codec-registry.ts'
import { FramedCodec } from './framed-codec.ts'
import type { RegisteredSchema, SchemaSource, SchemaType } from './schema-source.ts'
import { MemorySchemaSource } from './testing.ts'

/** What the client SDK will do: a Confluent client as our SchemaSource, "not found" as undefined. */
function sourceOf(client: Client): SchemaSource {
  async function orUndefined(
    lookup: Promise<{ schema: string; schemaType?: string }>,
  ): Promise<RegisteredSchema | undefined> {
    try {
      const info = await lookup
      // compileSchema rejects types it does not know, so the registry's string can pass through unchecked.
      return { schema: info.schema, schemaType: info.schemaType as SchemaType | undefined }
    } catch (error) {
      if (error instanceof RestError && error.status === 404) return undefined
      throw error
    }
  }
  return {
    schemaById: (id) => orUndefined(client.getBySubjectAndId('', id)),
    schemaBySubjectVersion: (subject, version) =>
      orUndefined(client.getSchemaMetadata(subject, version, false)),
  }
}

function mockClient(): MockClient {
  return new MockClient({ baseURLs: ['mock://'] })
}

describe('interop with @confluentinc/schemaregistry', () => {
  it('Avro: same bytes as AvroSerializer, and each side reads the other', async () => {
    const client = mockClient()
    const schema = JSON.stringify({
      type: 'record',
      name: 'Trade',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'symbol', type: 'string' },
        { name: 'price', type: 'double' },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    })
    const schemaId = await client.register('trades-value', { schemaType: 'AVRO', schema })
    const trade = { id: 123456789012, symbol: 'WEIR', price: 10.25, note: 'first' }
    const theirs = await new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(
      'trades',
      trade,
    )
    const ours = await FramedCodec.create(new CodecRegistry(sourceOf(client)), { schemaId })
    expect(ours.encode(trade)).toEqual(theirs)
    expect(await ours.decodeAsync(theirs)).toEqual(trade)
    expect(
      await new AvroDeserializer(client, SerdeType.VALUE, {}).deserialize('trades', ours.encode(trade)),
    ).toEqual(trade)
  })

  it('JSON: same bytes as JsonSerializer, and each side reads the other', async () => {
    const client = mockClient()
    const schema = JSON.stringify({
      type: 'object',
      properties: { sku: { type: 'string' }, qty: { type: 'integer' } },
    })
    const schemaId = await client.register('carts-value', { schemaType: 'JSON', schema })
    const cart = { sku: 'A-1', qty: 3 }
    const theirs = await new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(
      'carts',
      cart,
    )
    const ours = await FramedCodec.create(new CodecRegistry(sourceOf(client)), { schemaId })
    expect(ours.encode(cart)).toEqual(theirs)
    expect(await ours.decodeAsync(theirs)).toEqual(cart)
    expect(
      await new JsonDeserializer(client, SerdeType.VALUE, {}).deserialize('carts', ours.encode(cart)),
    ).toEqual(cart)
  })

  it('Protobuf: same bytes (message indexes of a nested, non-first message) as ProtobufSerializer', async () => {
    const proto = `syntax = "proto3";
package shop;
message Header { string id = 1; }
message Order {
  message Line { string sku = 1; int32 qty = 2; }
  message Note { string text = 1; int64 at = 2; }
  int64 order_id = 1;
}`
    // Confluent's JavaScript serde keeps Protobuf schemas as base64 FileDescriptorProtos.
    const described = (
      protobuf.parse(proto, { keepCase: true }).root as unknown as DescribableRoot
    ).toDescriptor('proto3')
    const file = described.file.find((candidate) => candidate.package === 'shop')!
    const client = mockClient()
    const schemaId = await client.register('orders-value', {
      schemaType: 'PROTOBUF',
      schema: Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()).toString('base64'),
    })
    const ours = await FramedCodec.create(
      new CodecRegistry(
        new MemorySchemaSource().register(schemaId, { schemaType: 'PROTOBUF', schema: proto }),
      ),
      { schemaId, messageName: 'shop.Order.Note' },
    )
    const note = { text: 'gift wrap', at: 1_700_000_000_000 }
    const deserializer = new ProtobufDeserializer(client, SerdeType.VALUE, {})
    const decoded = await deserializer.deserialize('orders', ours.encode(note))
    expect(decoded).toMatchObject({ $typeName: 'shop.Order.Note', text: 'gift wrap', at: 1_700_000_000_000n })
    // The serializer only looks message descriptors up, which the deserializer's registry can do.
    const registry = deserializer.fileRegistry as unknown as ProtobufSerializerConfig['registry']
    const theirs = await new ProtobufSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      registry,
    }).serialize('orders', decoded)
    expect(ours.encode(note)).toEqual(theirs)
    expect(ours.decode(theirs)).toEqual(note)
  })
})

/** protobufjs/ext/descriptor adds this to Root at run time without declaring it. */
interface DescribableRoot {
  toDescriptor(syntax: string): { file: (protobuf.Message & { package?: string })[] }
}
