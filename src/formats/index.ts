export { AvroCodec } from './avro.ts'
export type { AvroLong } from './avro-long.ts'
export type { Codec, Decoder, Encoder, PayloadDecoder } from './codec.ts'
export { CodecRegistry, type CodecRegistryOptions } from './codec-registry.ts'
export type { CompiledSchema } from './compiled-schema.ts'
export {
  DecodeError,
  EncodeError,
  FormatError,
  type FormatErrorContext,
  type FormatErrorReason,
} from './errors.ts'
export { FramedCodec, type FramedCodecOptions } from './framed-codec.ts'
export { JsonCodec } from './json.ts'
export { ProtobufCodec, ProtobufSchema } from './protobuf.ts'
export { rawCodec } from './raw.ts'
export type { RegisteredSchema, SchemaReference, SchemaSource, SchemaType } from './schema-source.ts'
export {
  type ConfluentFrame,
  decodeFrame,
  encodeFrame,
  FIRST_MESSAGE_INDEXES,
  frameHeaderSize,
  MAGIC_BYTE,
  readMessageIndexes,
  readSchemaId,
  SCHEMA_ID_END,
  writeFrameHeader,
} from './wire/confluent.ts'
