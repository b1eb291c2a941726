/**
 * Schemas by global id, with the caches that make reads cheap: ids never change meaning, so whatever was read
 * once is served from memory (the body of GET /schemas/ids/{id} pre-serialized, parsed forms for compatibility
 * checks, Protobuf descriptors). Also resolves references, which is reading other schemas.
 *
 * Methods taking a `db` run on that handle: inside a transaction every query must use the transaction's handle,
 * or on PGlite it would wait forever for the connection the transaction holds.
 */
import type { Kysely } from 'kysely'
import type { CatalogTables, SchemaRow, StoredReference, SubjectVersionRow } from '../db/tables.ts'
import type { ParsedProtobufSchema } from '../schemas/protobuf.ts'
import { BoundedCache } from './cache.ts'
import { invalidSchema, schemaNotFound } from './errors.ts'
import { type SchemaById, schemaByIdBody } from './model.ts'
import { protoTextToSerialized } from './protobuf-serialized.ts'
import { type ParsedSchema, parseSchema, type SchemaType } from './schema-support.ts'
import { type Db, findSchemaByGuid, findSchemaById, subjectVersions } from './store.ts'

export class SchemaStore {
  /** id → the exact JSON body of GET /schemas/ids/{id}: the hot path sends it as is. */
  private readonly byIdBody: BoundedCache<number, string>
  private readonly byId: BoundedCache<number, SchemaById>
  private readonly parsedById: BoundedCache<number, ParsedSchema>
  /** id → base64 FileDescriptorProto, for Protobuf consumers asking with ?format=serialized. */
  private readonly serializedById: BoundedCache<number, string>
  /**
   * Misses in flight, by key: when many clients ask for the same uncached schema at once (every consumer of a
   * topic starting together), one database read answers them all instead of a stampede.
   */
  private readonly pending = new Map<string, Promise<unknown>>()

  constructor(
    private readonly db: Kysely<CatalogTables>,
    idCacheSize: number,
  ) {
    this.byIdBody = new BoundedCache(idCacheSize)
    this.byId = new BoundedCache(idCacheSize)
    this.parsedById = new BoundedCache(Math.min(idCacheSize, 5_000))
    this.serializedById = new BoundedCache(Math.min(idCacheSize, 5_000))
  }

  stats(): { hits: number; misses: number } {
    return { hits: this.byIdBody.hits + this.byId.hits, misses: this.byIdBody.misses + this.byId.misses }
  }

  /** Drops everything cached: a rolled-back transaction may have let an uncommitted schema in. */
  forget(): void {
    this.byId.clear()
    this.byIdBody.clear()
    this.parsedById.clear()
    this.serializedById.clear()
  }

  getSchemaById(id: number): Promise<SchemaById> {
    const cached = this.byId.get(id)
    if (cached !== undefined) return Promise.resolve(cached)
    return this.singleFlight(`id:${id}`, () => this.loadSchema(this.db, id))
  }

  singleFlight<T>(key: string, load: () => Promise<T>): Promise<T> {
    const inFlight = this.pending.get(key)
    if (inFlight !== undefined) return inFlight as Promise<T>
    const promise = load().finally(() => this.pending.delete(key))
    this.pending.set(key, promise)
    return promise
  }

  /**
   * Inside a transaction, every query must go through the transaction's handle: on PGlite another handle would
   * wait for the connection the transaction holds, forever.
   */
  async loadSchema(db: Db, id: number): Promise<SchemaById> {
    const cached = this.byId.get(id)
    if (cached !== undefined) return cached
    const row = await findSchemaById(db, id)
    if (row === undefined) {
      throw schemaNotFound(
        `Schema ${id} not found. Ids come from registering a schema (POST /subjects/{subject}/versions).`,
      )
    }
    return this.remember(row)
  }

  /** The serialized body of GET /schemas/ids/{id}, from memory after the first read. */
  async getSchemaByIdBody(id: number): Promise<string> {
    const cached = this.byIdBody.get(id)
    if (cached !== undefined) return cached
    const schema = await this.getSchemaById(id)
    const body = JSON.stringify(schemaByIdBody(schema))
    this.byIdBody.set(id, body)
    return body
  }

  /**
   * The schema in a requested `format`: `serialized` turns Protobuf text into the base64 FileDescriptorProto
   * Confluent's serializers work with; any other format (or none) is the stored text.
   */
  async inFormat<T extends SchemaById>(schema: T, format: string | undefined): Promise<T> {
    if (format !== 'serialized' || schema.schemaType !== 'PROTOBUF') return schema
    let serialized = this.serializedById.get(schema.id)
    if (serialized === undefined) {
      const parsed = (await this.parsedSchema(this.db, schema.id)) as ParsedProtobufSchema
      serialized = protoTextToSerialized(parsed, `schema-${schema.id}.proto`)
      this.serializedById.set(schema.id, serialized)
    }
    return { ...schema, schema: serialized }
  }

  async getSchemaByGuid(guid: string): Promise<SchemaById> {
    const row = /^[0-9a-f-]{36}$/i.test(guid)
      ? await findSchemaByGuid(this.db, guid.toLowerCase())
      : undefined
    if (row === undefined) throw schemaNotFound(`Schema with guid ${guid} not found.`)
    return this.remember(row)
  }

  remember(row: SchemaRow): SchemaById {
    const schema: SchemaById = {
      id: row.id,
      guid: row.guid,
      schemaType: row.schema_type as SchemaType,
      schema: row.schema,
      references: row.refs,
    }
    this.byId.set(row.id, schema)
    return schema
  }

  /** Turns `version: -1` references into the current latest version, so the stored reference never moves. */
  async pinReferences(db: Db, references: readonly StoredReference[]): Promise<StoredReference[]> {
    const pinned: StoredReference[] = []
    for (const reference of references) {
      const rows = await subjectVersions(db, reference.subject)
      const live = rows.filter((row) => !row.deleted)
      const version = reference.version === -1 ? live.at(-1)?.version : reference.version
      if (version === undefined || !rows.some((row) => row.version === version)) {
        throw invalidSchema(
          `Invalid schema: reference '${reference.name}' points to subject '${reference.subject}' version ${reference.version}, which is not registered. Register the referenced schema first, then refer to its version.`,
        )
      }
      pinned.push({ ...reference, version })
    }
    return pinned
  }

  /** Name → text of every schema reachable through references (their own references included). */
  async referencedTexts(db: Db, references: readonly StoredReference[]): Promise<Map<string, string>> {
    const texts = new Map<string, string>()
    const visited = new Set<string>()
    const visit = async (list: readonly StoredReference[]): Promise<void> => {
      for (const reference of list) {
        const key = `${reference.subject}\u0000${reference.version}`
        if (visited.has(key)) continue
        visited.add(key)
        const row = (await subjectVersions(db, reference.subject)).find(
          (candidate) => candidate.version === reference.version,
        )
        if (row === undefined) {
          throw invalidSchema(
            `Invalid schema: reference '${reference.name}' points to subject '${reference.subject}' version ${reference.version}, which is not registered.`,
          )
        }
        const schema = await this.loadSchema(db, row.schema_id)
        texts.set(reference.name, schema.schema)
        await visit(schema.references)
      }
    }
    await visit(references)
    return texts
  }

  async parsedHistory(db: Db, rows: readonly SubjectVersionRow[]): Promise<ParsedSchema[]> {
    const parsed: ParsedSchema[] = []
    for (const row of rows) parsed.push(await this.parsedSchema(db, row.schema_id))
    return parsed
  }

  async parsedSchema(db: Db, id: number): Promise<ParsedSchema> {
    const cached = this.parsedById.get(id)
    if (cached !== undefined) return cached
    const schema = await this.loadSchema(db, id)
    const parsed = parseSchema(
      schema.schemaType,
      schema.schema,
      await this.referencedTexts(db, schema.references),
    )
    this.parsedById.set(id, parsed)
    return parsed
  }
}
