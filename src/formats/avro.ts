/**
 * Avro payloads with avsc. Value mapping (decode and encode):
 * - long: a number, or a bigint when the value is beyond ±2^53 (avsc would refuse it). Magnitudes from 2^52
 *   up go through the exact long type: avsc's own gets negative ones wrong.
 * - Logical types keep their underlying Avro type: timestamp-millis/-micros and time-* are numbers since the
 *   epoch / midnight (no Date objects: the engine computes on numbers), date is days since the epoch,
 *   uuid a string, decimal the raw two's-complement bytes (a Buffer).
 * - Records decode into avsc record instances (plain fields, fixed shape); encode accepts any object.
 * - Unions follow avsc's 'auto' mode: a union with one non-null branch per JS kind (e.g. ["null","string"])
 *   is the bare value, other unions are wrapped as `{ branchName: value }`.
 */
import avro, { type Type } from 'avsc'
import { exactLongType, fastLongType } from './avro-long.ts'
import type { Codec, Decoder, PayloadDecoder } from './codec.ts'
import { DecodeError, describeValue, EncodeError, errorMessage, fieldPath } from './errors.ts'

type Resolver = ReturnType<Type['createResolver']>

/** avsc's long type throws this when a value does not fit a double; such records are re-read exactly. */
const PRECISION_LOSS = 'potential precision loss'

/**
 * Every schema is compiled twice: `fast` reads longs as plain numbers (the hot path), `exact` falls back to
 * bigint; a record is read or written with `exact` only after `fast` refused it.
 */
interface Compiled<T> {
  readonly fast: T
  readonly exact: T
}

export class AvroCodec implements Codec<unknown>, PayloadDecoder<unknown> {
  private readonly types: Compiled<Type>

  private constructor(types: Compiled<Type>) {
    this.types = types
  }

  /**
   * @param schema the schema's JSON text
   * @param references JSON texts of the schemas whose named types `schema` uses, dependencies first
   */
  static parse(schema: string, references: readonly string[] = []): AvroCodec {
    return new AvroCodec({
      fast: compile(schema, references, fastLongs),
      exact: compile(schema, references, exactLongs),
    })
  }

  decode(bytes: Buffer): unknown {
    return read(this.types, undefined, bytes, 0)
  }

  decodePayload(bytes: Buffer, offset: number): unknown {
    return read(this.types, undefined, bytes, offset)
  }

  encode(value: unknown): Buffer {
    try {
      return write(this.types.fast, value)
    } catch {
      try {
        return write(this.types.exact, value)
      } catch (error) {
        throw mismatch(this.types.exact, value, error)
      }
    }
  }

  /** Reads bytes written with `writer`'s schema as this schema sees them: defaults fill missing fields. */
  readerOf(writer: AvroCodec): Decoder<unknown> & PayloadDecoder<unknown> {
    if (writer === this) return this
    let resolvers: Compiled<Resolver>
    try {
      resolvers = {
        fast: this.types.fast.createResolver(writer.types.fast),
        exact: this.types.exact.createResolver(writer.types.exact),
      }
    } catch (error) {
      const description = `Avro writer schema cannot be resolved to the reader schema: ${errorMessage(error)}.`
      throw new DecodeError('INCOMPATIBLE_SCHEMA', description, {}, error)
    }
    return {
      decode: (bytes) => read(this.types, resolvers, bytes, 0),
      decodePayload: (bytes, offset) => read(this.types, resolvers, bytes, offset),
    }
  }
}

function isLongSchema(schema: unknown): boolean {
  return (
    schema === 'long' ||
    (typeof schema === 'object' && schema !== null && 'type' in schema && schema.type === 'long')
  )
}

/** Swaps in the exact long type wherever a schema says long, including under logical types. */
function exactLongs(schema: unknown): Type | undefined {
  return isLongSchema(schema) ? exactLongType : undefined
}

/** avsc's long, made to refuse the magnitudes it gets wrong (see avro-long.ts). */
const checkedFastLong = fastLongType()
function fastLongs(schema: unknown): Type | undefined {
  return isLongSchema(schema) ? checkedFastLong : undefined
}

function compile(schema: string, references: readonly string[], typeHook: typeof exactLongs): Type {
  try {
    // Parsing into one registry is how referenced named types become visible to the schema.
    const options = { registry: {}, typeHook }
    for (const reference of references) avro.Type.forSchema(JSON.parse(reference), options)
    return avro.Type.forSchema(JSON.parse(schema), options)
  } catch (error) {
    throw new DecodeError(
      'INVALID_SCHEMA',
      `Avro schema does not compile: ${errorMessage(error)}.`,
      {},
      error,
    )
  }
}

/**
 * Records are written here, then copied into a pooled buffer of the right size: avsc's `toBuffer` allocates
 * a zero-filled, unpooled buffer per record, which costs several times the encoding itself.
 */
let scratch = Buffer.allocUnsafe(64 * 1024)

function write(type: Type, value: unknown): Buffer {
  let end = type.encode(value, scratch, 0)
  if (end < 0) {
    // avsc returns minus the bytes that did not fit.
    scratch = Buffer.allocUnsafe(Math.max(2 * scratch.length, scratch.length - end))
    end = type.encode(value, scratch, 0)
  }
  const bytes = Buffer.allocUnsafe(end)
  scratch.copy(bytes, 0, 0, end)
  return bytes
}

/** Reads the record that fills `bytes` from `offset` to the end. */
function read(
  types: Compiled<Type>,
  resolvers: Compiled<Resolver> | undefined,
  bytes: Buffer,
  offset: number,
): unknown {
  try {
    return readWhole(types.fast, resolvers?.fast, bytes, offset)
  } catch (error) {
    if (errorMessage(error) !== PRECISION_LOSS) throw decodeFailure(error)
  }
  try {
    return readWhole(types.exact, resolvers?.exact, bytes, offset)
  } catch (error) {
    throw decodeFailure(error)
  }
}

/** avsc's `decode` reads at an offset with no copy, but leaves the checks `fromBuffer` makes to its caller. */
function readWhole(type: Type, resolver: Resolver | undefined, bytes: Buffer, offset: number): unknown {
  const decoded = type.decode(bytes, offset, resolver)
  if (decoded.offset < 0) {
    throw new DecodeError('TRUNCATED', 'Avro payload ends before the record is complete.')
  }
  if (decoded.offset < bytes.length) {
    throw new DecodeError('SCHEMA_MISMATCH', 'Avro payload has bytes left after the record.')
  }
  return decoded.value
}

/** avsc's own failures are plain errors whose message is all there is to say what went wrong. */
function decodeFailure(error: unknown): DecodeError {
  if (error instanceof DecodeError) return error
  return new DecodeError(
    'SCHEMA_MISMATCH',
    `Avro payload does not decode: ${errorMessage(error)}.`,
    {},
    error,
  )
}

function mismatch(type: Type, value: unknown, error: unknown): EncodeError {
  let found: { path: string; value: unknown; type: string } | undefined
  type.isValid(value, {
    errorHook: (path, invalid, invalidType) => {
      found ??= {
        path: fieldPath(path),
        value: invalid,
        type: invalidType.branchName ?? invalidType.typeName,
      }
    },
  })
  if (found === undefined) {
    return new EncodeError(
      'SCHEMA_MISMATCH',
      `Value does not encode as Avro: ${errorMessage(error)}.`,
      {},
      error,
    )
  }
  const where = found.path === '' ? 'Value' : `Field '${found.path}'`
  const description = `${where} is ${describeValue(found.value)}, not a valid Avro ${found.type}.`
  return new EncodeError('SCHEMA_MISMATCH', description, { path: found.path })
}
