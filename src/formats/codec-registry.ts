import { type CompiledSchema, compileSchema } from './compiled-schema.ts'
import { DecodeError, errorMessage, type FormatErrorReason } from './errors.ts'
import { resolveReferences } from './references.ts'
import type { SchemaSource } from './schema-source.ts'

export interface CodecRegistryOptions {
  /** How long an id the registry did not know stays unknown before it is asked again. Default 10 s. */
  readonly unknownIdTtlMs?: number
  /** How long after a failed registry call the id may be tried again. Default 1 s. */
  readonly retryDelayMs?: number
  readonly now?: () => number
}

type Entry = { readonly schema: CompiledSchema } | { readonly error: DecodeError; readonly retryAt: number }

/**
 * Compiled schemas by id. Confluent schema ids are immutable, so a compiled schema is kept for the life of
 * the process (and so is a schema that does not compile). An unknown id is remembered for `unknownIdTtlMs`:
 * a topic full of garbage must not turn into one registry call per record, yet a schema registered a
 * moment ago must show up soon. A registry outage is remembered for `retryDelayMs`. Concurrent loads of one
 * id share a single call.
 */
export class CodecRegistry {
  private readonly source: SchemaSource
  private readonly entries = new Map<number, Entry>()
  private readonly loading = new Map<number, Promise<CompiledSchema>>()
  private readonly unknownIdTtlMs: number
  private readonly retryDelayMs: number
  private readonly now: () => number

  constructor(source: SchemaSource, options: CodecRegistryOptions = {}) {
    this.source = source
    this.unknownIdTtlMs = options.unknownIdTtlMs ?? 10_000
    this.retryDelayMs = options.retryDelayMs ?? 1_000
    this.now = options.now ?? Date.now
  }

  /** The latest outcome for `id` without calling the source: the schema, why loading it failed, or undefined if never loaded. */
  peek(id: number): CompiledSchema | DecodeError | undefined {
    const entry = this.entries.get(id)
    if (entry === undefined) return undefined
    return 'schema' in entry ? entry.schema : entry.error
  }

  /** The compiled schema for `id`; rejects with a DecodeError (UNKNOWN_SCHEMA_ID, INVALID_SCHEMA, REGISTRY_UNAVAILABLE). */
  load(id: number): Promise<CompiledSchema> {
    const entry = this.entries.get(id)
    if (entry !== undefined) {
      if ('schema' in entry) return Promise.resolve(entry.schema)
      if (this.now() < entry.retryAt) return Promise.reject(entry.error)
    }
    let pending = this.loading.get(id)
    if (pending === undefined) {
      pending = this.fetch(id).finally(() => this.loading.delete(id))
      this.loading.set(id, pending)
    }
    return pending
  }

  private async fetch(id: number): Promise<CompiledSchema> {
    try {
      const schema = await this.compile(id)
      this.entries.set(id, { schema })
      return schema
    } catch (error) {
      const cause = error instanceof DecodeError ? error : unavailable(error)
      const failure = cause.withContext({ schemaId: id })
      this.entries.set(id, { error: failure, retryAt: this.retryAt(failure.reason) })
      throw failure
    }
  }

  private async compile(id: number): Promise<CompiledSchema> {
    const registered = await this.source.schemaById(id)
    if (registered === undefined) {
      throw new DecodeError('UNKNOWN_SCHEMA_ID', `Schema id ${id} is not registered.`)
    }
    const references = await resolveReferences(this.source, registered.references ?? [])
    return compileSchema(registered.schemaType ?? 'AVRO', registered.schema, references)
  }

  private retryAt(reason: FormatErrorReason): number {
    if (reason === 'UNKNOWN_SCHEMA_ID') return this.now() + this.unknownIdTtlMs
    if (reason === 'REGISTRY_UNAVAILABLE') return this.now() + this.retryDelayMs
    // The schema behind an id never changes, so a schema that did not compile never will.
    return Number.POSITIVE_INFINITY
  }
}

function unavailable(error: unknown): DecodeError {
  return new DecodeError(
    'REGISTRY_UNAVAILABLE',
    `Schema registry call failed: ${errorMessage(error)}.`,
    {},
    error,
  )
}
