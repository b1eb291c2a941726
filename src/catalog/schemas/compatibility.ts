/**
 * Type-agnostic entry points for the registry: a provider per schema type, and the check of a candidate schema
 * against a subject's history under a compatibility level.
 */
import { checkAvroCompatibility, type ParsedAvroSchema, parseAvroSchema } from './avro.ts'
import { formatIncompatibility, READER_WRITER_ROLES, type SchemaRoles } from './incompatibility.ts'
import { checkJsonSchemaCompatibility, type ParsedJsonSchema, parseJsonSchema } from './json-schema.ts'
import { checkProtobufCompatibility, type ParsedProtobufSchema, parseProtobufSchema } from './protobuf.ts'
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type ParsedSchema, type SchemaType } from './types.ts'
import { WorkBudget } from './work-budget.ts'

export interface SchemaProvider {
  /** Throws InvalidSchemaError. `references` maps reference names to the referenced schemas' texts. */
  parse(text: string, references: ReadonlyMap<string, string>): ParsedSchema
  /**
   * Reasons `reader` cannot read what `writer` wrote (one formatted finding each); empty when it can. Throws
   * SchemaTooComplexError when the comparison would spend more than `budget` allows.
   */
  check(reader: ParsedSchema, writer: ParsedSchema, roles?: SchemaRoles, budget?: WorkBudget): string[]
}

function providerOf<S extends ParsedSchema>(
  type: S['type'],
  parse: (text: string, references: ReadonlyMap<string, string>) => S,
  check: (reader: S, writer: S, roles: SchemaRoles, budget: WorkBudget) => string[],
): SchemaProvider {
  const isOwn = (schema: ParsedSchema): schema is S => schema.type === type
  return {
    parse,
    check(reader, writer, roles = READER_WRITER_ROLES, budget = new WorkBudget()) {
      if (isOwn(reader) && isOwn(writer)) return check(reader, writer, roles, budget)
      return [
        formatIncompatibility({
          type: 'SCHEMA_TYPE_MISMATCH',
          location: '/',
          message: `${writer.type} -> ${reader.type}`,
          description: `The ${roles.reader} schema is of type ${reader.type} but the ${roles.writer} schema is of type ${writer.type}`,
        }),
      ]
    },
  }
}

const PROVIDERS: Readonly<Record<SchemaType, SchemaProvider>> = {
  AVRO: providerOf<ParsedAvroSchema>('AVRO', parseAvroSchema, checkAvroCompatibility),
  PROTOBUF: providerOf<ParsedProtobufSchema>('PROTOBUF', parseProtobufSchema, checkProtobufCompatibility),
  JSON: providerOf<ParsedJsonSchema>('JSON', parseJsonSchema, checkJsonSchemaCompatibility),
}

export function providerFor(type: SchemaType): SchemaProvider {
  return PROVIDERS[type]
}

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value)
}

export interface CompatibilityResult {
  readonly compatible: boolean
  readonly messages: string[]
  /** Indexes into `history` of the versions the candidate is incompatible with, newest first. */
  readonly incompatibleWith: number[]
}

const NEW_READS_OLD: SchemaRoles = { reader: 'new', writer: 'old' }
const OLD_READS_NEW: SchemaRoles = { reader: 'old', writer: 'new' }

/**
 * Checks `candidate` against `history` (oldest first). BACKWARD: the candidate reads data written with the
 * latest version; FORWARD: the latest version reads data written with the candidate; FULL: both. The
 * `_TRANSITIVE` levels check every version, not just the latest; NONE accepts anything. All the comparisons share
 * one `budget` (one request's worth of work), so many versions cannot multiply it.
 */
export function checkAgainstHistory(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  history: readonly ParsedSchema[],
  budget: WorkBudget = new WorkBudget(),
): CompatibilityResult {
  const checkBackward = level.startsWith('BACKWARD') || level.startsWith('FULL')
  const checkForward = level.startsWith('FORWARD') || level.startsWith('FULL')
  const lastIndex = history.length - 1
  const firstIndex = level.endsWith('_TRANSITIVE') ? 0 : lastIndex
  const messages: string[] = []
  const incompatibleWith: number[] = []
  for (let index = lastIndex; index >= firstIndex && index >= 0; index--) {
    const previous = history[index]
    if (previous === undefined) continue
    const provider = providerFor(candidate.type)
    const findings = [
      ...(checkBackward ? provider.check(candidate, previous, NEW_READS_OLD, budget) : []),
      ...(checkForward ? provider.check(previous, candidate, OLD_READS_NEW, budget) : []),
    ]
    if (findings.length > 0) {
      messages.push(...findings)
      incompatibleWith.push(index)
    }
  }
  return { compatible: incompatibleWith.length === 0, messages, incompatibleWith }
}
