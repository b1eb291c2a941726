/**
 * /api/v1 governance: principals, their tokens, grants, the audit trail (query, JSON-lines export, chain
 * verification) and per-dataset access statistics. Who may call each route is decided in the route table.
 */
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { formatAnchor, parseAnchor } from '../../catalog/governance/audit-anchor.ts'
import { type AuditQuery, parseAuditQuery } from '../../catalog/governance/audit-query.ts'
import { formatGrantScope } from '../../catalog/governance/grants.ts'
import { parseLineageQuery } from '../../catalog/governance/lineage-graph.ts'
import type { GovernanceService } from '../../catalog/governance/service.ts'
import { tokenIdOf } from '../../catalog/governance/tokens.ts'
import { invalidField } from '../../catalog/locations/errors.ts'
import { param } from '../http.ts'
import { nameParams, objectBody, UDM_TAG } from '../openapi.ts'

function body(request: FastifyRequest): Record<string, unknown> {
  const value = request.body
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField('body', 'send a JSON object')
  }
  return value as Record<string, unknown>
}

function optionalText(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalidField(field, 'give it as text')
  return value
}

function callerName(request: FastifyRequest): string {
  return request.governance?.caller?.principal.name ?? 'unknown'
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
} as const

export function registerGovernanceRoutes(app: FastifyInstance, governance: GovernanceService): void {
  const tags = [UDM_TAG]

  app.get('/api/v1/principals', { schema: { tags, summary: 'List principals (admin)' } }, async () => ({
    principals: await governance.listPrincipals(),
  }))

  app.post(
    '/api/v1/principals',
    {
      schema: {
        tags,
        summary: 'Create a principal (admin)',
        description: 'Body: { name, kind?: user|service, description? }',
        body: objectBody,
      },
    },
    async (request, reply) => {
      const input = body(request)
      const name = optionalText(input, 'name')
      if (name === undefined) throw invalidField('name', 'is required')
      const kind = optionalText(input, 'kind')
      const description = optionalText(input, 'description')
      reply.code(201)
      return governance.createPrincipal(
        {
          name,
          ...(kind === undefined ? {} : { kind }),
          ...(description === undefined ? {} : { description }),
        },
        callerName(request),
      )
    },
  )

  app.get(
    '/api/v1/groups',
    { schema: { tags, summary: 'List groups and their members (admin)' } },
    async () => ({
      groups: await governance.listGroups(),
    }),
  )

  app.post(
    '/api/v1/groups',
    {
      schema: {
        tags,
        summary: 'Create a group (admin)',
        description: 'Body: { name, description? }',
        body: objectBody,
      },
    },
    async (request, reply) => {
      const input = body(request)
      const name = optionalText(input, 'name')
      if (name === undefined) throw invalidField('name', 'is required')
      const description = optionalText(input, 'description')
      reply.code(201)
      return governance.createGroup({ name, ...(description === undefined ? {} : { description }) })
    },
  )

  app.put(
    '/api/v1/groups/:name/members/:principal',
    { schema: { tags, summary: "Add a principal to a group: the group's grants then apply to it (admin)" } },
    async (request, reply) => {
      const { name, principal } = request.params as { name: string; principal: string }
      await governance.addGroupMember(name, principal)
      reply.code(204)
    },
  )

  app.get(
    '/api/v1/principals/:name/tokens',
    {
      schema: {
        tags,
        summary: "List a principal's tokens (never the tokens themselves)",
        params: nameParams,
      },
    },
    async (request) => ({ tokens: await governance.listTokens(param(request, 'name')) }),
  )

  app.post(
    '/api/v1/principals/:name/tokens',
    {
      schema: {
        tags,
        summary: 'Create a token; the answer is the only time it is shown',
        description: 'Body: { description?, expiresAt?: ISO 8601 }',
        params: nameParams,
        body: objectBody,
      },
    },
    async (request, reply) => {
      const input = request.body === undefined || request.body === null ? {} : body(request)
      const description = optionalText(input, 'description')
      const expiresAt = optionalText(input, 'expiresAt')
      reply.code(201)
      return governance.createToken(
        param(request, 'name'),
        {
          ...(description === undefined ? {} : { description }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
        },
        callerName(request),
      )
    },
  )

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a token',
        description: 'id: the token id (16 hex digits); a whole token is accepted and only its id is used.',
        params: idParams,
      },
    },
    async (request, reply) => {
      // A whole token is accepted too (someone revoking a leaked token pastes it): only its id is used, and
      // the log line and audit record redact it.
      const id = tokenIdOf(param(request, 'id'))
      if (id === undefined) {
        throw invalidField(
          'id',
          'give the token id, the 16 hex digits after weir_ (weir token list <principal> shows them)',
        )
      }
      await governance.revokeToken(id)
      reply.code(204)
    },
  )

  app.get(
    '/api/v1/grants',
    { schema: { tags, summary: 'List the grants the caller may see' } },
    async () => ({
      grants: (await governance.listGrants()).map((grant) => ({
        ...grant,
        scope: formatGrantScope(grant.scope),
      })),
    }),
  )

  app.post(
    '/api/v1/grants',
    {
      schema: {
        tags,
        summary: 'Grant a role on a scope (owner of the scope; admin for admin)',
        description:
          "Body: { principal | group, role: viewer|editor|owner|admin, scope: '*' | 'namespace.*' | dataset }",
        body: objectBody,
      },
    },
    async (request, reply) => {
      const input = body(request)
      const principal = optionalText(input, 'principal')
      const group = optionalText(input, 'group')
      if ((principal === undefined) === (group === undefined)) {
        throw invalidField('principal', 'give exactly one of principal and group')
      }
      const grantee =
        principal === undefined
          ? { kind: 'group' as const, name: group ?? '' }
          : { kind: 'principal' as const, name: principal }
      const grant = await governance.addGrant(
        { grantee, role: optionalText(input, 'role') ?? '', scope: optionalText(input, 'scope') ?? '' },
        callerName(request),
      )
      reply.code(201)
      return { ...grant, scope: formatGrantScope(grant.scope) }
    },
  )

  app.delete(
    '/api/v1/grants/:id',
    { schema: { tags, summary: 'Remove a grant', params: idParams } },
    async (request, reply) => {
      await governance.removeGrant(Number(param(request, 'id')))
      reply.code(204)
    },
  )

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags,
        summary: 'Query the audit trail',
        description:
          'Filters: principal, resource (e.g. dataset:traffic.pageview), action, result=allowed|denied, from, to (ISO 8601), order=asc|desc, cursor, limit. format=jsonl streams every matching record as JSON lines, oldest first.',
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query as Record<string, unknown>
      const query = parseAuditQuery(filters)
      if (format === 'jsonl') {
        reply.type('application/x-ndjson')
        return reply.send(Readable.from(jsonLines(governance, query)))
      }
      if (format !== undefined) throw invalidField('format', 'use jsonl, or leave it out for a JSON page')
      const records = await governance.queryAudit(query)
      const last = records.at(-1)
      return {
        records,
        ...(records.length === query.limit && last !== undefined ? { nextCursor: last.sequence } : {}),
      }
    },
  )

  app.get(
    '/api/v1/audit/verify',
    {
      schema: {
        tags,
        summary: "Verify the audit trail's hash chain; reports the first bad record",
        description:
          'anchor=<sequence>:<hash> (from GET /api/v1/audit/anchor, kept outside the database) also catches a deleted tail and a rewrite with recomputed hashes.',
      },
    },
    async (request) => {
      const { anchor, ...rest } = request.query as Record<string, unknown>
      const unknown = Object.keys(rest)
      if (unknown.length > 0) throw invalidField(unknown[0]!, 'is not a verify option; use anchor')
      if (anchor !== undefined && typeof anchor !== 'string') throw invalidField('anchor', 'give it once')
      return governance.verifyAudit(anchor === undefined ? {} : { anchor: parseAnchor(anchor) })
    },
  )

  app.get(
    '/api/v1/audit/anchor',
    {
      schema: {
        tags,
        summary: 'The head of the audit trail now, as an anchor to keep outside the database',
        description: 'anchor is <sequence>:<hash>; pass it to GET /api/v1/audit/verify?anchor= later.',
      },
    },
    async () => {
      const head = await governance.auditAnchor()
      return { ...head, anchor: formatAnchor(head), time: new Date().toISOString() }
    },
  )

  app.get(
    '/api/v1/datasets/:name/stats',
    {
      schema: {
        tags,
        summary: 'Access counts of a dataset by principal and action, from the audit trail',
        params: nameParams,
      },
    },
    async (request) => ({
      dataset: param(request, 'name'),
      access: await governance.datasetStats(param(request, 'name')),
    }),
  )
}

export function registerLineageRoutes(app: FastifyInstance, governance: GovernanceService): void {
  const tags = [UDM_TAG]
  app.post(
    '/api/v1/lineage',
    {
      schema: {
        tags,
        summary: 'Report an OpenLineage RunEvent (START, RUNNING, COMPLETE, FAIL, ABORT)',
        description: 'Any OpenLineage producer (e.g. the Flink listener) can post here; needs editor on *.',
        body: objectBody,
      },
    },
    async (request, reply) => {
      reply.code(201)
      return governance.ingestLineage(request.body)
    },
  )
  app.get(
    '/api/v1/lineage',
    {
      schema: {
        tags,
        summary: 'The lineage graph around a node, Marquez style',
        description:
          'node=dataset:<name> or job:<namespace>/<name>; depth (default 20); direction=upstream|downstream|both.',
      },
    },
    async (request) => governance.lineageGraph(parseLineageQuery(request.query as Record<string, unknown>)),
  )
}

async function* jsonLines(governance: GovernanceService, query: AuditQuery): AsyncGenerator<string> {
  const { order: _order, cursor: _cursor, limit: _limit, ...filters } = query
  await governance.audit.flush()
  for await (const record of governance.exportAudit(filters)) yield `${JSON.stringify(record)}\n`
}
