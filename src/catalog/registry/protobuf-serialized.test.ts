import { describe, expect, it } from 'vitest'
import { parseProtobufSchema } from '../schemas/protobuf.ts'
import { RegistryError } from './errors.ts'
import { looksSerialized, protoTextToSerialized, serializedToProtoText } from './protobuf-serialized.ts'

const ORDER = `syntax = "proto3";
package shop;
option java_package = "com.example.shop";

message Order {
  string id = 1;
  optional string coupon = 2;
  repeated Line lines = 3;
  map<string, int64> counters = 4;
  Status status = 5;
  oneof payment {
    string card = 6;
    string voucher = 7;
  }
  reserved 9 to 11;
  reserved "legacy";
  message Line {
    int64 product_id = 1;
  }
  enum Status {
    NEW = 0;
    PAID = 1;
  }
}

service Orders {
  rpc Place (Order) returns (stream Order);
}
`

describe('Protobuf serialized form', () => {
  it('tells base64 descriptors from .proto text', () => {
    expect(looksSerialized(ORDER)).toBe(false)
    expect(looksSerialized('CgdvcmRlci5wcm90bw==')).toBe(true)
  })

  it('round-trips a schema through its descriptor to the same canonical form', () => {
    const parsed = parseProtobufSchema(ORDER)
    const serialized = protoTextToSerialized(parsed, 'order.proto')
    const text = serializedToProtoText(serialized)
    expect(text).toContain('map<string, int64> counters = 4;')
    expect(text).toContain('optional string coupon = 2;')
    expect(text).toContain('oneof payment {')
    expect(text).toContain('reserved 9 to 11;')
    expect(text).toContain('rpc Place (.shop.Order) returns (stream .shop.Order);')
    expect(parseProtobufSchema(text).canonical).toBe(parsed.canonical)
  })

  it('refuses bytes that are not a descriptor with 42201', () => {
    let caught: unknown
    try {
      serializedToProtoText('bm90IGEgZGVzY3JpcHRvcg==AAAA')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(RegistryError)
    expect((caught as RegistryError).errorCode).toBe(42201)
  })
})
