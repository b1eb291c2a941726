/**
 * The schema metastore: Confluent Schema Registry semantics over the catalog database.
 *
 * - Ids are global and stable: a schema (type + stored text + references) gets one id forever, whichever
 *   subjects it is registered under, and ids stay readable after the versions using them are deleted (data
 *   written with an id must stay decodable). That makes id → schema immutable, so it is served from memory.
 * - Writes to a subject run in a transaction holding that subject's lock: concurrent registrations of the
 *   same subject never produce two versions with the same number, or two versions of one schema.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { CatalogTables, SchemaRow, SubjectVersionRow } from '../db/tables.ts'
import type { SubjectSchemaInfo } from '../locations/model.ts'
import { BoundedCache } from './cache.ts'
import { deleteSubjectLocked, deleteVersionLocked } from './deletes.ts'
import {
  ErrorCodes,
  operationNotPermitted,
  RegistryError,
  schemaNotFound,
  subjectNotFound,
} from './errors.ts'
import {
  type CompatibilityCheck,
  type Mode,
  pickVersion,
  readSchemaRequest,
  readSubject,
  type SchemaById,
  type SchemaRequest,
  type SubjectVersion,
  type VersionSpec,
} from './model.ts'
import { SchemaStore } from './schema-store.ts'
import {
  type CompatibilityLevel,
  checkAgainstHistory,
  type ParsedSchema,
  type PreparedSchema,
  parseSchema,
  prepareSchema,
  SCHEMA_TYPES,
  type SchemaType,
} from './schema-support.ts'
import { type ConfigView, RegistrySettings } from './settings.ts'
import {
  type Db,
  findSchemaByFingerprint,
  findSchemaById,
  insertSchema,
  insertVersion,
  latestLiveVersion,
  listSubjectNames,
  lockSubject,
  maxSchemaId,
  referrersOf,
  subjectVersions,
  versionsOfSchema,
  versionsWithSchemas,
} from './store.ts'

export { type ConfigView, DEFAULT_COMPATIBILITY, DEFAULT_MODE } from './settings.ts'

export interface SchemaRegistryOptions {
  /** How many schemas to keep in memory by id (parsed and serialized). */
  idCacheSize?: number
  /** Lookups (POST /subjects/{s}) are cached this long; another server could delete the version meanwhile. */
  lookupCacheTtlMs?: number
  lookupCacheSize?: number
}

export interface RegisterOptions {
  normalize?: boolean
}

export interface RegisterResult {
  id: number
  guid: string
  version: number
  subject: string
  /** False when the schema was already registered under the subject and nothing changed. */
  created: boolean
}

export interface RegistryStats {
  idCacheHits: number
  idCacheMisses: number
  lookupCacheHits: number
  lookupCacheMisses: number
}

export class SchemaRegistry {
  /** Schemas by id, with their caches, and reference resolution. */
  readonly schemas: SchemaStore
  /** Compatibility levels, normalize and modes. */
  readonly settings: RegistrySettings
  private readonly lookups: BoundedCache<string, SubjectVersion>

  constructor(
    private readonly db: Kysely<CatalogTables>,
    options: SchemaRegistryOptions = {},
  ) {
    this.schemas = new SchemaStore(db, options.idCacheSize ?? 50_000)
    this.settings = new RegistrySettings(db, () => this.invalidateLookups())
    this.lookups = new BoundedCache(options.lookupCacheSize ?? 10_000, options.lookupCacheTtlMs ?? 30_000)
  }

  stats(): RegistryStats {
    return {
      idCacheHits: this.schemas.stats().hits,
      idCacheMisses: this.schemas.stats().misses,
      lookupCacheHits: this.lookups.hits,
      lookupCacheMisses: this.lookups.misses,
    }
  }

  schemaTypes(): SchemaType[] {
    return [...SCHEMA_TYPES]
  }

  // ---- by id

  getSchemaById(id: number): Promise<SchemaById> {
    return this.schemas.getSchemaById(id)
  }

  /** The serialized body of GET /schemas/ids/{id}, from memory after the first read. */
  getSchemaByIdBody(id: number): Promise<string> {
    return this.schemas.getSchemaByIdBody(id)
  }

  /** The schema in a requested `format` (`serialized`: Protobuf as a base64 FileDescriptorProto). */
  inFormat<T extends SchemaById>(schema: T, format: string | undefined): Promise<T> {
    return this.schemas.inFormat(schema, format)
  }

  getSchemaByGuid(guid: string): Promise<SchemaById> {
    return this.schemas.getSchemaByGuid(guid)
  }

  /** Bumped whenever cached lookups may have gone stale, so a lookup already running does not cache an old answer. */
  private lookupGeneration = 0

  private invalidateLookups(): void {
    this.lookupGeneration++
    this.lookups.clear()
  }

  async subjectsForId(id: number, deleted = false): Promise<string[]> {
    await this.getSchemaById(id)
    const rows = await versionsOfSchema(this.db, id, deleted)
    return [...new Set(rows.map((row) => row.subject))]
  }

  async versionsForId(id: number, deleted = false): Promise<Array<{ subject: string; version: number }>> {
    await this.getSchemaById(id)
    const rows = await versionsOfSchema(this.db, id, deleted)
    return rows.map((row) => ({ subject: row.subject, version: row.version }))
  }

  async maxId(): Promise<number> {
    return maxSchemaId(this.db)
  }

  // ---- subjects and versions

  listSubjects(
    options: { prefix?: string; deleted?: boolean; deletedOnly?: boolean } = {},
  ): Promise<string[]> {
    return listSubjectNames(this.db, {
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      deleted: options.deleted === true,
      deletedOnly: options.deletedOnly === true,
    })
  }

  async listVersions(
    subject: string,
    options: { deleted?: boolean; deletedOnly?: boolean } = {},
  ): Promise<number[]> {
    readSubject(subject)
    const rows = await subjectVersions(this.db, subject)
    const wanted = rows.filter((row) =>
      options.deletedOnly === true ? row.deleted : options.deleted === true || !row.deleted,
    )
    if (wanted.length === 0 && !(options.deletedOnly === true && rows.length > 0))
      throw subjectNotFound(subject)
    return wanted.map((row) => row.version)
  }

  async getVersion(
    subject: string,
    spec: VersionSpec,
    options: { deleted?: boolean } = {},
  ): Promise<SubjectVersion> {
    readSubject(subject)
    const rows = await subjectVersions(this.db, subject)
    const row = pickVersion(subject, rows, spec, options.deleted === true)
    const schema = await this.getSchemaById(row.schema_id)
    return toSubjectVersion(subject, row, schema)
  }

  /** What `resolve` reports about a dataset's subject: its newest live version, or undefined. */
  async latestSchemaInfo(subject: string): Promise<SubjectSchemaInfo | undefined> {
    const latest = await latestLiveVersion(this.db, subject)
    if (latest === undefined) return undefined
    return { subject, id: latest.schema_id, version: latest.version, schemaType: latest.schema_type }
  }

  async referencedBy(subject: string, spec: VersionSpec): Promise<number[]> {
    const version = await this.getVersion(subject, spec, { deleted: true })
    return referrersOf(this.db, subject, version.version, false)
  }

  async listSchemas(
    options: {
      subjectPrefix?: string
      deleted?: boolean
      latestOnly?: boolean
      offset?: number
      limit?: number
    } = {},
  ): Promise<SubjectVersion[]> {
    const rows = await versionsWithSchemas(this.db, {
      ...(options.subjectPrefix === undefined ? {} : { prefix: options.subjectPrefix }),
      deleted: options.deleted === true,
    })
    let versions = rows.map((row) =>
      toSubjectVersion(row.subject, row, {
        id: row.schema_id,
        guid: row.guid,
        schemaType: row.schema_type as SchemaType,
        schema: row.schema,
        references: row.refs,
      }),
    )
    if (options.latestOnly === true) {
      const latest = new Map<string, SubjectVersion>()
      for (const version of versions) latest.set(version.subject, version)
      versions = [...latest.values()]
    }
    const offset = Math.max(0, options.offset ?? 0)
    const limit = options.limit === undefined || options.limit < 0 ? versions.length : options.limit
    return versions.slice(offset, offset + limit)
  }

  // ---- register and look up

  async register(subject: string, body: unknown, options: RegisterOptions = {}): Promise<RegisterResult> {
    readSubject(subject)
    const request = readSchemaRequest(body)
    // Only committed rows are cached during a registration, so a failed one leaves the caches valid.
    return this.db.transaction().execute(async (trx) => {
      await lockSubject(trx, subject)
      return this.registerLocked(trx, subject, request, options)
    })
  }

  /**
   * Registers inside the caller's transaction (a catalog apply). The caller must have locked the subject
   * (`lockSubjects`) and must call `forgetUncommitted()` if the transaction does not commit.
   */
  async registerWithin(
    trx: Db,
    subject: string,
    body: unknown,
    options: RegisterOptions = {},
  ): Promise<RegisterResult> {
    readSubject(subject)
    return this.registerLocked(trx, subject, readSchemaRequest(body), options)
  }

  /** Locks subjects in a fixed order, so two transactions locking overlapping sets cannot deadlock. */
  async lockSubjects(trx: Db, subjects: Iterable<string>): Promise<void> {
    for (const subject of [...new Set(subjects)].sort()) await lockSubject(trx, subject)
  }

  /**
   * Drops cached schemas that a rolled-back transaction may have put there (an id read inside it that never
   * got committed). Cheap: the caches refill from the database.
   */
  forgetUncommitted(): void {
    this.schemas.forget()
    this.invalidateLookups()
  }

  private async registerLocked(
    db: Db,
    subject: string,
    request: SchemaRequest,
    options: RegisterOptions,
  ): Promise<RegisterResult> {
    const mode = await this.settings.effectiveMode(db, subject)
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
      throw operationNotPermitted(
        `Subject '${subject}' is in read-only mode (${mode}); set its mode to READWRITE with PUT /mode/${subject} to register schemas.`,
      )
    }
    if ((request.id !== undefined || request.version !== undefined) && mode !== 'IMPORT') {
      throw operationNotPermitted(
        `A schema id or version can only be given in IMPORT mode; drop "id"/"version" from the request, or set PUT /mode/${subject} {"mode": "IMPORT"} to import.`,
      )
    }
    const normalize = options.normalize === true || (await this.settings.effectiveNormalize(db, subject))
    const references = await this.schemas.pinReferences(db, request.references)
    const prepared = prepareSchema(
      request.schemaType,
      request.schema,
      references,
      await this.schemas.referencedTexts(db, references),
      normalize,
    )
    const versions = await subjectVersions(db, subject)
    const live = versions.filter((row) => !row.deleted)

    const existing = await findSchemaByFingerprint(db, prepared.fingerprint)
    const duplicate = await this.findRegistered(db, live, prepared, existing, normalize)
    if (duplicate !== undefined && (request.id === undefined || request.id === duplicate.id)) {
      return { id: duplicate.id, guid: duplicate.guid, version: duplicate.version, subject, created: false }
    }

    if (mode !== 'IMPORT') await this.assertCompatible(db, subject, prepared.parsed, live)

    const schemaId = await this.storeSchema(db, prepared, existing, request.id)
    const version = request.version ?? (versions.at(-1)?.version ?? 0) + 1
    if (versions.some((row) => row.version === version)) {
      throw operationNotPermitted(
        `Subject '${subject}' already has a version ${version}; import it under another version number, or delete that version first.`,
      )
    }
    await insertVersion(db, subject, version, schemaId.id)
    return { id: schemaId.id, guid: schemaId.guid, version, subject, created: true }
  }

  /** The live version already holding this schema: the same text, or (with normalize) the same normal form. */
  private async findRegistered(
    db: Db,
    live: readonly SubjectVersionRow[],
    prepared: PreparedSchema,
    existing: SchemaRow | undefined,
    normalize: boolean,
  ): Promise<{ id: number; guid: string; version: number } | undefined> {
    if (existing !== undefined) {
      const row = live.find((candidate) => candidate.schema_id === existing.id)
      if (row !== undefined) return { id: existing.id, guid: existing.guid, version: row.version }
    }
    if (!normalize) return undefined
    for (const row of [...live].reverse()) {
      const schema = await findSchemaById(db, row.schema_id)
      if (schema !== undefined && schema.canonical_fingerprint === prepared.canonicalFingerprint) {
        return { id: schema.id, guid: schema.guid, version: row.version }
      }
    }
    return undefined
  }

  private async storeSchema(
    db: Db,
    prepared: PreparedSchema,
    existing: SchemaRow | undefined,
    importedId: number | undefined,
  ): Promise<{ id: number; guid: string }> {
    if (importedId !== undefined) {
      if (existing !== undefined && existing.id !== importedId) {
        throw new RegistryError(
          422,
          ErrorCodes.ID_DOES_NOT_MATCH,
          `This schema is already registered with id ${existing.id}, not ${importedId}; import it with id ${existing.id} or leave the id out.`,
        )
      }
      const holder = await findSchemaById(db, importedId)
      if (holder !== undefined && holder.fingerprint !== prepared.fingerprint) {
        throw new RegistryError(
          422,
          ErrorCodes.ID_DOES_NOT_MATCH,
          `Id ${importedId} already belongs to a different schema; import this schema under another id.`,
        )
      }
      if (holder !== undefined) return { id: holder.id, guid: holder.guid }
    } else if (existing !== undefined) {
      return { id: existing.id, guid: existing.guid }
    }
    const guid = randomUUID()
    const stored = await insertSchema(db, {
      ...(importedId === undefined ? {} : { id: importedId }),
      guid,
      type: prepared.type,
      text: prepared.text,
      references: prepared.references,
      fingerprint: prepared.fingerprint,
      canonicalFingerprint: prepared.canonicalFingerprint,
      fields: prepared.fields,
    })
    if (!stored.created) {
      const winner = await findSchemaById(db, stored.id)
      return { id: stored.id, guid: winner?.guid ?? guid }
    }
    return { id: stored.id, guid }
  }

  private async assertCompatible(
    db: Db,
    subject: string,
    candidate: ParsedSchema,
    live: readonly SubjectVersionRow[],
  ): Promise<void> {
    if (live.length === 0) return
    const level = await this.settings.effectiveCompatibility(db, subject)
    if (level === 'NONE') return
    const history = await this.schemas.parsedHistory(db, live)
    const result = checkAgainstHistory(level, candidate, history)
    if (result.compatible) return
    const newest = live[result.incompatibleWith[0] ?? live.length - 1]
    throw new RegistryError(
      409,
      ErrorCodes.INCOMPATIBLE_SCHEMA,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${result.messages.join(
        ', ',
      )}, {oldSchemaVersion: ${newest?.version ?? '?'}}, {compatibility: '${level}'}]. ` +
        `Change the schema so that it is ${level} compatible (for example, give new fields a default), or change the subject's level with PUT /config/${subject}.`,
    )
  }

  async lookup(
    subject: string,
    body: unknown,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): Promise<SubjectVersion> {
    readSubject(subject)
    const request = readSchemaRequest(body)
    const key = JSON.stringify([subject, options.normalize === true, options.deleted === true, request])
    const cached = this.lookups.get(key)
    if (cached !== undefined) return cached
    return this.schemas.singleFlight(`lookup:${key}`, () =>
      this.lookupUncached(subject, request, key, options),
    )
  }

  private async lookupUncached(
    subject: string,
    request: SchemaRequest,
    key: string,
    options: { normalize?: boolean; deleted?: boolean },
  ): Promise<SubjectVersion> {
    const generation = this.lookupGeneration
    const versions = await subjectVersions(this.db, subject)
    const candidates = versions.filter((row) => options.deleted === true || !row.deleted)
    if (candidates.length === 0) throw subjectNotFound(subject)
    const normalize = options.normalize === true || (await this.settings.effectiveNormalize(this.db, subject))
    const references = await this.schemas.pinReferences(this.db, request.references)
    const prepared = prepareSchema(
      request.schemaType,
      request.schema,
      references,
      await this.schemas.referencedTexts(this.db, references),
      normalize,
    )
    let match: { row: SubjectVersionRow; schema: SchemaById } | undefined
    const exact = await findSchemaByFingerprint(this.db, prepared.fingerprint)
    if (exact !== undefined) {
      const row = [...candidates].reverse().find((candidate) => candidate.schema_id === exact.id)
      if (row !== undefined) match = { row, schema: this.schemas.remember(exact) }
    }
    if (match === undefined && normalize) {
      for (const row of [...candidates].reverse()) {
        const schema = await findSchemaById(this.db, row.schema_id)
        if (schema !== undefined && schema.canonical_fingerprint === prepared.canonicalFingerprint) {
          match = { row, schema: this.schemas.remember(schema) }
          break
        }
      }
    }
    if (match === undefined) {
      throw schemaNotFound(
        `Schema not found under subject '${subject}': it was never registered there${options.deleted ? '' : ' (or only in deleted versions)'}. Register it with POST /subjects/${subject}/versions.`,
      )
    }
    const found = toSubjectVersion(subject, match.row, match.schema)
    if (generation === this.lookupGeneration) this.lookups.set(key, found)
    return found
  }

  // ---- deletes (soft first, then permanent; see deletes.ts)

  async deleteVersion(
    subject: string,
    spec: VersionSpec,
    options: { permanent?: boolean } = {},
  ): Promise<number> {
    readSubject(subject)
    const deleted = await this.db.transaction().execute(async (trx) => {
      await lockSubject(trx, subject)
      await this.settings.assertWritable(trx, subject)
      return deleteVersionLocked(trx, subject, spec, options.permanent === true)
    })
    this.invalidateLookups()
    return deleted
  }

  async deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    readSubject(subject)
    const deleted = await this.db.transaction().execute(async (trx) => {
      await lockSubject(trx, subject)
      await this.settings.assertWritable(trx, subject)
      return deleteSubjectLocked(trx, subject, options.permanent === true)
    })
    this.invalidateLookups()
    return deleted
  }

  // ---- compatibility

  /**
   * Without a version: the candidate against the subject's history as its compatibility level says (latest
   * only, or all versions for the _TRANSITIVE levels). With a version: against that one version.
   */
  async checkCompatibility(
    subject: string,
    spec: VersionSpec | undefined,
    body: unknown,
    options: { normalize?: boolean; verbose?: boolean } = {},
  ): Promise<CompatibilityCheck> {
    readSubject(subject)
    const request = readSchemaRequest(body)
    const references = await this.schemas.pinReferences(this.db, request.references)
    const candidate = parseSchema(
      request.schemaType,
      request.schema,
      await this.schemas.referencedTexts(this.db, references),
    )
    const rows = await subjectVersions(this.db, subject)
    const live = rows.filter((row) => !row.deleted)
    let level = await this.settings.effectiveCompatibility(this.db, subject)
    let against: SubjectVersionRow[] = live
    if (spec !== undefined) {
      if (live.length === 0) {
        // Checking a first schema against "latest" of a new subject is how clients ask "may I register this?".
        if (spec === 'latest') return compatibilityAnswer(true, [], options.verbose)
        throw subjectNotFound(subject)
      }
      against = [pickVersion(subject, rows, spec, false)]
      level = level.replace('_TRANSITIVE', '') as CompatibilityLevel
    }
    if (against.length === 0 || level === 'NONE') return compatibilityAnswer(true, [], options.verbose)
    const history = await this.schemas.parsedHistory(this.db, against)
    const result = checkAgainstHistory(level, candidate, history)
    const messages = result.compatible
      ? []
      : [
          ...result.messages,
          `{oldSchemaVersion: ${against[result.incompatibleWith[0] ?? against.length - 1]?.version}}`,
          `{compatibility: '${level}'}`,
        ]
    return compatibilityAnswer(result.compatible, messages, options.verbose)
  }

  // ---- config and mode (Confluent's /config and /mode)

  getConfig(subject: string | undefined, options: { defaultToGlobal?: boolean } = {}): Promise<ConfigView> {
    return this.settings.getConfig(subject, options)
  }

  setConfig(
    subject: string | undefined,
    body: unknown,
  ): Promise<{ compatibility: CompatibilityLevel; normalize?: boolean }> {
    return this.settings.setConfig(subject, body)
  }

  /** Removes a subject's level (it falls back to the global one) or resets the global level to BACKWARD. */
  deleteConfig(subject: string | undefined): Promise<ConfigView> {
    return this.settings.deleteConfig(subject)
  }

  getMode(subject: string | undefined, options: { defaultToGlobal?: boolean } = {}): Promise<{ mode: Mode }> {
    return this.settings.getMode(subject, options)
  }

  setMode(
    subject: string | undefined,
    body: unknown,
    options: { force?: boolean } = {},
  ): Promise<{ mode: Mode }> {
    return this.settings.setMode(subject, body, options)
  }

  deleteMode(subject: string | undefined): Promise<{ mode: Mode }> {
    return this.settings.deleteMode(subject)
  }
}

function compatibilityAnswer(
  compatible: boolean,
  messages: string[],
  verbose: boolean | undefined,
): CompatibilityCheck {
  return verbose === true ? { is_compatible: compatible, messages } : { is_compatible: compatible }
}

function toSubjectVersion(
  subject: string,
  row: Pick<SubjectVersionRow, 'version' | 'deleted'>,
  schema: SchemaById,
): SubjectVersion {
  return {
    subject,
    version: row.version,
    id: schema.id,
    guid: schema.guid,
    schemaType: schema.schemaType,
    schema: schema.schema,
    references: schema.references,
    deleted: row.deleted,
  }
}
