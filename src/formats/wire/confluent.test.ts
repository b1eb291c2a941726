import { SchemaId } from '@confluentinc/schemaregistry'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DecodeError } from '../errors.ts'
import { formatErrorOf } from '../testing.ts'
import {
  decodeFrame,
  encodeFrame,
  frameHeaderSize,
  readMessageIndexes,
  readSchemaId,
  SCHEMA_ID_END,
  writeFrameHeader,
} from './confluent.ts'

const schemaIds = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
const messageIndexes = fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 6 })
const payloads = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes))

describe('Confluent wire format', () => {
  it('frames Avro/JSON records as magic byte, big-endian id, payload', () => {
    const framed = encodeFrame(0x01020304, Buffer.from('hi'))
    expect(framed).toEqual(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x68, 0x69]))
    expect(decodeFrame(framed, false)).toEqual({
      schemaId: 0x01020304,
      messageIndexes: undefined,
      payload: Buffer.from('hi'),
    })
  })

  it('writes message indexes [0] as the single byte 0x00 and reads both that and the explicit [1, 0]', () => {
    expect(encodeFrame(7, Buffer.from([0xaa]), [0])).toEqual(Buffer.from([0, 0, 0, 0, 7, 0x00, 0xaa]))
    const explicit = Buffer.from([0, 0, 0, 0, 7, 0x02, 0x00, 0xaa])
    expect(decodeFrame(explicit, true)).toEqual({
      schemaId: 7,
      messageIndexes: [0],
      payload: Buffer.from([0xaa]),
    })
  })

  it('writes nested message indexes as a zig-zag count followed by zig-zag indexes', () => {
    expect(encodeFrame(1, Buffer.alloc(0), [1, 0, 2])).toEqual(
      Buffer.from([0, 0, 0, 0, 1, 0x06, 0x02, 0x00, 0x04]),
    )
  })

  it('decodes what it encodes, for any id, index path and payload', () => {
    fc.assert(
      fc.property(
        schemaIds,
        fc.option(messageIndexes, { nil: undefined }),
        payloads,
        (schemaId, indexes, payload) => {
          const frame = decodeFrame(encodeFrame(schemaId, payload, indexes), indexes !== undefined)
          expect(frame).toEqual({ schemaId, messageIndexes: indexes, payload })
        },
      ),
    )
  })

  it('writes and reads a header at an offset inside a larger buffer', () => {
    fc.assert(
      fc.property(schemaIds, messageIndexes, fc.nat(8), (schemaId, indexes, offset) => {
        const target = Buffer.alloc(offset + frameHeaderSize(indexes))
        expect(writeFrameHeader(target, offset, schemaId, indexes)).toBe(target.length)
        expect(readSchemaId(target, offset)).toBe(schemaId)
        const cursor = { offset: offset + SCHEMA_ID_END }
        expect(readMessageIndexes(target, cursor)).toEqual(indexes)
        expect(cursor.offset).toBe(target.length)
      }),
    )
  })

  it('matches the bytes of @confluentinc/schemaregistry byte for byte, both ways', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        messageIndexes,
        payloads,
        (schemaId, indexes, payload) => {
          const theirs = Buffer.concat([
            new SchemaId('PROTOBUF', schemaId, undefined, indexes).idToBytes(),
            payload,
          ])
          expect(encodeFrame(schemaId, payload, indexes)).toEqual(theirs)
          const parsed = new SchemaId('PROTOBUF')
          expect(parsed.fromBytes(encodeFrame(schemaId, payload, indexes))).toBe(
            theirs.length - payload.length,
          )
          expect(parsed.messageIndexes).toEqual(indexes)
          expect(parsed.id).toBe(schemaId)
        },
      ),
    )
    expect(encodeFrame(42, Buffer.from('x'))).toEqual(
      Buffer.concat([new SchemaId('AVRO', 42).idToBytes(), Buffer.from('x')]),
    )
  })

  it('rejects a record that does not start with the magic byte', () => {
    expect(formatErrorOf(() => readSchemaId(Buffer.from('{"a":1}'))).reason).toBe('BAD_MAGIC_BYTE')
  })

  it('rejects records too short for their header', () => {
    expect(formatErrorOf(() => readSchemaId(Buffer.alloc(0))).reason).toBe('TRUNCATED')
    expect(formatErrorOf(() => readSchemaId(Buffer.from([0, 0, 0, 1]))).reason).toBe('TRUNCATED')
    expect(formatErrorOf(() => decodeFrame(Buffer.from([0, 0, 0, 0, 1]), true)).reason).toBe('TRUNCATED')
    expect(formatErrorOf(() => decodeFrame(Buffer.from([0, 0, 0, 0, 1, 0x06, 0x02]), true)).reason).toBe(
      'TRUNCATED',
    )
  })

  it('rejects negative message-index counts and indexes', () => {
    expect(formatErrorOf(() => readMessageIndexes(Buffer.from([0x01]), { offset: 0 })).reason).toBe(
      'MALFORMED_MESSAGE_INDEXES',
    )
    expect(formatErrorOf(() => readMessageIndexes(Buffer.from([0x02, 0x03]), { offset: 0 })).reason).toBe(
      'MALFORMED_MESSAGE_INDEXES',
    )
  })

  it('never throws anything but DecodeError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.boolean(), (bytes, withIndexes) => {
        const record = Buffer.from(bytes)
        if (withIndexes) record[0] = 0
        try {
          decodeFrame(record, withIndexes)
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError)
        }
      }),
    )
  })

  it('refuses to write headers it could not read back', () => {
    expect(() => encodeFrame(2 ** 31, Buffer.alloc(0))).toThrow(RangeError)
    expect(() => encodeFrame(1, Buffer.alloc(0), [])).toThrow(RangeError)
    expect(() => encodeFrame(1, Buffer.alloc(0), [-1])).toThrow(RangeError)
    expect(() => writeFrameHeader(Buffer.alloc(4), 0, 1)).toThrow(RangeError)
  })
})
