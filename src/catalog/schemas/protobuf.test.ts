import { describe, expect, it } from 'vitest'
import {
  checkProtobufCompatibility,
  messageByIndexes,
  messageIndexes,
  type ParsedProtobufSchema,
  parseProtobufSchema,
} from './protobuf.ts'
import { invalidSchemaErrorOf } from './test-helpers.ts'

const NEW_READS_OLD = { reader: 'new', writer: 'old' }

const ORDERS = `// Orders, as the shop writes them.
syntax = "proto3";
package acme.orders;

import "google/protobuf/timestamp.proto";
import "money.proto";

option java_package = "com.acme.orders";

message Order {
  string id = 1;
  google.protobuf.Timestamp placed_at = 2;
  map<string, Line> lines = 3;
  common.Money total = 4;
  oneof payment {
    string card = 5;
    string iban = 6;
  }
  optional int32 priority = 7 [deprecated = true];
  reserved 10 to 12, 20;
  reserved "legacy";

  message Line {
    int64 quantity = 1;
    Status status = 2;
    message Discount { int32 percent = 1; }
  }
  enum Status {
    UNKNOWN = 0;
    SHIPPED = 1;
  }
}

message Refund {
  string order_id = 1;
}

service Orders {
  rpc Place (Order) returns (Order);
}
`

const MONEY = 'syntax = "proto3";\npackage common;\nmessage Money { int64 cents = 1; string currency = 2; }\n'
const REFERENCES = new Map([['money.proto', MONEY]])

function proto(text: string, references: ReadonlyMap<string, string> = new Map()): ParsedProtobufSchema {
  return parseProtobufSchema(text, references)
}

function proto3(body: string): ParsedProtobufSchema {
  return proto(`syntax = "proto3";\npackage shop;\n${body}`)
}

function proto2(body: string): ParsedProtobufSchema {
  return proto(`syntax = "proto2";\npackage shop;\n${body}`)
}

function findingTypes(reader: ParsedProtobufSchema, writer: ParsedProtobufSchema): string[] {
  return checkProtobufCompatibility(reader, writer, NEW_READS_OLD).map((line) => {
    const { type, location } = JSON.parse(line)
    return `${type} ${location}`
  })
}

describe('Protobuf parsing', () => {
  it('parses a file with imports from references and well-known types', () => {
    const parsed = proto(ORDERS, REFERENCES)
    expect(parsed.file.packageName).toBe('acme.orders')
    expect(parsed.file.syntax).toEqual({ keyword: 'syntax', value: 'proto3' })
    expect(parsed.file.declarations.map((declaration) => declaration.name)).toEqual([
      'Order',
      'Refund',
      'Orders',
    ])
    const order = parsed.root.lookupType('acme.orders.Order')
    const message = order.create({ id: 'o-1', total: { cents: 250, currency: 'EUR' }, card: '4111' })
    expect(order.toObject(order.decode(order.encode(message).finish()))).toMatchObject({
      id: 'o-1',
      card: '4111',
    })
  })

  it('renders a canonical text that ignores comments, layout and field order', () => {
    const canonical = proto(ORDERS, REFERENCES).canonical
    const reshuffled = ORDERS.replace('// Orders, as the shop writes them.\n', '')
      .replace('  string id = 1;\n  google.protobuf.Timestamp placed_at = 2;\n', '')
      .replace('  common.Money total = 4;\n', '  common.Money total = 4; /* money */ string id = 1;\n')
      .replace('reserved "legacy";', 'reserved "legacy";\n  .google.protobuf.Timestamp    placed_at=2;')
    expect(proto(reshuffled, REFERENCES).canonical).toBe(canonical)
    expect(canonical).toContain(
      '  .google.protobuf.Timestamp placed_at = 2;\n  map<string, .acme.orders.Order.Line> lines = 3;',
    )
    expect(canonical).toContain(
      '  oneof payment {\n    string card = 5;\n    string iban = 6;\n  }\n  optional int32 priority = 7 [deprecated = true];',
    )
    expect(canonical).toContain('rpc Place (.acme.orders.Order) returns (.acme.orders.Order);')
  })

  it('parses its own canonical text back to the same canonical text', () => {
    const proto2Text = `syntax = "proto2";
package legacy;
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { optional string label = 50001; }
message Envelope {
  option deprecated = true;
  required int64 id = 1;
  optional string kind = 2 [default = "plain", (label) = "k"];
  repeated int32 codes = 3 [packed = true];
  optional Kind mode = 4 [default = FAST];
  optional group Extra = 5 { optional int32 level = 1; }
  extensions 100 to max;
  enum Kind { option allow_alias = true; FAST = 0; QUICK = 0; SLOW = 1; }
}
extend Envelope { optional bool audited = 100; }
`
    const editionText = `edition = "2023";
package modern;
message M {
  int32 a = 1 [features.field_presence = IMPLICIT];
  reserved foo;
  repeated string r = 2;
}
`
    for (const [text, references] of [
      [ORDERS, REFERENCES],
      [proto2Text, new Map<string, string>()],
      [editionText, new Map<string, string>()],
    ] as const) {
      const first = proto(text, references)
      expect(proto(first.canonical, references).canonical).toBe(first.canonical)
    }
  })

  it('resolves and keeps weak imports', () => {
    const parsed = proto(
      'syntax = "proto3";\nimport weak "money.proto";\nmessage Price { common.Money amount = 1; }',
      REFERENCES,
    )
    expect(parsed.canonical).toContain('import weak "money.proto";')
    expect(parsed.canonical).toContain('.common.Money amount = 1;')
  })

  it('renders proto2 labels, groups, defaults and extensions', () => {
    const canonical = proto2(`
      message M {
        required int32 id = 1;
        optional E mode = 2 [default = B];
        optional group G = 3 { optional int32 q = 1; }
        extensions 100 to 200;
      }
      enum E { A = 0; B = 1; }
      extend M { optional int32 extra = 100; }
    `).canonical
    expect(canonical).toContain('  required int32 id = 1;\n  optional .shop.E mode = 2 [default = B];')
    expect(canonical).toContain(
      '  optional group G = 3 {\n    optional int32 q = 1;\n  }\n  extensions 100 to 200;',
    )
    expect(canonical).toContain('extend .shop.M {\n  optional int32 extra = 100;\n}')
  })

  it.each([
    [
      'a syntax error',
      'syntax = "proto3";\nmessage M {\n  int32 x = 1\n  string y = 2;\n}',
      { line: 4, column: 3 },
      "illegal token 'string'",
    ],
    [
      'an unknown type',
      'syntax = "proto3";\nmessage M {\n  Strin x = 1;\n}',
      { line: 3, column: 3 },
      "'Strin'",
    ],
    [
      'an unresolvable import',
      'syntax = "proto3";\nimport "other.proto";\nmessage M { int32 x = 1; }',
      { line: 2, column: 1 },
      "Add a schema reference whose name is exactly 'other.proto'",
    ],
    [
      'a reserved field number',
      'syntax = "proto3";\nmessage M {\n  reserved 3;\n  int32 x = 3;\n}',
      { line: 4, column: 9 },
      'field number 3 is reserved',
    ],
    [
      'a field number of 0',
      'syntax = "proto3";\nmessage M { int32 x = 0; }',
      { line: 2, column: 19 },
      'outside 1..',
    ],
    [
      'a field number reserved by protobuf',
      'syntax = "proto3";\nmessage M { int32 x = 19001; }',
      { line: 2, column: 19 },
      '19000-19999',
    ],
    [
      'a duplicate message',
      'syntax = "proto3";\nmessage M { int32 x = 1; }\nmessage M { int32 y = 1; }',
      { line: 2, column: 9 },
      "duplicate name 'M'",
    ],
  ])('rejects %s with its position', (_name, text, position, problem) => {
    const error = invalidSchemaErrorOf(() => proto(text))
    expect(error.location.position).toEqual(position)
    expect(error.message).toContain(problem)
    expect(error.errorCode).toBe(42201)
  })

  it('attributes a syntax error in an imported file to its reference', () => {
    const error = invalidSchemaErrorOf(() =>
      proto(
        'syntax = "proto3";\nimport "bad.proto";\nmessage M { int32 x = 1; }',
        new Map([['bad.proto', 'message {']]),
      ),
    )
    expect(error.location.reference).toBe('bad.proto')
    expect(error.message).toMatch(/^Invalid PROTOBUF schema in referenced schema 'bad.proto' at line 1/)
  })
})

describe('Protobuf message indexes', () => {
  const parsed = proto(ORDERS, REFERENCES)

  it.each([
    ['acme.orders.Order', [0]],
    ['.acme.orders.Refund', [1]],
    ['Order.Line', [0, 0]],
    ['acme.orders.Order.Line.Discount', [0, 0, 0]],
  ])('finds %s at %j', (name, indexes) => {
    expect(messageIndexes(parsed, name)).toEqual(indexes)
    expect(messageByIndexes(parsed, indexes).fullName).toBe(
      `.acme.orders.${name.replace(/^\.?acme\.orders\./, '')}`,
    )
  })

  it('does not count map entries as nested messages, as Confluent serializers do not', () => {
    const withMap = proto3('message M { map<string, int32> counts = 1; message Inner { int32 a = 1; } }')
    expect(messageIndexes(withMap, 'shop.M.Inner')).toEqual([0, 0])
  })

  it('reads an empty index path as the first message, like the wire format', () => {
    expect(messageByIndexes(parsed, []).name).toBe('Order')
  })

  it('explains unknown names and out-of-range indexes', () => {
    expect(() => messageIndexes(parsed, 'acme.orders.Missing')).toThrow(
      /declares: acme.orders.Order, acme.orders.Order.Line/,
    )
    expect(() => messageByIndexes(parsed, [0, 5])).toThrow(/index 5 at depth 1 .* there are 1 message/)
    expect(() => messageByIndexes(proto3('enum E { A = 0; }'), [])).toThrow(RangeError)
  })
})

describe('Protobuf compatibility', () => {
  const base = `message M { int32 a = 1; string b = 2; Inner c = 3; message Inner { int32 x = 1; } }`

  // [case, reader (new), writer (old), expected findings as "TYPE location"]
  const cases: [string, () => ParsedProtobufSchema, () => ParsedProtobufSchema, string[]][] = [
    ['identical', () => proto3(base), () => proto3(base), []],
    [
      'field added',
      () => proto3(base.replace('string b = 2;', 'string b = 2; bool d = 4;')),
      () => proto3(base),
      [],
    ],
    ['field removed', () => proto3(base.replace('string b = 2;', '')), () => proto3(base), []],
    [
      'field renamed',
      () => proto3(base.replace('string b = 2;', 'string title = 2;')),
      () => proto3(base),
      [],
    ],
    [
      'int32 to int64 (same wire type)',
      () => proto3(base.replace('int32 a', 'int64 a')),
      () => proto3(base),
      [],
    ],
    [
      'int32 to bool (same wire type)',
      () => proto3(base.replace('int32 a', 'bool a')),
      () => proto3(base),
      [],
    ],
    ['string to bytes', () => proto3(base.replace('string b', 'bytes b')), () => proto3(base), []],
    [
      'sint32 to sint64',
      () => proto3('message M { sint64 a = 1; }'),
      () => proto3('message M { sint32 a = 1; }'),
      [],
    ],
    [
      'int32 to string',
      () => proto3(base.replace('int32 a', 'string a')),
      () => proto3(base),
      ['FIELD_SCALAR_KIND_CHANGED #/M/1'],
    ],
    [
      'int32 to sint32 (zigzag differs)',
      () => proto3(base.replace('int32 a', 'sint32 a')),
      () => proto3(base),
      ['FIELD_SCALAR_KIND_CHANGED #/M/1'],
    ],
    [
      'scalar to message',
      () => proto3(base.replace('int32 a = 1;', 'Inner a = 1;')),
      () => proto3(base),
      ['FIELD_KIND_CHANGED #/M/1'],
    ],
    [
      'message type changed',
      () => proto3(`${base.replace('Inner c = 3;', 'Other c = 3;')} message Other { int32 x = 1; }`),
      () => proto3(base),
      ['FIELD_NAMED_TYPE_CHANGED #/M/3'],
    ],
    [
      'map value type changed',
      () => proto3('message M { map<string, string> tags = 1; }'),
      () => proto3('message M { map<string, int32> tags = 1; }'),
      ['FIELD_SCALAR_KIND_CHANGED #/M/1'],
    ],
    [
      'map turned into a repeated field',
      () => proto3('message M { repeated string tags = 1; }'),
      () => proto3('message M { map<string, int32> tags = 1; }'),
      ['FIELD_KIND_CHANGED #/M/1'],
    ],
    [
      'optional to repeated',
      () => proto3('message M { repeated string a = 1; }'),
      () => proto3('message M { string a = 1; }'),
      [],
    ],
    [
      'proto3 optional added',
      () => proto3('message M { optional string a = 1; }'),
      () => proto3('message M { string a = 1; }'),
      [],
    ],
    ['message added', () => proto3(`${base} message Extra { int32 y = 1; }`), () => proto3(base), []],
    [
      'nested message removed',
      () => proto3('message M { int32 a = 1; string b = 2; }'),
      () => proto3('message M { int32 a = 1; string b = 2; message Inner { int32 x = 1; } }'),
      ['MESSAGE_REMOVED #/M.Inner'],
    ],
    [
      'top-level message removed',
      () => proto3('message M { int32 a = 1; }'),
      () => proto3('message M { int32 a = 1; } message N { int32 a = 1; }'),
      ['MESSAGE_REMOVED #/N'],
    ],
    [
      'package renamed',
      () => proto('syntax = "proto3";\npackage store;\nmessage M { int32 a = 1; }'),
      () => proto('syntax = "proto3";\npackage shop;\nmessage M { int32 a = 1; }'),
      ['PACKAGE_CHANGED #/'],
    ],
    [
      'enum value added',
      () => proto3('enum E { A = 0; B = 1; C = 2; }'),
      () => proto3('enum E { A = 0; B = 1; }'),
      [],
    ],
    ['enum added', () => proto3(`${base} enum E { A = 0; }`), () => proto3(base), []],
    [
      'required field added',
      () => proto2('message M { optional int32 a = 1; required int32 b = 2; }'),
      () => proto2('message M { optional int32 a = 1; }'),
      ['REQUIRED_FIELD_ADDED #/M/2'],
    ],
    [
      'required field removed',
      () => proto2('message M { optional int32 a = 1; }'),
      () => proto2('message M { optional int32 a = 1; required int32 b = 2; }'),
      ['REQUIRED_FIELD_REMOVED #/M/2'],
    ],
    [
      'optional became required',
      () => proto2('message M { required int32 a = 1; }'),
      () => proto2('message M { optional int32 a = 1; }'),
      ['REQUIRED_FIELD_ADDED #/M/1'],
    ],
    [
      'required became optional',
      () => proto2('message M { optional int32 a = 1; }'),
      () => proto2('message M { required int32 a = 1; }'),
      ['REQUIRED_FIELD_REMOVED #/M/1'],
    ],
    [
      'field added to a oneof',
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; bool c = 3; } }'),
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; } }'),
      [],
    ],
    [
      'field removed from a oneof',
      () => proto3('message M { oneof o { string a = 1; } }'),
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; } }'),
      ['ONEOF_FIELD_REMOVED #/M/2'],
    ],
    [
      'field moved into an existing oneof',
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; } }'),
      () => proto3('message M { int32 b = 2; oneof o { string a = 1; } }'),
      ['FIELD_MOVED_TO_EXISTING_ONEOF #/M/2'],
    ],
    [
      'one field moved into a new oneof',
      () => proto3('message M { oneof o { string a = 1; } int32 b = 2; }'),
      () => proto3('message M { string a = 1; int32 b = 2; }'),
      [],
    ],
    [
      'several fields moved into a new oneof',
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; } }'),
      () => proto3('message M { string a = 1; int32 b = 2; }'),
      ['MULTIPLE_FIELDS_MOVED_TO_ONEOF #/M'],
    ],
    [
      'int32 to an enum (both varints)',
      () => proto3('message M { E a = 1; } enum E { A = 0; }'),
      () => proto3('message M { int32 a = 1; } enum E { A = 0; }'),
      [],
    ],
    [
      'one enum to another (both varints, as in Confluent)',
      () => proto3('message M { F a = 1; } enum E { A = 0; } enum F { B = 0; }'),
      () => proto3('message M { E a = 1; } enum E { A = 0; } enum F { B = 0; }'),
      [],
    ],
    [
      'an enum to sint32 (zigzag differs)',
      () => proto3('message M { sint32 a = 1; } enum E { A = 0; }'),
      () => proto3('message M { E a = 1; } enum E { A = 0; }'),
      ['FIELD_SCALAR_KIND_CHANGED #/M/1'],
    ],
    [
      'int32 without label made repeated (packed)',
      () => proto3('message M { repeated int32 a = 1; }'),
      () => proto3('message M { int32 a = 1; }'),
      ['FIELD_NUMERIC_LABEL_CHANGED #/M/1'],
    ],
    [
      'repeated enum made singular',
      () => proto3('message M { E a = 1; } enum E { A = 0; }'),
      () => proto3('message M { repeated E a = 1; } enum E { A = 0; }'),
      ['FIELD_NUMERIC_LABEL_CHANGED #/M/1'],
    ],
    [
      'oneof renamed',
      () => proto3('message M { oneof p { string a = 1; int32 b = 2; } }'),
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; } }'),
      [],
    ],
    [
      'whole oneof deleted',
      () => proto3('message M { int32 c = 3; }'),
      () => proto3('message M { oneof o { string a = 1; int32 b = 2; } int32 c = 3; }'),
      [],
    ],
    [
      'two oneofs merged',
      () => proto3('message M { oneof c { string a = 1; int32 b = 2; } }'),
      () => proto3('message M { oneof o { string a = 1; } oneof p { int32 b = 2; } }'),
      ['FIELD_MOVED_TO_EXISTING_ONEOF #/M/1'],
    ],
    [
      'field changed inside the referenced message',
      () => proto3('message M { Inner c = 3; } message Inner { string x = 1; }'),
      () => proto3('message M { Inner c = 3; } message Inner { int32 x = 1; }'),
      ['FIELD_SCALAR_KIND_CHANGED #/Inner/1', 'FIELD_NAMED_TYPE_CHANGED #/M/3'],
    ],
    [
      'recursive message compared without looping',
      () => proto3('message Node { Node next = 1; int64 value = 2; }'),
      () => proto3('message Node { Node next = 1; int32 value = 2; }'),
      [],
    ],
  ]

  it.each(cases)('%s', (_name, reader, writer, expected) => {
    expect(findingTypes(reader(), writer())).toEqual(expected)
  })

  it('describes findings with the roles it is given', () => {
    const [line] = checkProtobufCompatibility(
      proto3('message M { string a = 1; }'),
      proto3('message M { int32 a = 1; }'),
      NEW_READS_OLD,
    )
    expect(JSON.parse(line ?? '{}')).toEqual({
      type: 'FIELD_SCALAR_KIND_CHANGED',
      location: '#/M/1',
      message: 'a',
      description:
        "The field number 1 ('a') of message 'M' changed from type 'int32' in the old schema to 'string' in the new schema, which is not wire-compatible",
    })
  })

  it('follows a field into an imported message, whatever package it moved to', () => {
    const money = (pkg: string, units: string) =>
      `syntax = "proto3";\npackage ${pkg};\nmessage Money { ${units} units = 1; }`
    const v1 = proto(
      'syntax = "proto3";\npackage shop;\nimport "a.proto";\nmessage M { a.Money price = 1; }',
      new Map([['a.proto', money('a', 'int64')]]),
    )
    const renamed = proto(
      'syntax = "proto3";\npackage shop;\nimport "b.proto";\nmessage M { b.Money price = 1; }',
      new Map([['b.proto', money('b', 'int64')]]),
    )
    const changed = proto(
      'syntax = "proto3";\npackage shop;\nimport "b.proto";\nmessage M { b.Money price = 1; }',
      new Map([['b.proto', money('b', 'string')]]),
    )
    expect(findingTypes(renamed, v1)).toEqual([])
    expect(findingTypes(changed, v1)).toEqual([
      'FIELD_SCALAR_KIND_CHANGED #/Money/1',
      'FIELD_NAMED_TYPE_CHANGED #/M/1',
    ])
  })

  it('is directional for required fields', () => {
    const withRequired = proto2('message M { required int32 a = 1; optional int32 b = 2; }')
    const withoutRequired = proto2('message M { optional int32 b = 2; }')
    expect(findingTypes(withRequired, withoutRequired)).toEqual(['REQUIRED_FIELD_ADDED #/M/1'])
    expect(findingTypes(withoutRequired, withRequired)).toEqual(['REQUIRED_FIELD_REMOVED #/M/1'])
  })
})
