/** SQL of the schema registry. Functions take the Kysely handle to run on, so callers compose transactions. */
import { type Kysely, sql } from 'kysely'
import type { CatalogTables, SchemaRow, StoredReference, SubjectVersionRow } from '../db/tables.ts'

export type Db = Kysely<CatalogTables>

/** The global settings row's scope; no subject can be named '' so it never collides. */
export const GLOBAL_SCOPE = ''

/** First key of the two-key advisory locks this module takes, so they never collide with other users' locks. */
const SUBJECT_LOCK_SPACE = 0x5745_4952 // "WEIR"

/**
 * Serializes writers of one subject until the transaction ends, so two concurrent registrations cannot both
 * compute "next version = 3". On PGlite the connection mutex already serializes, and the call is a no-op wait.
 */
export async function lockSubject(db: Db, subject: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SUBJECT_LOCK_SPACE}::int, hashtext(${subject}))`.execute(db)
}

export function findSchemaById(db: Db, id: number): Promise<SchemaRow | undefined> {
  return db.selectFrom('sr_schemas').selectAll().where('id', '=', id).executeTakeFirst()
}

export function findSchemaByGuid(db: Db, guid: string): Promise<SchemaRow | undefined> {
  return db.selectFrom('sr_schemas').selectAll().where('guid', '=', guid).executeTakeFirst()
}

export function findSchemaByFingerprint(db: Db, fingerprint: string): Promise<SchemaRow | undefined> {
  return db.selectFrom('sr_schemas').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst()
}

export interface NewSchema {
  id?: number
  guid: string
  type: string
  text: string
  references: readonly StoredReference[]
  fingerprint: string
  canonicalFingerprint: string
  fields: readonly string[]
}

/**
 * Stores a schema under a new global id, or returns the id another transaction just gave the same schema
 * (the unique fingerprint makes the loser of that race wait, then find the winner's row).
 */
export async function insertSchema(db: Db, schema: NewSchema): Promise<{ id: number; created: boolean }> {
  const inserted = await db
    .insertInto('sr_schemas')
    .values({
      ...(schema.id === undefined ? {} : { id: schema.id }),
      guid: schema.guid,
      schema_type: schema.type,
      schema: schema.text,
      refs: JSON.stringify(schema.references),
      fingerprint: schema.fingerprint,
      canonical_fingerprint: schema.canonicalFingerprint,
    })
    .onConflict((conflict) => conflict.column('fingerprint').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted === undefined) {
    const existing = await findSchemaByFingerprint(db, schema.fingerprint)
    if (existing === undefined) throw new Error('schema vanished between insert and select')
    return { id: existing.id, created: false }
  }
  const id = inserted.id
  if (schema.id !== undefined) {
    // An imported id must not be handed out again by the sequence.
    await sql`SELECT setval(pg_get_serial_sequence('sr_schemas', 'id'), GREATEST((SELECT max(id) FROM sr_schemas), 1))`.execute(
      db,
    )
  }
  if (schema.fields.length > 0) {
    await db
      .insertInto('sr_schema_fields')
      .values(schema.fields.map((field) => ({ schema_id: id, field })))
      .onConflict((conflict) => conflict.doNothing())
      .execute()
  }
  if (schema.references.length > 0) {
    await db
      .insertInto('sr_references')
      .values(schema.references.map((reference) => ({ schema_id: id, ...reference })))
      .execute()
  }
  return { id, created: true }
}

/** All versions of a subject, soft-deleted ones included, oldest first. */
export function subjectVersions(db: Db, subject: string): Promise<SubjectVersionRow[]> {
  return db.selectFrom('sr_versions').selectAll().where('subject', '=', subject).orderBy('version').execute()
}

export async function insertVersion(
  db: Db,
  subject: string,
  version: number,
  schemaId: number,
): Promise<void> {
  await db.insertInto('sr_versions').values({ subject, version, schema_id: schemaId }).execute()
}

export async function markDeleted(db: Db, subject: string, versions: readonly number[]): Promise<void> {
  if (versions.length === 0) return
  await db
    .updateTable('sr_versions')
    .set({ deleted: true })
    .where('subject', '=', subject)
    .where('version', 'in', [...versions])
    .execute()
}

export async function removeVersions(db: Db, subject: string, versions: readonly number[]): Promise<void> {
  if (versions.length === 0) return
  await db
    .deleteFrom('sr_versions')
    .where('subject', '=', subject)
    .where('version', 'in', [...versions])
    .execute()
}

/**
 * Ids of schemas that reference `subject` version `version` and are still registered somewhere (live only,
 * or soft-deleted too): those references must keep resolving.
 */
export async function referrersOf(
  db: Db,
  subject: string,
  version: number,
  includeDeleted: boolean,
): Promise<number[]> {
  let query = db
    .selectFrom('sr_references as r')
    .innerJoin('sr_versions as v', 'v.schema_id', 'r.schema_id')
    .select('r.schema_id')
    .distinct()
    .where('r.subject', '=', subject)
    .where('r.version', '=', version)
  if (!includeDeleted) query = query.where('v.deleted', '=', false)
  const rows = await query.orderBy('r.schema_id').execute()
  return rows.map((row) => row.schema_id)
}

export function versionsOfSchema(
  db: Db,
  schemaId: number,
  includeDeleted: boolean,
): Promise<SubjectVersionRow[]> {
  let query = db.selectFrom('sr_versions').selectAll().where('schema_id', '=', schemaId)
  if (!includeDeleted) query = query.where('deleted', '=', false)
  return query.orderBy('subject').orderBy('version').execute()
}

export async function listSubjectNames(
  db: Db,
  options: { prefix?: string; deleted: boolean; deletedOnly: boolean },
): Promise<string[]> {
  let query = db
    .selectFrom('sr_versions')
    .select('subject')
    .select(sql<boolean>`bool_and(deleted)`.as('all_deleted'))
    .groupBy('subject')
  if (options.prefix !== undefined && options.prefix !== '') {
    query = query.where(sql<boolean>`starts_with(subject, ${options.prefix})`)
  }
  const rows = await query.orderBy('subject').execute()
  return rows
    .filter((row) => (options.deletedOnly ? row.all_deleted : options.deleted || !row.all_deleted))
    .map((row) => row.subject)
}

export interface VersionWithSchema extends SubjectVersionRow {
  guid: string
  schema_type: string
  schema: string
  refs: StoredReference[]
}

export function versionsWithSchemas(
  db: Db,
  options: { subject?: string; prefix?: string; deleted: boolean },
): Promise<VersionWithSchema[]> {
  let query = db
    .selectFrom('sr_versions as v')
    .innerJoin('sr_schemas as s', 's.id', 'v.schema_id')
    .select([
      'v.subject',
      'v.version',
      'v.schema_id',
      'v.deleted',
      'v.created_at',
      's.guid',
      's.schema_type',
      's.schema',
      's.refs',
    ])
  if (options.subject !== undefined) query = query.where('v.subject', '=', options.subject)
  if (options.prefix !== undefined && options.prefix !== '') {
    query = query.where(sql<boolean>`starts_with(v.subject, ${options.prefix})`)
  }
  if (!options.deleted) query = query.where('v.deleted', '=', false)
  return query.orderBy('v.subject').orderBy('v.version').execute()
}

export function readConfig(db: Db, scope: string) {
  return db.selectFrom('sr_config').selectAll().where('scope', '=', scope).executeTakeFirst()
}

export async function writeConfig(
  db: Db,
  scope: string,
  values: { compatibility?: string | null; normalize?: boolean | null; mode?: string | null },
): Promise<void> {
  await db
    .insertInto('sr_config')
    .values({ scope, compatibility: null, normalize: null, mode: null, ...values })
    .onConflict((conflict) =>
      conflict.column('scope').doUpdateSet({ ...values, updated_at: sql<string>`now()` }),
    )
    .execute()
}

export async function hasAnyVersion(db: Db, subject?: string): Promise<boolean> {
  let query = db.selectFrom('sr_versions').select('version').where('deleted', '=', false)
  if (subject !== undefined) query = query.where('subject', '=', subject)
  return (await query.limit(1).executeTakeFirst()) !== undefined
}

export async function maxSchemaId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sr_schemas')
    .select(sql<number>`coalesce(max(id), 0)::int`.as('max_id'))
    .executeTakeFirstOrThrow()
  return row.max_id
}

export async function latestLiveVersion(
  db: Db,
  subject: string,
): Promise<{ version: number; schema_id: number; schema_type: string } | undefined> {
  return db
    .selectFrom('sr_versions as v')
    .innerJoin('sr_schemas as s', 's.id', 'v.schema_id')
    .select(['v.version', 'v.schema_id', 's.schema_type'])
    .where('v.subject', '=', subject)
    .where('v.deleted', '=', false)
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirst()
}
