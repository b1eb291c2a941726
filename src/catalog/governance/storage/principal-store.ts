/**
 * Principals, tokens and grants in the catalog database. Grants name their grantee by id (so a re-created
 * principal inherits nothing); the domain types use names, so every read joins the names back in.
 */
import type { Kysely } from 'kysely'
import type { CatalogTables } from '../../db/tables.ts'
import { formatGrantScope, type Grant, isRole, parseGrantScope } from '../grants.ts'
import type { Principal, PrincipalKind } from '../principals.ts'
import type { TokenRecord } from '../tokens.ts'

export type Db = Kysely<CatalogTables>

export interface PrincipalView {
  name: string
  kind: PrincipalKind
  description: string
  createdBy: string
  createdAt: string
}

export interface TokenView {
  id: string
  principal: string
  description: string
  createdBy: string
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
}

export interface StoredGrant extends Grant {
  id: number
  createdBy: string
}

export async function insertPrincipal(
  db: Db,
  principal: { name: string; kind: PrincipalKind; description: string; createdBy: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('gov_principals')
    .values({
      name: principal.name,
      kind: principal.kind,
      description: principal.description,
      created_by: principal.createdBy,
    })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function listPrincipals(db: Db): Promise<PrincipalView[]> {
  const rows = await db.selectFrom('gov_principals').selectAll().orderBy('name').execute()
  return rows.map((row) => ({
    name: row.name,
    kind: row.kind as PrincipalKind,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  }))
}

export interface GroupView {
  name: string
  description: string
  members: string[]
}

export async function insertGroup(db: Db, group: { name: string; description: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('gov_groups')
    .values(group)
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

/** Adds a member; false when the group or the principal does not exist. Adding twice is a no-op. */
export async function insertGroupMember(db: Db, group: string, principal: string): Promise<boolean> {
  const ids = await db
    .selectFrom('gov_groups')
    .innerJoin('gov_principals', (join) => join.on('gov_principals.name', '=', principal))
    .select(['gov_groups.id as groupId', 'gov_principals.id as principalId'])
    .where('gov_groups.name', '=', group)
    .executeTakeFirst()
  if (ids === undefined) return false
  await db
    .insertInto('gov_group_members')
    .values({ group_id: ids.groupId, principal_id: ids.principalId })
    .onConflict((conflict) => conflict.columns(['group_id', 'principal_id']).doNothing())
    .execute()
  return true
}

export async function listGroups(db: Db): Promise<GroupView[]> {
  const groups = await db
    .selectFrom('gov_groups')
    .select(['id', 'name', 'description'])
    .orderBy('name')
    .execute()
  const members = await db
    .selectFrom('gov_group_members')
    .innerJoin('gov_principals', 'gov_principals.id', 'gov_group_members.principal_id')
    .select(['gov_group_members.group_id', 'gov_principals.name'])
    .orderBy('gov_principals.name')
    .execute()
  return groups.map((group) => ({
    name: group.name,
    description: group.description,
    members: members.filter((member) => member.group_id === group.id).map((member) => member.name),
  }))
}

export async function countPrincipals(db: Db): Promise<number> {
  const row = await db
    .selectFrom('gov_principals')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The principal with its group names, as authorization sees it. */
export async function findPrincipal(db: Db, name: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('gov_principals')
    .select(['id', 'name', 'kind'])
    .where('name', '=', name)
    .executeTakeFirst()
  if (row === undefined) return undefined
  const groups = await db
    .selectFrom('gov_group_members')
    .innerJoin('gov_groups', 'gov_groups.id', 'gov_group_members.group_id')
    .select('gov_groups.name')
    .where('gov_group_members.principal_id', '=', row.id)
    .execute()
  return { name: row.name, kind: row.kind as PrincipalKind, groups: groups.map((group) => group.name) }
}

export async function insertToken(
  db: Db,
  token: {
    id: string
    hash: string
    principal: string
    description: string
    createdBy: string
    expiresAt: Date | null
  },
): Promise<boolean> {
  const owner = await db
    .selectFrom('gov_principals')
    .select('id')
    .where('name', '=', token.principal)
    .executeTakeFirst()
  if (owner === undefined) return false
  await db
    .insertInto('gov_tokens')
    .values({
      id: token.id,
      principal_id: owner.id,
      hash: token.hash,
      description: token.description,
      created_by: token.createdBy,
      expires_at: token.expiresAt,
    })
    .execute()
  return true
}

export async function findToken(db: Db, id: string): Promise<TokenRecord | undefined> {
  const row = await db
    .selectFrom('gov_tokens')
    .innerJoin('gov_principals', 'gov_principals.id', 'gov_tokens.principal_id')
    .select([
      'gov_tokens.id',
      'gov_tokens.hash',
      'gov_tokens.expires_at',
      'gov_tokens.revoked_at',
      'gov_principals.name',
    ])
    .where('gov_tokens.id', '=', id)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return {
    id: row.id,
    principal: row.name,
    hash: row.hash,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  }
}

export async function listTokens(db: Db, principal: string): Promise<TokenView[]> {
  const rows = await db
    .selectFrom('gov_tokens')
    .innerJoin('gov_principals', 'gov_principals.id', 'gov_tokens.principal_id')
    .select([
      'gov_tokens.id',
      'gov_tokens.description',
      'gov_tokens.created_by',
      'gov_tokens.created_at',
      'gov_tokens.expires_at',
      'gov_tokens.revoked_at',
      'gov_principals.name',
    ])
    .where('gov_principals.name', '=', principal)
    .orderBy('gov_tokens.created_at')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    principal: row.name,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  }))
}

/** Revoking twice keeps the first revocation time. */
export async function revokeToken(db: Db, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('gov_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) > 0) return true
  const exists = await db.selectFrom('gov_tokens').select('id').where('id', '=', id).executeTakeFirst()
  return exists !== undefined
}

/** Every grant held by the principal directly or through one of its groups. */
export async function grantsOf(db: Db, principal: Principal): Promise<StoredGrant[]> {
  const all = await selectGrants(db)
    .where((eb) =>
      eb.or([
        eb('gov_principals.name', '=', principal.name),
        ...(principal.groups.length > 0 ? [eb('gov_groups.name', 'in', principal.groups)] : []),
      ]),
    )
    .execute()
  return all.flatMap(toGrant)
}

export async function listGrants(db: Db): Promise<StoredGrant[]> {
  const rows = await selectGrants(db).orderBy('gov_grants.id').execute()
  return rows.flatMap(toGrant)
}

/** Returns the grant's id, or undefined when the grantee does not exist. Granting twice is a no-op. */
export async function insertGrant(db: Db, grant: Grant, createdBy: string): Promise<number | undefined> {
  const grantee =
    grant.grantee.kind === 'principal'
      ? await db
          .selectFrom('gov_principals')
          .select('id')
          .where('name', '=', grant.grantee.name)
          .executeTakeFirst()
      : await db
          .selectFrom('gov_groups')
          .select('id')
          .where('name', '=', grant.grantee.name)
          .executeTakeFirst()
  if (grantee === undefined) return undefined
  const scope = formatGrantScope(grant.scope)
  const granteeColumn = grant.grantee.kind === 'principal' ? 'principal_id' : 'group_id'
  const existing = await db
    .selectFrom('gov_grants')
    .select('id')
    .where(granteeColumn, '=', grantee.id)
    .where('role', '=', grant.role)
    .where('scope', '=', scope)
    .executeTakeFirst()
  if (existing !== undefined) return existing.id
  const inserted = await db
    .insertInto('gov_grants')
    .values({
      principal_id: grant.grantee.kind === 'principal' ? grantee.id : null,
      group_id: grant.grantee.kind === 'group' ? grantee.id : null,
      role: grant.role,
      scope,
      created_by: createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

export async function findGrant(db: Db, id: number): Promise<StoredGrant | undefined> {
  const row = await selectGrants(db).where('gov_grants.id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toGrant(row)[0]
}

export async function deleteGrant(db: Db, id: number): Promise<void> {
  await db.deleteFrom('gov_grants').where('id', '=', id).execute()
}

/** A deleted dataset's exact grants go with it, so a new dataset of the same name starts ungranted. */
export async function deleteDatasetGrants(db: Db, dataset: string): Promise<void> {
  await db.deleteFrom('gov_grants').where('scope', '=', dataset).execute()
}

function selectGrants(db: Db) {
  return db
    .selectFrom('gov_grants')
    .leftJoin('gov_principals', 'gov_principals.id', 'gov_grants.principal_id')
    .leftJoin('gov_groups', 'gov_groups.id', 'gov_grants.group_id')
    .select([
      'gov_grants.id',
      'gov_grants.role',
      'gov_grants.scope',
      'gov_grants.created_by',
      'gov_principals.name as principal_name',
      'gov_groups.name as group_name',
    ])
}

interface GrantRow {
  id: number
  role: string
  scope: string
  created_by: string
  principal_name: string | null
  group_name: string | null
}

function toGrant(row: GrantRow): StoredGrant[] {
  if (!isRole(row.role)) return []
  const grantee =
    row.principal_name !== null
      ? { kind: 'principal' as const, name: row.principal_name }
      : { kind: 'group' as const, name: row.group_name ?? '' }
  return [
    { id: row.id, grantee, role: row.role, scope: parseGrantScope(row.scope), createdBy: row.created_by },
  ]
}
