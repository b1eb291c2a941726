import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DecodeError } from './errors.ts'
import { ProtobufSchema } from './protobuf.ts'
import { formatErrorOf } from './testing.ts'

const money = `syntax = "proto3";
package shop.common;
message Money { string currency = 1; int64 units = 2; }`

const orders = `syntax = "proto3";
package shop;
import "common/money.proto";
import "google/protobuf/timestamp.proto";

message Header { string request_id = 1; }

message Order {
  message Line {
    string sku = 1;
    shop.common.Money price = 2;
    int32 quantity = 3;
  }
  enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
  message Note {
    message Author { string name = 1; }
    string text = 1;
    Author author = 2;
  }
  int64 order_id = 1;
  repeated Line lines = 2;
  Status status = 3;
  google.protobuf.Timestamp placed_at = 4;
  map<string, string> labels = 5;
  oneof payment { string card_token = 6; string voucher = 7; }
  bytes signature = 8;
}`

const imports = new Map([['common/money.proto', money]])

const order = {
  order_id: 9_007_199_254_740_993n,
  lines: [{ sku: 'A-1', price: { currency: 'EUR', units: 1999 }, quantity: 2 }],
  status: 'PAID',
  placed_at: { seconds: 1_700_000_000, nanos: 5 },
  labels: { channel: 'app' },
  card_token: 'tok_1',
  signature: Buffer.from([1, 2, 3]),
}

describe('ProtobufSchema', () => {
  const schema = ProtobufSchema.parse(orders, imports)

  it('round-trips a message that is not first in its file, with imports and well-known types', () => {
    const codec = schema.message('shop.Order')
    expect(codec.messageIndexes).toEqual([1])
    expect(codec.decode(codec.encode(order))).toEqual(order)
  })

  it('finds messages by Confluent message indexes, nested ones included', () => {
    expect(schema.firstMessage.fullName).toBe('shop.Header')
    expect(schema.messageAt([1, 0]).fullName).toBe('shop.Order.Line')
    expect(schema.messageAt([1, 1, 0]).fullName).toBe('shop.Order.Note.Author')
    expect(schema.message('.shop.Order.Note.Author').messageIndexes).toEqual([1, 1, 0])
    const author = schema.messageAt([1, 1, 0])
    expect(author.decode(author.encode({ name: 'Ada' }))).toEqual({ name: 'Ada' })
  })

  it('decodes absent fields as defaults, so every message has the same fields', () => {
    const codec = schema.message('shop.Order')
    expect(codec.decode(codec.encode({}))).toEqual({
      order_id: 0,
      lines: [],
      status: 'NEW',
      placed_at: null,
      labels: {},
      signature: Buffer.alloc(0),
    })
  })

  it('decodes 64-bit integers as numbers while safe and as bigints beyond, in nested messages too', () => {
    const codec = schema.message('shop.Order')
    const lines = [-(2n ** 63n), -(2n ** 53n) + 1n, 2n ** 53n, 2n ** 63n - 1n].map((units) => ({
      sku: 'x',
      price: { currency: 'EUR', units },
      quantity: 1,
    }))
    const decoded = codec.decode(codec.encode({ lines }))
    expect(decoded).toMatchObject({
      lines: [
        { price: { units: -(2n ** 63n) } },
        { price: { units: -(2 ** 53) + 1 } },
        { price: { units: 2n ** 53n } },
        { price: { units: 2n ** 63n - 1n } },
      ],
    })
  })

  it('accepts longs as decimal strings and enums as numbers on encode', () => {
    const codec = schema.message('shop.Order')
    expect(codec.decode(codec.encode({ order_id: '4611686018427387904', status: 2 }))).toMatchObject({
      order_id: 2n ** 62n,
      status: 'SHIPPED',
    })
  })

  it('reports values that do not fit the message as SCHEMA_MISMATCH with the field path', () => {
    const codec = schema.message('shop.Order')
    const error = formatErrorOf(() => codec.encode({ lines: [{ quantity: 1.5 }] }))
    expect(error.name).toBe('EncodeError')
    expect(error.reason).toBe('SCHEMA_MISMATCH')
    expect(error.context.path).toBe('lines[0].quantity')
    for (const bad of [
      'not an object',
      { order_id: 'twelve' },
      { order_id: 2n ** 63n },
      { unknown_field: 1 },
      { status: 'LOST' },
      { card_token: 'a', voucher: 'b' },
      { labels: { channel: 1 } },
      { lines: { sku: 'A' } },
      { placed_at: { seconds: 'soon' } },
    ]) {
      expect(formatErrorOf(() => codec.encode(bad)).reason).toBe('SCHEMA_MISMATCH')
    }
  })

  it('reports truncated and malformed payloads', () => {
    const codec = schema.message('shop.Order')
    const bytes = codec.encode(order)
    expect(formatErrorOf(() => codec.decode(bytes.subarray(0, bytes.length - 1))).reason).toBe('TRUNCATED')
    // Field 15 with wire type 7, which does not exist.
    expect(formatErrorOf(() => codec.decode(Buffer.from([0x7f]))).reason).toBe('SCHEMA_MISMATCH')
  })

  it('rejects unknown messages, unresolved imports and broken schemas', () => {
    expect(formatErrorOf(() => schema.message('shop.Missing')).reason).toBe('UNKNOWN_MESSAGE_TYPE')
    expect(formatErrorOf(() => schema.message('shop.common.Money')).reason).toBe('UNKNOWN_MESSAGE_TYPE')
    expect(formatErrorOf(() => schema.messageAt([5])).reason).toBe('UNKNOWN_MESSAGE_TYPE')
    expect(formatErrorOf(() => schema.messageAt([1, 7])).reason).toBe('UNKNOWN_MESSAGE_TYPE')
    expect(formatErrorOf(() => ProtobufSchema.parse(orders)).reason).toBe('INVALID_SCHEMA')
    expect(formatErrorOf(() => ProtobufSchema.parse('message {')).reason).toBe('INVALID_SCHEMA')
  })
  it('never throws anything but DecodeError on random payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          schema.message('shop.Order').decode(Buffer.from(bytes))
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError)
        }
      }),
    )
  })
})
