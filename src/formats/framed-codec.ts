import type { Codec, Decoder, Encoder, PayloadDecoder } from './codec.ts'
import type { CodecRegistry } from './codec-registry.ts'
import type { CompiledSchema } from './compiled-schema.ts'
import { DecodeError } from './errors.ts'
import type { ProtobufSchema } from './protobuf.ts'
import { encodeFrame, MAGIC_BYTE, readMessageIndexes, readSchemaId, SCHEMA_ID_END } from './wire/confluent.ts'

export interface FramedCodecOptions {
  /** The dataset's schema: stamped on encoded records, and the reader schema decoded records are shaped by. */
  readonly schemaId: number
  /** Protobuf: the fully-qualified message to write and read; by default the schema's first message. */
  readonly messageName?: string
}

/** How this codec reads the payloads of records written with one (writer) schema. */
type WriterView =
  | { readonly indexed: false; readonly decoder: PayloadDecoder<unknown> }
  | { readonly indexed: true; decoderAt(messageIndexes: readonly number[]): Decoder<unknown> }

/**
 * Confluent-framed records of one dataset. Encoding writes the dataset's schema id; decoding picks the
 * writer's schema by the id in each record and reads it as the dataset's schema sees it (Avro schema
 * resolution, Protobuf by message name).
 *
 * `decode` is synchronous so the hot path has no promise per record: writer schemas must be loaded first
 * with `prepare(batch)`, one registry round per id never seen before. `decodeAsync` does both.
 */
export class FramedCodec<T = unknown> implements Codec<T> {
  private readonly registry: CodecRegistry
  private readonly schemaId: number
  private readonly reader: CompiledSchema
  private readonly encoder: Encoder<unknown>
  private readonly messageIndexes: readonly number[] | undefined
  private readonly writers = new Map<number, WriterView>()

  private constructor(registry: CodecRegistry, options: FramedCodecOptions, reader: CompiledSchema) {
    this.registry = registry
    this.schemaId = options.schemaId
    this.reader = reader
    if (reader.schemaType === 'PROTOBUF') {
      const message =
        options.messageName === undefined
          ? reader.protobuf.firstMessage
          : reader.protobuf.message(options.messageName)
      this.encoder = message
      this.messageIndexes = message.messageIndexes
    } else {
      this.encoder = reader.schemaType === 'AVRO' ? reader.avro : reader.json
    }
  }

  /** Rejects with a DecodeError when the dataset's own schema cannot be loaded. */
  static async create<T = unknown>(
    registry: CodecRegistry,
    options: FramedCodecOptions,
  ): Promise<FramedCodec<T>> {
    return new FramedCodec<T>(registry, options, await registry.load(options.schemaId))
  }

  encode(value: T): Buffer {
    return encodeFrame(this.schemaId, this.encoder.encode(value), this.messageIndexes)
  }

  /** The caller vouches that records of this dataset decode to T. */
  decode(bytes: Buffer): T {
    const schemaId = readSchemaId(bytes)
    const writer = this.writers.get(schemaId) ?? this.viewOf(schemaId)
    let messageIndexes: readonly number[] | undefined
    try {
      if (!writer.indexed) return writer.decoder.decodePayload(bytes, SCHEMA_ID_END) as T
      const cursor = { offset: SCHEMA_ID_END }
      messageIndexes = readMessageIndexes(bytes, cursor)
      return writer.decoderAt(messageIndexes).decode(bytes.subarray(cursor.offset)) as T
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      throw error.withContext(messageIndexes === undefined ? { schemaId } : { schemaId, messageIndexes })
    }
  }

  /** Loads the writer schemas of a batch so that `decode` can run synchronously on each record. */
  async prepare(records: Iterable<Buffer>): Promise<void> {
    const missing = new Set<number>()
    for (const bytes of records) {
      if (bytes.length >= SCHEMA_ID_END && bytes[0] === MAGIC_BYTE) {
        const schemaId = bytes.readInt32BE(1)
        if (!this.writers.has(schemaId)) missing.add(schemaId)
      }
    }
    // A failed load is remembered by the registry and reported by `decode` for each record it concerns.
    await Promise.all([...missing].map((schemaId) => this.registry.load(schemaId).catch(() => undefined)))
  }

  async decodeAsync(bytes: Buffer): Promise<T> {
    await this.prepare([bytes])
    return this.decode(bytes)
  }

  private viewOf(schemaId: number): WriterView {
    const writer = this.registry.peek(schemaId)
    if (writer === undefined) {
      throw new Error(
        `Writer schema ${schemaId} is not loaded: call prepare() with the batch first, or decodeAsync().`,
      )
    }
    // Registry failures are not kept here: the registry decides when the id is worth asking again.
    if (writer instanceof DecodeError) throw writer
    let view: WriterView
    try {
      view = this.resolve(schemaId, writer)
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      // A writer that cannot be read as the reader never will be (ids are immutable): keep the failure.
      const decoder = failing(error.withContext({ schemaId }))
      view =
        writer.schemaType === 'PROTOBUF'
          ? { indexed: true, decoderAt: () => decoder }
          : { indexed: false, decoder }
    }
    this.writers.set(schemaId, view)
    return view
  }

  private resolve(schemaId: number, writer: CompiledSchema): WriterView {
    const reader = this.reader
    if (reader.schemaType === 'AVRO' && writer.schemaType === 'AVRO') {
      return { indexed: false, decoder: reader.avro.readerOf(writer.avro) }
    }
    // JSON has no schema resolution; the writer's schema is what the record promises to satisfy.
    if (reader.schemaType === 'JSON' && writer.schemaType === 'JSON') {
      const { json } = writer
      return {
        indexed: false,
        decoder: { decodePayload: (bytes, offset) => json.decode(bytes.subarray(offset)) },
      }
    }
    if (reader.schemaType === 'PROTOBUF' && writer.schemaType === 'PROTOBUF') {
      return {
        indexed: true,
        decoderAt: (indexes) => protobufReader(reader.protobuf, writer.protobuf, indexes),
      }
    }
    throw new DecodeError(
      'INCOMPATIBLE_SCHEMA',
      `Record was written with a ${writer.schemaType} schema (id ${schemaId}) but the dataset reads ${reader.schemaType} (schema id ${this.schemaId}).`,
    )
  }
}

/**
 * Protobuf fields are matched by number, so a payload decodes with the reader's message of the same name
 * (added fields get defaults, removed ones are skipped); a message the reader does not know decodes as written.
 */
function protobufReader(
  reader: ProtobufSchema,
  writer: ProtobufSchema,
  indexes: readonly number[],
): Decoder<unknown> {
  const written = writer.messageAt(indexes)
  return reader === writer ? written : (reader.findMessage(written.fullName) ?? written)
}

function failing(error: DecodeError): Decoder<unknown> & PayloadDecoder<unknown> {
  const fail = (): never => {
    throw error
  }
  return { decode: fail, decodePayload: fail }
}
