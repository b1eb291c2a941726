import type { Row } from '../../engine/index.ts'

/**
 * Record values to rows. `decode` is synchronous (no promise per record); formats that need something
 * fetched first (a registry's writer schemas) get it in `prepare`, once per batch. Every RowFormat is one.
 */
export interface RecordDecoder {
  prepare?(values: readonly Buffer[]): Promise<void>
  decode(bytes: Buffer): Row
}

/** Sources decode the table's whole row (CSV fields are positional) and keep the projected columns. */
export function projectingDecoder(
  decoder: RecordDecoder,
  projection: readonly number[] | undefined,
): RecordDecoder {
  if (projection === undefined) return decoder
  const prepare = decoder.prepare?.bind(decoder)
  return {
    ...(prepare === undefined ? {} : { prepare }),
    decode(bytes) {
      const row = decoder.decode(bytes)
      return projection.map((index) => row[index])
    },
  }
}
