/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int32, then (Protobuf only)
 * the message-index array, then the payload. Message indexes are a zig-zag varint count followed by that
 * many zig-zag varint indexes; the common case [0] is written as the single byte 0x00, which is also how a
 * count of 0 reads.
 */
import { DecodeError } from '../errors.ts'
import { type ReadCursor, readZigZagVarint, writeZigZagVarint, zigZagVarintSize } from '../varint.ts'

export const MAGIC_BYTE = 0
/** Magic byte plus schema id: where the message indexes (Protobuf) or the payload begin. */
export const SCHEMA_ID_END = 5

/** The indexes of the first message in a schema file, by far the most common; shared, never mutated. */
export const FIRST_MESSAGE_INDEXES: readonly number[] = Object.freeze([0])

/** Validates the magic byte and returns the schema id of the record framed at `offset`. */
export function readSchemaId(bytes: Uint8Array, offset = 0): number {
  if (bytes.length <= offset) throw new DecodeError('TRUNCATED', 'Record is empty.', { offset })
  if (bytes[offset] !== MAGIC_BYTE) {
    const found = bytes[offset]!.toString(16).padStart(2, '0')
    throw new DecodeError('BAD_MAGIC_BYTE', `Record starts with byte 0x${found}, not the magic byte 0x00.`, {
      offset,
    })
  }
  if (bytes.length - offset < SCHEMA_ID_END) {
    const description = `Record has ${bytes.length - offset} bytes, too few for a schema id.`
    throw new DecodeError('TRUNCATED', description, { offset: bytes.length })
  }
  // Signed, as Confluent's serializers read it.
  return (
    (bytes[offset + 1]! << 24) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 8) | bytes[offset + 4]!
  )
}

/** Reads the message-index array at `cursor.offset` (normally `SCHEMA_ID_END`) and advances the cursor. */
export function readMessageIndexes(bytes: Uint8Array, cursor: ReadCursor): readonly number[] {
  const start = cursor.offset
  const count = readZigZagVarint(bytes, cursor)
  if (count === 0) return FIRST_MESSAGE_INDEXES
  if (count < 0) {
    throw new DecodeError(
      'MALFORMED_MESSAGE_INDEXES',
      `Message-index count at byte ${start} is negative (${count}).`,
      { offset: start },
    )
  }
  // Every index takes at least one byte; checking first keeps garbage from allocating a huge array.
  if (count > bytes.length - cursor.offset) {
    throw new DecodeError(
      'TRUNCATED',
      `Record is too short for the ${count} message indexes announced at byte ${start}.`,
      { offset: start },
    )
  }
  const indexes = new Array<number>(count)
  for (let i = 0; i < count; i++) {
    const at = cursor.offset
    const index = readZigZagVarint(bytes, cursor)
    if (index < 0) {
      throw new DecodeError(
        'MALFORMED_MESSAGE_INDEXES',
        `Message index at byte ${at} is negative (${index}).`,
        { offset: at },
      )
    }
    indexes[i] = index
  }
  return indexes
}

function isFirstMessage(indexes: readonly number[]): boolean {
  return indexes.length === 1 && indexes[0] === 0
}

/** Header bytes for a record with this schema (and, for Protobuf, these message indexes). */
export function frameHeaderSize(messageIndexes?: readonly number[]): number {
  if (messageIndexes === undefined) return SCHEMA_ID_END
  assertMessageIndexes(messageIndexes)
  if (isFirstMessage(messageIndexes)) return SCHEMA_ID_END + 1
  let size = SCHEMA_ID_END + zigZagVarintSize(messageIndexes.length)
  for (const index of messageIndexes) size += zigZagVarintSize(index)
  return size
}

/** Writes the header at `offset` of `target`; returns the offset where the payload goes. */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  schemaId: number,
  messageIndexes?: readonly number[],
): number {
  if ((schemaId | 0) !== schemaId) throw new RangeError(`Schema id ${schemaId} is not a 32-bit integer`)
  if (offset + SCHEMA_ID_END > target.length)
    throw new RangeError('frame header does not fit in the target buffer')
  target[offset] = MAGIC_BYTE
  target[offset + 1] = schemaId >>> 24
  target[offset + 2] = schemaId >>> 16
  target[offset + 3] = schemaId >>> 8
  target[offset + 4] = schemaId
  let position = offset + SCHEMA_ID_END
  if (messageIndexes === undefined) return position
  assertMessageIndexes(messageIndexes)
  if (isFirstMessage(messageIndexes)) return writeZigZagVarint(target, position, 0)
  position = writeZigZagVarint(target, position, messageIndexes.length)
  for (const index of messageIndexes) position = writeZigZagVarint(target, position, index)
  return position
}

function assertMessageIndexes(indexes: readonly number[]): void {
  if (indexes.length === 0) throw new RangeError('message indexes must name at least the top-level message')
  for (const index of indexes) {
    if (index < 0 || (index | 0) !== index)
      throw new RangeError(`message index ${index} is not a non-negative int32`)
  }
}

export interface ConfluentFrame {
  readonly schemaId: number
  /** Present when the frame was read as Protobuf. */
  readonly messageIndexes: readonly number[] | undefined
  /** A view into the record, not a copy. */
  readonly payload: Buffer
}

/** Splits a framed record; `withMessageIndexes` is true for Protobuf records. */
export function decodeFrame(bytes: Buffer, withMessageIndexes: boolean): ConfluentFrame {
  const schemaId = readSchemaId(bytes)
  if (!withMessageIndexes)
    return { schemaId, messageIndexes: undefined, payload: bytes.subarray(SCHEMA_ID_END) }
  const cursor = { offset: SCHEMA_ID_END }
  const messageIndexes = readMessageIndexes(bytes, cursor)
  return { schemaId, messageIndexes, payload: bytes.subarray(cursor.offset) }
}

/** Frames `payload`; one allocation, the returned buffer. */
export function encodeFrame(
  schemaId: number,
  payload: Uint8Array,
  messageIndexes?: readonly number[],
): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderSize(messageIndexes) + payload.length)
  const payloadOffset = writeFrameHeader(frame, 0, schemaId, messageIndexes)
  frame.set(payload, payloadOffset)
  return frame
}
