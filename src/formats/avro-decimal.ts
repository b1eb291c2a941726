/**
 * Avro's `decimal` logical type stores the unscaled value (value × 10^scale) as big-endian two's-complement
 * bytes, Java's `BigInteger.toByteArray()`; the scale lives in the schema. These convert between those bytes
 * and the unscaled value as a bigint, exactly and for any precision.
 */

export function unscaledFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  // The first byte's top bit is the sign.
  return (bytes[0]! & 0x80) === 0 ? value : value - (1n << BigInt(bytes.length * 8))
}

/** The shortest two's-complement bytes of `unscaled`, as Java writes them (0 is one zero byte). */
export function unscaledToBytes(unscaled: bigint): Buffer {
  const bytes: number[] = []
  let rest = unscaled
  // Emit low bytes until what is left is all sign: 0 with a clear top bit, or -1 with a set one.
  for (;;) {
    const byte = Number(rest & 0xffn)
    bytes.push(byte)
    rest >>= 8n
    if ((rest === 0n && (byte & 0x80) === 0) || (rest === -1n && (byte & 0x80) !== 0)) break
  }
  return Buffer.from(bytes.reverse())
}
