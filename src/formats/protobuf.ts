/**
 * Protobuf payloads with protobufjs, schemas parsed from .proto text at run time (field names as written).
 * Value mapping (decode and encode):
 * - 64-bit integers are numbers while safe, bigints beyond 2^53 (as Avro longs); encode also takes decimal
 *   strings.
 * - enums are their value names; encode also takes numbers.
 * - bytes are Buffers; encode also takes base64 strings.
 * - Absent fields decode to their defaults (0, '', [], {}), so every decoded message has the same shape.
 */
import protobuf from 'protobufjs'
import type { Codec } from './codec.ts'
import { DecodeError, EncodeError, errorMessage } from './errors.ts'
import { settleLongs } from './protobuf-longs.ts'
import { checkMessage } from './protobuf-shape.ts'

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true }
const TO_OBJECT: protobuf.IConversionOptions = {
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
}

/** One message type of a schema, with the Confluent message indexes that name it in its file. */
export class ProtobufCodec implements Codec<unknown> {
  private readonly type: protobuf.Type
  readonly messageIndexes: readonly number[]

  constructor(type: protobuf.Type, messageIndexes: readonly number[]) {
    this.type = type
    this.messageIndexes = messageIndexes
  }

  /** Without the leading dot, e.g. `shop.Order.Line`. */
  get fullName(): string {
    return this.type.fullName.slice(1)
  }

  decode(bytes: Buffer): unknown {
    let message: protobuf.Message
    try {
      message = this.type.decode(bytes)
    } catch (error) {
      // protobufjs reads past the end only via its bounds check, which throws a RangeError.
      const reason = error instanceof RangeError ? 'TRUNCATED' : 'SCHEMA_MISMATCH'
      throw new DecodeError(
        reason,
        `Protobuf payload does not decode as ${this.fullName}: ${errorMessage(error)}.`,
        {},
        error,
      )
    }
    const object = this.type.toObject(message, TO_OBJECT)
    settleLongs(this.type, object)
    return object
  }

  encode(value: unknown): Buffer {
    const problem = checkMessage(this.type, value)
    if (problem !== undefined) {
      throw new EncodeError(
        'SCHEMA_MISMATCH',
        `${problem.path === '' ? 'Value' : `Field '${problem.path}'`} of ${this.fullName} ${problem.problem}.`,
        { path: problem.path },
      )
    }
    // checkMessage has established that value is a plain object.
    const bytes = this.type.encode(this.type.fromObject(value as Record<string, unknown>)).finish()
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
}

/** A parsed .proto file with its imports; hands out a codec per message. */
export class ProtobufSchema {
  private readonly root: protobuf.Root
  /** Full names of the file's top-level messages, in declaration order: the first message index. */
  private readonly topLevel: readonly string[]
  private readonly byName = new Map<string, ProtobufCodec>()
  private readonly byIndexes = new Map<string, ProtobufCodec>()

  private constructor(root: protobuf.Root, topLevel: readonly string[]) {
    this.root = root
    this.topLevel = topLevel
  }

  /**
   * @param schema the .proto text
   * @param imports .proto texts by import path (the Confluent reference names); google/protobuf well-known
   *   types need no entry
   */
  static parse(schema: string, imports: ReadonlyMap<string, string> = new Map()): ProtobufSchema {
    try {
      const root = new protobuf.Root()
      parseWithImports(schema, root, imports, new Set())
      root.resolveAll()
      return new ProtobufSchema(root, topLevelMessages(schema))
    } catch (error) {
      throw new DecodeError(
        'INVALID_SCHEMA',
        `Protobuf schema does not compile: ${errorMessage(error)}.`,
        {},
        error,
      )
    }
  }

  /** The message Confluent serializers use when none is named: the first one in the file. */
  get firstMessage(): ProtobufCodec {
    return this.messageAt([0])
  }

  /** By fully-qualified name, with or without the leading dot. */
  message(fullName: string): ProtobufCodec {
    const codec = this.findMessage(fullName)
    if (codec === undefined) {
      throw new DecodeError(
        'UNKNOWN_MESSAGE_TYPE',
        `Protobuf schema defines no message ${fullName} (imported messages do not count).`,
      )
    }
    return codec
  }

  findMessage(fullName: string): ProtobufCodec | undefined {
    const name = fullName.startsWith('.') ? fullName.slice(1) : fullName
    const cached = this.byName.get(name)
    if (cached !== undefined) return cached
    const type = this.lookup(name)
    const indexes = type === undefined ? undefined : this.indexesOf(type)
    return type === undefined || indexes === undefined
      ? undefined
      : this.remember(new ProtobufCodec(type, indexes))
  }

  /** By Confluent message indexes: the path of positions from the file's top-level messages inward. */
  messageAt(indexes: readonly number[]): ProtobufCodec {
    const key = indexes.join(',')
    const cached = this.byIndexes.get(key)
    if (cached !== undefined) return cached
    let type = indexes[0] === undefined ? undefined : this.lookup(this.topLevel[indexes[0]])
    for (let depth = 1; depth < indexes.length && type !== undefined; depth++) {
      type = nestedMessages(type)[indexes[depth]!]
    }
    if (type === undefined) {
      throw new DecodeError(
        'UNKNOWN_MESSAGE_TYPE',
        `Protobuf schema has no message at indexes [${indexes.join(', ')}].`,
        { messageIndexes: indexes },
      )
    }
    return this.remember(new ProtobufCodec(type, [...indexes]))
  }

  private remember(codec: ProtobufCodec): ProtobufCodec {
    const existing = this.byName.get(codec.fullName)
    if (existing !== undefined) return existing
    this.byName.set(codec.fullName, codec)
    this.byIndexes.set(codec.messageIndexes.join(','), codec)
    return codec
  }

  private lookup(fullName: string | undefined): protobuf.Type | undefined {
    if (fullName === undefined) return undefined
    const found = this.root.lookup(fullName)
    return found instanceof protobuf.Type ? found : undefined
  }

  private indexesOf(type: protobuf.Type): number[] | undefined {
    const path: number[] = []
    let current = type
    while (current.parent instanceof protobuf.Type) {
      path.unshift(nestedMessages(current.parent).indexOf(current))
      current = current.parent
    }
    const top = this.topLevel.indexOf(current.fullName.slice(1))
    if (top < 0) return undefined
    path.unshift(top)
    return path
  }
}

function nestedMessages(type: protobuf.Type): protobuf.Type[] {
  return type.nestedArray.filter((nested) => nested instanceof protobuf.Type)
}

function parseWithImports(
  source: string,
  root: protobuf.Root,
  imports: ReadonlyMap<string, string>,
  seen: Set<string>,
): void {
  const parsed = protobuf.parse(source, root, PARSE_OPTIONS)
  for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    if (seen.has(name)) continue
    seen.add(name)
    const text = imports.get(name)
    if (text !== undefined) {
      parseWithImports(text, root, imports, seen)
      continue
    }
    const bundled = protobuf.common.get(name)
    if (bundled === null) throw new Error(`import "${name}" has no schema reference`)
    root.addJSON(bundled.nested ?? {})
  }
}

/** The file's own top-level messages, found by parsing it alone: the shared root also holds imported types. */
function topLevelMessages(schema: string): string[] {
  const parsed = protobuf.parse(schema, new protobuf.Root(), PARSE_OPTIONS)
  const scope = parsed.package === undefined ? parsed.root : parsed.root.lookup(parsed.package)
  if (!(scope instanceof protobuf.Namespace)) return []
  return scope.nestedArray
    .filter((nested) => nested instanceof protobuf.Type)
    .map((type) => type.fullName.slice(1))
}
