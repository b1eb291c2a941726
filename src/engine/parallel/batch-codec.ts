import type { Batch, Row } from '../rows.ts'
import { KindColumn } from './kind-column.ts'

/**
 * A batch of rows as one ArrayBuffer, so an exchange can hand it to another thread as a transferable instead
 * of through `postMessage`'s structured clone, which walks every row array as a separate object (with a
 * back-reference table for cycles) on both sides.
 *
 * Layout (little-endian): u32 row count, u8 whether per-row kinds follow, u32 byte lengths of the ASCII
 * and the UTF-16 string pools, the kinds (one byte a row) if they follow, the two pools, then each row as an
 * array value. A value is a one-byte tag and its payload:
 *
 * | tag             | payload                                   | decodes to            |
 * | --------------- | ----------------------------------------- | --------------------- |
 * | NULL, UNDEFINED | none                                      | null, undefined       |
 * | FALSE, TRUE     | none                                      | boolean               |
 * | INT32           | i32 (not -0)                              | number                |
 * | FLOAT64         | f64                                       | number                |
 * | BIGINT64        | i64                                       | bigint                |
 * | BIGINT_TEXT     | u32 length, ASCII decimal digits          | bigint (beyond int64) |
 * | SHORT_ASCII     | u8 length; the characters are in the pool | string                |
 * | SHORT_UTF16     | u8 length; the code units are in the pool | string                |
 * | ASCII           | u32 length, one byte a character          | string                |
 * | UTF16           | u32 byte length, UTF-16LE code units      | string                |
 * | BYTES           | u32 length, bytes                         | Uint8Array            |
 * | DATE            | f64 epoch milliseconds                    | Date                  |
 * | ARRAY           | u32 length, values                        | unknown[] (a ROW too) |
 * | MAP             | u32 size, key and value of each entry     | Map                   |
 *
 * Strings are the common payload, and a native call per string costs more than copying a short one, so short
 * strings are copied by a loop into a pool (ASCII a byte a character, others as UTF-16 code units) that the
 * decoder turns into one string with one call and slices. Only strings shorter than V8's sliced-string
 * minimum are pooled: V8 copies those when slicing, so a row kept in state does not keep the whole pool
 * alive. Longer strings are written with `Buffer#write`: ASCII as one byte a character, any other string as
 * UTF-16 code units, which keep lone surrogates as structured clone does (UTF-8 would replace them).
 */

const Tag = {
  Null: 0,
  Undefined: 1,
  False: 2,
  True: 3,
  Int32: 4,
  Float64: 5,
  BigInt64: 6,
  BigIntText: 7,
  Ascii: 8,
  Utf16: 9,
  Bytes: 10,
  Date: 11,
  Array: 12,
  Map: 13,
  ShortAscii: 14,
  ShortUtf16: 15,
} as const

/** V8 copies a substring shorter than this (`SlicedString::kMinLength`) instead of pointing into its parent. */
const POOLED_STRING_LIMIT = 13
const HEADER_LENGTH = 13

const INITIAL_CAPACITY = 64 * 1024
const MIN_INT64 = -(2n ** 63n)
const MAX_INT64 = 2n ** 63n - 1n
/** The most UTF-8 bytes one UTF-16 code unit can take. */
const MAX_UTF8_PER_UNIT = 3
const UTF16_UNIT_BYTES = 2

/** A value `BatchEncoder` cannot write; the exchange sends such a batch by structured clone instead. */
export class UnencodableValueError extends Error {
  constructor(value: unknown) {
    super(`the exchange batch codec cannot encode a value of type ${describe(value)}`)
    this.name = 'UnencodableValueError'
  }
}

/**
 * Encodes rows into a growing scratch buffer, reused from batch to batch; `finish` copies the batch out into
 * a buffer of its own, exactly as long as the batch, which the caller may transfer.
 */
export class BatchEncoder {
  private bytes = Buffer.allocUnsafe(INITIAL_CAPACITY)
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  private offset = 0
  private readonly asciiPool = new StringPool()
  private readonly utf16Pool = new StringPool()
  private rowCount = 0
  private readonly kinds = new KindColumn()

  /** Rows written since the last `finish`. */
  get rows(): number {
    return this.rowCount
  }

  /**
   * Appends one row (with its changelog kind, or undefined in an insert-only stream). On an
   * `UnencodableValueError` the encoder is left as it was before the call.
   */
  add(row: Row, kind: number | undefined): void {
    const start = this.offset
    const asciiStart = this.asciiPool.length
    const utf16Start = this.utf16Pool.length
    try {
      this.writeArray(row)
    } catch (error) {
      this.offset = start
      this.asciiPool.length = asciiStart
      this.utf16Pool.length = utf16Start
      throw error
    }
    this.kinds.add(kind, this.rowCount)
    this.rowCount += 1
  }

  /** The rows added since the last `finish` as one buffer, and the encoder emptied. */
  finish(): ArrayBuffer {
    const kinds = this.kinds.take()
    const asciiStart = HEADER_LENGTH + (kinds === null ? 0 : this.rowCount)
    const utf16Start = asciiStart + this.asciiPool.length
    const valuesStart = utf16Start + this.utf16Pool.length
    const out = new ArrayBuffer(valuesStart + this.offset)
    const header = new DataView(out)
    header.setUint32(0, this.rowCount, true)
    header.setUint8(4, kinds === null ? 0 : 1)
    header.setUint32(5, this.asciiPool.length, true)
    header.setUint32(9, this.utf16Pool.length, true)
    const outBytes = new Uint8Array(out)
    if (kinds !== null) outBytes.set(kinds, HEADER_LENGTH)
    this.asciiPool.moveTo(outBytes, asciiStart)
    this.utf16Pool.moveTo(outBytes, utf16Start)
    outBytes.set(this.bytes.subarray(0, this.offset), valuesStart)
    this.offset = 0
    this.rowCount = 0
    return out
  }

  private writeValue(value: unknown): void {
    switch (typeof value) {
      case 'number':
        if ((value | 0) === value && !Object.is(value, -0)) {
          this.reserve(5)
          this.view.setUint8(this.offset, Tag.Int32)
          this.view.setInt32(this.offset + 1, value, true)
          this.offset += 5
        } else this.writeFloat(Tag.Float64, value)
        return
      case 'string':
        this.writeString(value)
        return
      case 'boolean':
        this.writeTag(value ? Tag.True : Tag.False)
        return
      case 'undefined':
        this.writeTag(Tag.Undefined)
        return
      case 'bigint':
        this.writeBigInt(value)
        return
      case 'object':
        this.writeObject(value)
        return
      default:
        throw new UnencodableValueError(value)
    }
  }

  private writeObject(value: object | null): void {
    if (value === null) this.writeTag(Tag.Null)
    else if (Array.isArray(value)) this.writeArray(value)
    else if (value instanceof Uint8Array) {
      this.writeLengthTagged(Tag.Bytes, value.length)
      this.bytes.set(value, this.offset)
      this.offset += value.length
    } else if (value instanceof Map) {
      this.writeLengthTagged(Tag.Map, value.size)
      for (const [key, entry] of value) {
        this.writeValue(key)
        this.writeValue(entry)
      }
    } else if (value instanceof Date) this.writeFloat(Tag.Date, value.getTime())
    else throw new UnencodableValueError(value)
  }

  private writeArray(values: readonly unknown[]): void {
    this.writeLengthTagged(Tag.Array, values.length)
    for (let i = 0; i < values.length; i++) this.writeValue(values[i])
  }

  private writeString(value: string): void {
    if (value.length < POOLED_STRING_LIMIT) {
      this.reserve(2)
      const ascii = this.asciiPool.addAscii(value)
      if (!ascii) this.utf16Pool.addUtf16(value)
      this.view.setUint8(this.offset, ascii ? Tag.ShortAscii : Tag.ShortUtf16)
      this.view.setUint8(this.offset + 1, value.length)
      this.offset += 2
      return
    }
    this.reserve(5 + value.length * MAX_UTF8_PER_UNIT)
    // UTF-8 as long as the string means ASCII; otherwise rewrite it as UTF-16.
    let written = this.bytes.write(value, this.offset + 5, 'utf8')
    if (written !== value.length) written = this.bytes.write(value, this.offset + 5, 'utf16le')
    this.view.setUint8(this.offset, written === value.length ? Tag.Ascii : Tag.Utf16)
    this.view.setUint32(this.offset + 1, written, true)
    this.offset += 5 + written
  }

  private writeBigInt(value: bigint): void {
    if (value >= MIN_INT64 && value <= MAX_INT64) {
      this.reserve(9)
      this.view.setUint8(this.offset, Tag.BigInt64)
      this.view.setBigInt64(this.offset + 1, value, true)
      this.offset += 9
      return
    }
    const digits = value.toString()
    this.writeLengthTagged(Tag.BigIntText, digits.length)
    this.offset += this.bytes.write(digits, this.offset, 'latin1')
  }

  private writeFloat(tag: number, value: number): void {
    this.reserve(9)
    this.view.setUint8(this.offset, tag)
    this.view.setFloat64(this.offset + 1, value, true)
    this.offset += 9
  }

  /** A tag and a u32 length, with room reserved for `length` bytes after them. */
  private writeLengthTagged(tag: number, length: number): void {
    this.reserve(5 + length)
    this.view.setUint8(this.offset, tag)
    this.view.setUint32(this.offset + 1, length, true)
    this.offset += 5
  }

  private writeTag(tag: number): void {
    this.reserve(1)
    this.view.setUint8(this.offset, tag)
    this.offset += 1
  }

  private reserve(bytes: number): void {
    const needed = this.offset + bytes
    if (needed <= this.bytes.length) return
    const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2))
    this.bytes.copy(grown, 0, 0, this.offset)
    this.bytes = grown
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength)
  }
}

/** Short strings of a batch being encoded, copied one after another. */
class StringPool {
  private bytes = Buffer.allocUnsafe(INITIAL_CAPACITY)
  length = 0

  /** Copies `value` in a byte a character if it is ASCII; false (and the pool unchanged) if it is not. */
  addAscii(value: string): boolean {
    this.reserve(value.length)
    const bytes = this.bytes
    const start = this.length
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i)
      if (code >= 0x80) return false
      bytes[start + i] = code
    }
    this.length = start + value.length
    return true
  }

  /** Copies `value`'s UTF-16 code units, little-endian. */
  addUtf16(value: string): void {
    this.reserve(value.length * UTF16_UNIT_BYTES)
    const bytes = this.bytes
    let at = this.length
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i)
      bytes[at] = code & 0xff
      bytes[at + 1] = code >>> 8
      at += UTF16_UNIT_BYTES
    }
    this.length = at
  }

  /** Copies the pool into `target` at `offset` and empties it. */
  moveTo(target: Uint8Array, offset: number): void {
    target.set(this.bytes.subarray(0, this.length), offset)
    this.length = 0
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.length + bytes, this.bytes.length * 2))
    this.bytes.copy(grown, 0, 0, this.length)
    this.bytes = grown
  }
}

/** The batch `BatchEncoder#finish` encoded. */
export function decodeBatch(buffer: ArrayBuffer): Batch {
  return new BatchDecoder(buffer).batch()
}

class BatchDecoder {
  private readonly view: DataView
  private readonly bytes: Buffer
  private offset = 0
  private asciiPool = ''
  private asciiOffset = 0
  private utf16Pool = ''
  private utf16Offset = 0

  constructor(buffer: ArrayBuffer) {
    this.view = new DataView(buffer)
    this.bytes = Buffer.from(buffer)
  }

  batch(): Batch {
    const count = this.view.getUint32(0, true)
    const hasKinds = this.view.getUint8(4) === 1
    const asciiStart = HEADER_LENGTH + (hasKinds ? count : 0)
    const utf16Start = asciiStart + this.view.getUint32(5, true)
    const valuesStart = utf16Start + this.view.getUint32(9, true)
    const kinds = hasKinds ? new Uint8Array(this.bytes.buffer.slice(HEADER_LENGTH, asciiStart)) : null
    this.asciiPool = this.bytes.toString('latin1', asciiStart, utf16Start)
    this.utf16Pool = this.bytes.toString('utf16le', utf16Start, valuesStart)
    this.offset = valuesStart
    const rows: Row[] = new Array(count)
    for (let i = 0; i < count; i++) rows[i] = this.readValue() as Row
    return { rows, kinds }
  }

  private readValue(): unknown {
    const tag = this.view.getUint8(this.offset)
    this.offset += 1
    switch (tag) {
      case Tag.Null:
        return null
      case Tag.Undefined:
        return undefined
      case Tag.False:
        return false
      case Tag.True:
        return true
      case Tag.Int32:
        this.offset += 4
        return this.view.getInt32(this.offset - 4, true)
      case Tag.Float64:
        this.offset += 8
        return this.view.getFloat64(this.offset - 8, true)
      case Tag.BigInt64:
        this.offset += 8
        return this.view.getBigInt64(this.offset - 8, true)
      case Tag.BigIntText:
        return BigInt(this.readText('latin1'))
      case Tag.ShortAscii: {
        const length = this.view.getUint8(this.offset)
        this.offset += 1
        this.asciiOffset += length
        return this.asciiPool.slice(this.asciiOffset - length, this.asciiOffset)
      }
      case Tag.ShortUtf16: {
        const length = this.view.getUint8(this.offset)
        this.offset += 1
        this.utf16Offset += length
        return this.utf16Pool.slice(this.utf16Offset - length, this.utf16Offset)
      }
      case Tag.Ascii:
        return this.readText('latin1')
      case Tag.Utf16:
        return this.readText('utf16le')
      case Tag.Bytes: {
        const length = this.readLength()
        this.offset += length
        return new Uint8Array(this.bytes.buffer.slice(this.offset - length, this.offset))
      }
      case Tag.Date:
        this.offset += 8
        return new Date(this.view.getFloat64(this.offset - 8, true))
      case Tag.Array: {
        const length = this.readLength()
        const values = new Array(length)
        for (let i = 0; i < length; i++) values[i] = this.readValue()
        return values
      }
      case Tag.Map: {
        const size = this.readLength()
        const map = new Map()
        for (let i = 0; i < size; i++) {
          const key = this.readValue()
          map.set(key, this.readValue())
        }
        return map
      }
      default:
        throw new Error(`corrupt exchange batch: unknown value tag ${tag} at byte ${this.offset - 1}`)
    }
  }

  private readText(encoding: 'latin1' | 'utf16le'): string {
    const length = this.readLength()
    this.offset += length
    return this.bytes.toString(encoding, this.offset - length, this.offset)
  }

  private readLength(): number {
    this.offset += 4
    return this.view.getUint32(this.offset - 4, true)
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value
  return value.constructor?.name ?? 'object'
}
