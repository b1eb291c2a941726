/**
 * Governance over the catalog database: bootstrap of the first admin, principals and their tokens, grants,
 * the audit trail (append through one batching writer, query, export, verify) and per-dataset access stats.
 * Authorization itself is the pure `authorize` (permissions.ts); the server calls it with what this returns.
 */
import { sql } from 'kysely'
import { CatalogError, invalidField, notFound } from '../locations/errors.ts'
import { EMPTY_TRAIL_ANCHOR } from './audit-anchor.ts'
import {
  type AuditEntry,
  type AuditRecord,
  type ChainHead,
  type ChainVerification,
  ChainVerifier,
  type VerifyOptions,
} from './audit-chain.ts'
import type { AuditQuery } from './audit-query.ts'
import { AuditWriter } from './audit-writer.ts'
import { type Grant, parseGrant } from './grants.ts'
import type { LineageGraph, LineageQuery } from './lineage-graph.ts'
import type { CatalogObject } from './metrics.ts'
import { type DatasetRef, parseRunEvent } from './openlineage.ts'
import {
  PRINCIPAL_KINDS,
  type Principal,
  type PrincipalKind,
  validateGroupName,
  validatePrincipalName,
} from './principals.ts'
import { type AccessCount, accessCounts, auditHead, queryAudit, scanAudit } from './storage/audit-store.ts'
import { ingestRunEvent, loadLineageIndex } from './storage/lineage-store.ts'
import {
  countPrincipals,
  type Db,
  deleteDatasetGrants,
  deleteGrant,
  findGrant,
  findPrincipal,
  findToken,
  type GroupView,
  grantsOf,
  insertGrant,
  insertGroup,
  insertGroupMember,
  insertPrincipal,
  insertToken,
  listGrants,
  listGroups,
  listPrincipals,
  listTokens,
  type PrincipalView,
  revokeToken,
  type StoredGrant,
  type TokenView,
} from './storage/principal-store.ts'
import {
  authenticateToken,
  type BootstrapToken,
  bootstrapAdminToken,
  generateToken,
  type TokenRejection,
} from './tokens.ts'

export const BOOTSTRAP_ADMIN = 'admin'

export type Authentication =
  | { ok: true; principal: Principal; grants: StoredGrant[]; tokenId: string }
  | { ok: false; reason: TokenRejection; expiredAt?: Date }

export interface CreatedToken {
  /** Shown once: only its hash is stored. */
  token: string
  id: string
  principal: string
  expiresAt: string | null
}

export interface GovernanceOptions {
  /** Where a failed audit batch is reported (the server log). */
  onAuditError?: (error: unknown) => void
}

const AUTH_CACHE_MS = 5_000
const MAX_CACHED_TOKENS = 10_000

export class GovernanceService {
  readonly audit: AuditWriter
  private readonly authenticated = new Map<string, { authentication: Authentication; until: number }>()

  constructor(
    private readonly db: Db,
    options: GovernanceOptions = {},
  ) {
    this.audit = new AuditWriter(db, options.onAuditError ?? (() => undefined))
  }

  /**
   * On a catalog without principals, creates the `admin` user with the admin role and the bootstrap token
   * (from WEIR_ADMIN_TOKEN, or fresh). Returns the token only when it was created now, so it is shown once.
   */
  async bootstrap(env: NodeJS.ProcessEnv): Promise<BootstrapToken | undefined> {
    if ((await countPrincipals(this.db)) > 0) return undefined
    const token = bootstrapAdminToken(env)
    const created = await this.db.transaction().execute(async (trx) => {
      if (
        !(await insertPrincipal(trx, {
          name: BOOTSTRAP_ADMIN,
          kind: 'user',
          description: 'bootstrap admin',
          createdBy: 'bootstrap',
        }))
      ) {
        return false
      }
      await insertGrant(
        trx,
        { grantee: { kind: 'principal', name: BOOTSTRAP_ADMIN }, role: 'admin', scope: { kind: 'all' } },
        'bootstrap',
      )
      await insertToken(trx, {
        id: token.id,
        hash: token.hash,
        principal: BOOTSTRAP_ADMIN,
        description: 'bootstrap admin token',
        createdBy: 'bootstrap',
        expiresAt: null,
      })
      return true
    })
    return created ? token : undefined
  }

  /**
   * Checks a token and loads its principal's grants. Successes are remembered for a few seconds (never past
   * the token's expiry) so a serializer's stream of schema reads costs no database round trips; any change
   * to tokens, principals or grants made through this service forgets them at once, and changes made by
   * another server sharing the database take effect within AUTH_CACHE_MS.
   */
  async authenticate(presented: string, now = new Date()): Promise<Authentication> {
    const cached = this.authenticated.get(presented)
    if (cached !== undefined && cached.until > now.getTime()) return cached.authentication
    let expiresAt = Number.POSITIVE_INFINITY
    const check = await authenticateToken(
      presented,
      async (id) => {
        const record = await findToken(this.db, id)
        expiresAt = record?.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY
        return record
      },
      now,
    )
    if (!check.ok) return check
    const principal = await findPrincipal(this.db, check.principal)
    if (principal === undefined) return { ok: false, reason: 'unknown' }
    const authentication: Authentication = {
      ok: true,
      principal,
      grants: await grantsOf(this.db, principal),
      tokenId: check.tokenId,
    }
    if (this.authenticated.size >= MAX_CACHED_TOKENS) this.authenticated.clear()
    const until = Math.min(now.getTime() + AUTH_CACHE_MS, expiresAt)
    this.authenticated.set(presented, { authentication, until })
    return authentication
  }

  async createPrincipal(
    input: { name: string; kind?: string; description?: string },
    createdBy: string,
  ): Promise<PrincipalView> {
    const name = validatePrincipalName(input.name)
    const kind = input.kind ?? 'user'
    if (!(PRINCIPAL_KINDS as readonly string[]).includes(kind)) {
      throw invalidField('kind', `'${kind}' is not a principal kind; use ${PRINCIPAL_KINDS.join(' or ')}`)
    }
    const created = await insertPrincipal(this.db, {
      name,
      kind: kind as PrincipalKind,
      description: input.description ?? '',
      createdBy,
    })
    if (!created) throw new CatalogError(409, 'already_exists', `principal '${name}' already exists`)
    const view = (await listPrincipals(this.db)).find((principal) => principal.name === name)
    if (view === undefined) throw notFound('principal', name, 'it was deleted while being created')
    return view
  }

  listPrincipals(): Promise<PrincipalView[]> {
    return listPrincipals(this.db)
  }

  async createGroup(input: { name: string; description?: string }): Promise<GroupView> {
    const name = validateGroupName(input.name)
    if (!(await insertGroup(this.db, { name, description: input.description ?? '' }))) {
      throw new CatalogError(409, 'already_exists', `group '${name}' already exists`)
    }
    return { name, description: input.description ?? '', members: [] }
  }

  /** Membership changes what a principal may do, so cached authentications are forgotten at once. */
  async addGroupMember(group: string, principal: string): Promise<void> {
    const added = await insertGroupMember(
      this.db,
      validateGroupName(group, 'group'),
      validatePrincipalName(principal, 'principal'),
    )
    if (!added) {
      throw notFound(
        'group or principal',
        `${group}/${principal}`,
        'create both first (weir group create, weir principal create)',
      )
    }
    this.authenticated.clear()
  }

  listGroups(): Promise<GroupView[]> {
    return listGroups(this.db)
  }

  async createToken(
    principal: string,
    input: { description?: string; expiresAt?: string },
    createdBy: string,
    now = new Date(),
  ): Promise<CreatedToken> {
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt)
    if (expiresAt !== null && !Number.isFinite(expiresAt.getTime())) {
      throw invalidField('expiresAt', 'write an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z')
    }
    // A token that is expired when issued can never authenticate: handing it out only hides a typo.
    if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) {
      throw invalidField(
        'expiresAt',
        `${expiresAt.toISOString()} is not in the future (now is ${now.toISOString()}): give a later time, or leave expiresAt out for a token that does not expire`,
      )
    }
    const token = generateToken()
    const stored = await insertToken(this.db, {
      id: token.id,
      hash: token.hash,
      principal: validatePrincipalName(principal, 'principal'),
      description: input.description ?? '',
      createdBy,
      expiresAt,
    })
    if (!stored) throw notFound('principal', principal, 'create it first with POST /api/v1/principals')
    return { token: token.token, id: token.id, principal, expiresAt: expiresAt?.toISOString() ?? null }
  }

  listTokens(principal: string): Promise<TokenView[]> {
    return listTokens(this.db, validatePrincipalName(principal, 'principal'))
  }

  async revokeToken(id: string, now = new Date()): Promise<void> {
    this.authenticated.clear()
    if (!/^[0-9a-f]{16}$/.test(id) || !(await revokeToken(this.db, id, now))) {
      throw notFound('token', id, 'list tokens with GET /api/v1/principals/{name}/tokens')
    }
  }

  /** Authorization (owner on the scope; admin for admin) happened in the server's route table. */
  async addGrant(
    input: { grantee: Grant['grantee']; role: string; scope: string },
    createdBy: string,
  ): Promise<StoredGrant> {
    const grant = parseGrant(input)
    const id = await insertGrant(this.db, grant, createdBy)
    this.authenticated.clear()
    if (id === undefined) throw notFound(grant.grantee.kind, grant.grantee.name, 'create it first')
    return { ...grant, id, createdBy }
  }

  listGrants(): Promise<StoredGrant[]> {
    return listGrants(this.db)
  }

  findGrant(id: number): Promise<StoredGrant | undefined> {
    return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647
      ? findGrant(this.db, id)
      : Promise.resolve(undefined)
  }

  async removeGrant(id: number): Promise<void> {
    if ((await this.findGrant(id)) === undefined)
      throw notFound('grant', String(id), 'list grants with GET /api/v1/grants')
    await deleteGrant(this.db, id)
    this.authenticated.clear()
  }

  async forgetDataset(dataset: string): Promise<void> {
    await deleteDatasetGrants(this.db, dataset)
    this.authenticated.clear()
  }

  /** Appends and waits until the record is committed. */
  record(entry: AuditEntry): Promise<void> {
    return this.audit.append(entry)
  }

  async queryAudit(query: AuditQuery): Promise<AuditRecord[]> {
    await this.audit.flush()
    return queryAudit(this.db, query)
  }

  exportAudit(query: Omit<AuditQuery, 'order' | 'cursor' | 'limit'>): AsyncGenerator<AuditRecord> {
    return scanAudit(this.db, query)
  }

  /** The head of the trail now, to keep outside the database as an anchor (audit-anchor.ts). */
  async auditAnchor(): Promise<ChainHead> {
    await this.audit.flush()
    return (await auditHead(this.db)) ?? EMPTY_TRAIL_ANCHOR
  }

  /** Streams the whole chain in pages, pausing for other requests between them (see scanAudit). */
  async verifyAudit(options: VerifyOptions = {}): Promise<ChainVerification> {
    await this.audit.flush()
    const verifier = new ChainVerifier(options)
    for await (const record of scanAudit(this.db, {})) {
      if (verifier.push(record) !== undefined) break
    }
    return verifier.finish()
  }

  /** Object counts for the catalog-size gauge, read at each scrape. */
  async catalogSizes(): Promise<Partial<Record<CatalogObject, number>>> {
    const count = async (
      table: 'udm_clusters' | 'udm_datasets' | 'gov_principals' | 'gov_tokens' | 'gov_grants' | 'gov_audit',
    ) => {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .executeTakeFirstOrThrow()
      return Number(row.count)
    }
    return {
      clusters: await count('udm_clusters'),
      datasets: await count('udm_datasets'),
      principals: await count('gov_principals'),
      tokens: await count('gov_tokens'),
      grants: await count('gov_grants'),
      audit_records: await count('gov_audit'),
    }
  }

  /**
   * Stores an OpenLineage RunEvent. Datasets it names are matched to Weir datasets first (by logical name,
   * then by Kafka topic), since the event parser's resolver is synchronous.
   */
  async ingestLineage(body: unknown): Promise<{ job: string; datasets: string[] }> {
    const event = parseRunEvent(body)
    const names = new Set(
      (await this.db.selectFrom('udm_datasets').select('name').execute()).map((row) => row.name),
    )
    const topics = await this.db
      .selectFrom('udm_locations')
      .innerJoin('udm_datasets', 'udm_datasets.id', 'udm_locations.dataset_id')
      .select(['udm_datasets.name', sql<string | null>`udm_locations.spec->>'topic'`.as('topic')])
      .execute()
    const byTopic = new Map(
      topics.flatMap((row) => (row.topic === null ? [] : [[row.topic, row.name] as const])),
    )
    const resolve = (dataset: DatasetRef) =>
      names.has(dataset.name) ? dataset.name : byTopic.get(dataset.name)
    return ingestRunEvent(this.db, event, resolve)
  }

  async lineageGraph(query: LineageQuery): Promise<LineageGraph> {
    return (await loadLineageIndex(this.db)).graph(query.node, query.depth, query.direction)
  }

  async datasetStats(dataset: string): Promise<AccessCount[]> {
    await this.audit.flush()
    return accessCounts(this.db, `dataset:${dataset}`)
  }
}
