/** Turns values into bytes. */
export interface Encoder<T> {
  encode(value: T): Buffer
}

/** Turns bytes into values; throws `DecodeError` for bytes that do not fit. */
export interface Decoder<T> {
  decode(bytes: Buffer): T
}

/** Both directions under one schema: `decode(encode(v))` equals `v` up to the format's documented mappings. */
export interface Codec<T> extends Encoder<T>, Decoder<T> {}
