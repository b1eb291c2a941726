import type { ResolvedBinding } from '../catalog/locations/model.ts'
import { type CodecRegistry, FramedCodec, JsonCodec, rawCodec } from '../formats/index.ts'
import { DatasetUsageError } from './errors.ts'

/** How one side (key or value) of a dataset's records is encoded, whatever the format. */
export interface BindingCodec {
  encode(value: unknown): Buffer
  /** Throws DecodeError for bytes that are not a valid record. */
  decode(bytes: Buffer): unknown
  /** Loads what decoding this batch needs (writer schemas), so `decode` stays synchronous. */
  prepare(batch: Iterable<Buffer>): Promise<void>
}

const nothingToPrepare = async (): Promise<void> => undefined

export async function codecFor(
  dataset: string,
  side: 'key' | 'value',
  binding: ResolvedBinding,
  registry: CodecRegistry,
): Promise<BindingCodec> {
  if (binding.schema) {
    const framed = await FramedCodec.create(
      registry,
      binding.message === undefined
        ? { schemaId: binding.schema.id }
        : { schemaId: binding.schema.id, messageName: binding.message },
    )
    return {
      encode: (value) => framed.encode(value),
      decode: (bytes) => framed.decode(bytes),
      prepare: (batch) => framed.prepare(batch),
    }
  }
  if (binding.format === 'raw') {
    return {
      encode: (value) => rawCodec.encode(Buffer.isBuffer(value) ? value : Buffer.from(String(value))),
      decode: (bytes) => rawCodec.decode(bytes),
      prepare: nothingToPrepare,
    }
  }
  if (binding.format === 'json') {
    const json = JsonCodec.schemaless
    return {
      encode: (value) => json.encode(value),
      decode: (bytes) => json.decode(bytes),
      prepare: nothingToPrepare,
    }
  }
  throw new DatasetUsageError(
    dataset,
    `its ${side} format is ${binding.format} but subject '${binding.subject}' has no schema yet: register one with \`weir schema register ${binding.subject} --file <schema>\``,
  )
}
