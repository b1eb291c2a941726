/**
 * `weir principal|token|grant|audit`: governance of a running UDM server. These talk to the server only
 * (`--url`, `--token`): principals, grants and the audit trail are the server's to keep, and every change made
 * here lands in its audit trail like any other request.
 */
import { type Command, Option } from 'commander'
import { tokenIdOf } from '../../catalog/governance/tokens.ts'
import { CatalogError } from '../../catalog/locations/errors.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { HttpUdmClient } from './udm-client.ts'
import { printJson, printLines, reportFailures, type TargetOptions, tokenOf } from './udm-options.ts'

const AUDIT_FILTERS = ['principal', 'resource', 'action', 'result', 'from', 'to', 'limit'] as const
const EXPORT_PAGE = 1000

interface AuditFlags extends TargetOptions {
  principal?: string
  resource?: string
  action?: string
  result?: string
  from?: string
  to?: string
  limit?: string
  jsonl?: boolean
}

interface AuditPage {
  records: Array<Record<string, unknown> & { sequence: number }>
  nextCursor?: number
}

/** What the server says about a token: never the token itself. */
interface TokenListEntry {
  id: string
  description: string
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
}

interface ChainReport {
  ok: boolean
  count?: number
  head?: { sequence: number; hash: string }
  firstBadSequence?: number
  problem?: string
  reason?: string
}

function serverOption(command: Command): Command {
  return command
    .option('--url <url>', 'the UDM server, e.g. http://127.0.0.1:8081 (default: $WEIR_UDM_URL)')
    .option('--token <token>', 'an API token (default: $WEIR_TOKEN)')
}

/** Runs the action against the server; failures print one line and set exit code 1. */
async function withServer(
  options: TargetOptions,
  action: (server: HttpUdmClient) => Promise<void>,
): Promise<void> {
  await reportFailures(async () => {
    const url = options.url ?? process.env.WEIR_UDM_URL
    if (url === undefined || url === '') {
      throw new CatalogError(
        400,
        'invalid_field',
        'governance commands talk to a server: give --url or set WEIR_UDM_URL',
      )
    }
    await action(new HttpUdmClient(url, tokenOf(options)))
  })
}

const enc = encodeURIComponent

export function registerGovernanceCommands(program: Command): void {
  const principal = program.command('principal').description(TOP_LEVEL_DESCRIPTIONS.principal)
  serverOption(principal.command('create <name>'))
    .description('create a principal')
    .addOption(new Option('--kind <kind>', 'user or service').choices(['user', 'service']).default('user'))
    .option('-d, --description <text>', 'who or what it is')
    .action(async (name: string, flags: TargetOptions & { kind: string; description?: string }) => {
      await withServer(flags, async (server) => {
        printJson(
          await server.call('POST', '/api/v1/principals', {
            name,
            kind: flags.kind,
            ...(flags.description === undefined ? {} : { description: flags.description }),
          }),
        )
      })
    })
  serverOption(principal.command('list'))
    .description('list principals')
    .action(async (flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        const { principals } = await server.call<{ principals: Array<{ name: string; kind: string }> }>(
          'GET',
          '/api/v1/principals',
        )
        printLines(principals.map((entry) => `${entry.name}\t${entry.kind}`))
      })
    })

  const group = program.command('group').description(TOP_LEVEL_DESCRIPTIONS.group)
  serverOption(group.command('create <name>'))
    .description('create a group')
    .option('-d, --description <text>', 'what the group is for')
    .action(async (name: string, flags: TargetOptions & { description?: string }) => {
      await withServer(flags, async (server) => {
        const description = flags.description === undefined ? {} : { description: flags.description }
        printJson(await server.call('POST', '/api/v1/groups', { name, ...description }))
      })
    })
  serverOption(group.command('add-member <group> <principal>'))
    .description('add a principal to a group')
    .action(async (name: string, member: string, flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        await server.call('PUT', `/api/v1/groups/${enc(name)}/members/${enc(member)}`)
        printLines([`${member} is a member of ${name}`])
      })
    })
  serverOption(group.command('list'))
    .description('list groups and their members')
    .action(async (flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        const { groups } = await server.call<{ groups: Array<{ name: string; members: string[] }> }>(
          'GET',
          '/api/v1/groups',
        )
        printLines(groups.map((entry) => `${entry.name}\t${entry.members.join(',')}`))
      })
    })

  const token = program.command('token').description(TOP_LEVEL_DESCRIPTIONS.token)
  serverOption(token.command('create <principal>'))
    .description('create a token for a principal and print it (it cannot be shown again)')
    .option('-d, --description <text>', 'what the token is for')
    .option('--expires <time>', 'ISO 8601 expiry, e.g. 2030-01-01T00:00:00Z')
    .action(async (name: string, flags: TargetOptions & { description?: string; expires?: string }) => {
      await withServer(flags, async (server) => {
        printJson(
          await server.call('POST', `/api/v1/principals/${enc(name)}/tokens`, {
            ...(flags.description === undefined ? {} : { description: flags.description }),
            ...(flags.expires === undefined ? {} : { expiresAt: flags.expires }),
          }),
        )
      })
    })
  serverOption(token.command('revoke <id>'))
    .description('revoke a token by its id (the 16 hex digits after weir_; a whole token works too)')
    .action(async (given: string, flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        // Only the id travels: a whole token in the URL would land in the server's log and audit trail.
        const id = tokenIdOf(given)
        if (id === undefined) {
          throw new CatalogError(
            400,
            'invalid_field',
            'give the token id, the 16 hex digits after weir_ (weir token list <principal> shows them)',
            'id',
          )
        }
        await server.call('DELETE', `/api/v1/tokens/${enc(id)}`)
        printLines([`revoked ${id}`])
      })
    })
  serverOption(token.command('list <principal>'))
    .description("list a principal's tokens: id, created, expires, revoked (never the tokens themselves)")
    .option('--json', 'print the JSON answer')
    .action(async (name: string, flags: TargetOptions & { json?: boolean }) => {
      await withServer(flags, async (server) => {
        const { tokens } = await server.call<{ tokens: TokenListEntry[] }>(
          'GET',
          `/api/v1/principals/${enc(name)}/tokens`,
        )
        if (flags.json === true) {
          printJson(tokens)
          return
        }
        printLines([
          'id\tcreated\texpires\trevoked\tdescription',
          ...tokens.map(
            (entry) =>
              `${entry.id}\t${entry.createdAt}\t${entry.expiresAt ?? '-'}\t${entry.revokedAt ?? '-'}\t${entry.description}`,
          ),
        ])
      })
    })

  const grant = program.command('grant').description(TOP_LEVEL_DESCRIPTIONS.grant)
  serverOption(grant.command('add <role> <scope>'))
    .description("grant viewer|editor|owner on 'namespace.*' or a dataset (admin on '*')")
    .option('--principal <name>', 'the principal to grant to')
    .option('--group <name>', 'the group to grant to')
    .action(
      async (role: string, scope: string, flags: TargetOptions & { principal?: string; group?: string }) => {
        await withServer(flags, async (server) => {
          const grantee = flags.group === undefined ? { principal: flags.principal } : { group: flags.group }
          printJson(await server.call('POST', '/api/v1/grants', { ...grantee, role, scope }))
        })
      },
    )
  serverOption(grant.command('list'))
    .description('list the grants you may see')
    .action(async (flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        const { grants } = await server.call<{
          grants: Array<{ id: number; role: string; scope: string; grantee: { kind: string; name: string } }>
        }>('GET', '/api/v1/grants')
        printLines(
          grants.map(
            (entry) =>
              `${entry.id}\t${entry.grantee.kind}:${entry.grantee.name}\t${entry.role}\t${entry.scope}`,
          ),
        )
      })
    })
  serverOption(grant.command('remove <id>'))
    .description('remove a grant by id (see grant list)')
    .action(async (id: string, flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        await server.call('DELETE', `/api/v1/grants/${enc(id)}`)
        printLines([`removed grant ${id}`])
      })
    })

  const audit = program.command('audit').description(TOP_LEVEL_DESCRIPTIONS.audit)
  const query = serverOption(audit.command('query'))
    .description('show audit records, newest first (or all matching, oldest first, with --jsonl)')
    .option('--jsonl', 'export every matching record as JSON lines')
  for (const filter of AUDIT_FILTERS) query.option(`--${filter} <value>`, `filter by ${filter}`)
  query.action(async (flags: AuditFlags) => {
    await withServer(flags, async (server) => {
      const params = new URLSearchParams()
      for (const filter of AUDIT_FILTERS) {
        const value = flags[filter]
        if (value !== undefined) params.set(filter, value)
      }
      if (flags.jsonl !== true) {
        printJson((await server.call<AuditPage>('GET', `/api/v1/audit?${params}`)).records)
        return
      }
      params.set('order', 'asc')
      params.set('limit', String(EXPORT_PAGE))
      for (;;) {
        const page = await server.call<AuditPage>('GET', `/api/v1/audit?${params}`)
        printLines(page.records.map((record) => JSON.stringify(record)))
        if (page.nextCursor === undefined) return
        params.set('cursor', String(page.nextCursor))
      }
    })
  })
  serverOption(audit.command('anchor'))
    .description(
      'print the head of the audit trail as <sequence>:<hash>; keep it outside the database for verify --anchor',
    )
    .action(async (flags: TargetOptions) => {
      await withServer(flags, async (server) => {
        printLines([(await server.call<{ anchor: string }>('GET', '/api/v1/audit/anchor')).anchor])
      })
    })
  serverOption(audit.command('verify'))
    .description("check the audit trail's hash chain; exit code 1 and the first bad record when broken")
    .option(
      '--anchor <sequence:hash>',
      'an earlier `weir audit anchor`: also catches a deleted tail and a rewrite with recomputed hashes',
    )
    .action(async (flags: TargetOptions & { anchor?: string }) => {
      await withServer(flags, async (server) => {
        const query = flags.anchor === undefined ? '' : `?${new URLSearchParams({ anchor: flags.anchor })}`
        const report = await server.call<ChainReport>('GET', `/api/v1/audit/verify${query}`)
        if (report.ok) {
          const head = report.head === undefined ? '' : `, head ${report.head.sequence}:${report.head.hash}`
          const anchored = flags.anchor === undefined ? '' : ', matches the anchor'
          printLines([`audit trail intact: ${report.count} records${head}${anchored}`])
          return
        }
        process.stderr.write(
          `audit trail BROKEN at record ${report.firstBadSequence} (${report.problem}): ${report.reason}\n`,
        )
        process.exitCode = 1
      })
    })
}
