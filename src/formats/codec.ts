/** Turns values into bytes. */
export interface Encoder<T> {
  encode(value: T): Buffer
}

/** Turns bytes into values; throws `DecodeError` for bytes that do not fit. */
export interface Decoder<T> {
  decode(bytes: Buffer): T
}

/**
 * Decodes a payload that starts at an offset of a larger buffer and runs to its end (a framed record), without
 * slicing: a subarray per record costs about as much as reading a small record.
 */
export interface PayloadDecoder<T> {
  decodePayload(bytes: Buffer, offset: number): T
}

/** Both directions under one schema: `decode(encode(v))` equals `v` up to the format's documented mappings. */
export interface Codec<T> extends Encoder<T>, Decoder<T> {}
