import type { Codec } from './codec.ts'

/** Bytes as they are, for datasets without a format; both directions return the given buffer, not a copy. */
export const rawCodec: Codec<Buffer> = {
  encode: (value) => value,
  decode: (bytes) => bytes,
}
