import { describe, expect, it } from 'vitest'
import { CatalogError } from '../locations/errors.ts'
import { type Grant, type Grantee, parseGrant, parseGrantScope, type Role } from './grants.ts'
import {
  ACTION_NAMES,
  ACTIONS,
  type Action,
  authorize,
  authorizeAny,
  authorizeGrantChange,
  isAdmin,
} from './permissions.ts'
import type { Principal } from './principals.ts'
import { GLOBAL, type Resource } from './resources.ts'

const alice: Principal = { name: 'alice', kind: 'user', groups: ['analysts'] }
const bob: Principal = { name: 'bob', kind: 'user', groups: [] }

const toAlice: Grantee = { kind: 'principal', name: 'alice' }
const toAnalysts: Grantee = { kind: 'group', name: 'analysts' }

function grant(role: Role, scope: string, grantee: Grantee = toAlice): Grant {
  return { grantee, role, scope: parseGrantScope(scope) }
}

const pageview: Resource = { kind: 'dataset', name: 'traffic.pageview' }

/** The policy from the issue, written out independently of ACTIONS so a change there must be deliberate. */
const REQUIRED: Record<Action, Role | 'authenticated'> = {
  'dataset.list': 'authenticated',
  'dataset.read': 'viewer',
  'dataset.write': 'editor',
  'dataset.secrets': 'owner',
  'dataset.update': 'editor',
  'dataset.delete': 'owner',
  'location.share': 'owner',
  'subject.bind': 'owner',
  'schema.list': 'authenticated',
  'schema.read': 'viewer',
  'schema.write': 'editor',
  'schema.delete': 'owner',
  'grant.list': 'authenticated',
  'grant.read': 'owner',
  'grant.manage': 'owner',
  'cluster.read': 'authenticated',
  'cluster.manage': 'admin',
  'cluster.use': 'editor',
  'cluster.secrets': 'owner',
  'principal.manage': 'admin',
  'registry.manage': 'admin',
  'audit.read': 'owner',
  'lineage.read': 'viewer',
  'lineage.write': 'editor',
  'metrics.read': 'authenticated',
  'docs.read': 'authenticated',
}

const RANK = { authenticated: -1, viewer: 0, editor: 1, owner: 2, admin: 3 }

/** A resource of each kind every action applies to. */
function resourceFor(action: Action): Resource {
  const kind = ACTIONS[action].on[0]!
  switch (kind) {
    case 'global':
      return GLOBAL
    case 'subject':
      return { kind: 'subject', name: 'pv_events-value', datasets: ['traffic.pageview'] }
    case 'dataset':
      return pageview
    default:
      return { kind, name: 'x' }
  }
}

describe('the permission matrix', () => {
  it('pins the required role of every action', () => {
    expect(Object.fromEntries(ACTION_NAMES.map((action) => [action, ACTIONS[action].requires]))).toEqual(
      REQUIRED,
    )
  })

  const scopes = [
    { scope: '*', coversPageview: true },
    { scope: 'traffic.*', coversPageview: true },
    { scope: 'traffic.pageview', coversPageview: true },
    { scope: 'traffic.click', coversPageview: false },
    { scope: 'trafficking.*', coversPageview: false },
    { scope: 'orders.*', coversPageview: false },
  ]
  const cases = ACTION_NAMES.flatMap((action) =>
    (['viewer', 'editor', 'owner'] as const).flatMap((role) =>
      scopes.map(({ scope, coversPageview }) => {
        const resource = resourceFor(action)
        const required = REQUIRED[action]
        // Dataset and namespace grants never reach a cluster: its credentials open every dataset on it.
        const covers =
          resource.kind === 'global' || resource.kind === 'cluster' ? scope === '*' : coversPageview
        const allowed =
          required === 'authenticated' || (required !== 'admin' && covers && RANK[role] >= RANK[required])
        return { action, role, scope, resource, allowed }
      }),
    ),
  )

  it.each(cases)(
    '$action with $role on $scope → allowed: $allowed',
    ({ action, role, scope, resource, allowed }) => {
      const decision = authorize(alice, [grant(role, scope)], action, resource)
      expect(decision.allowed).toBe(allowed)
      expect(decision.reason).toMatch(allowed ? /^allowed: / : /^denied: /)
    },
  )

  it.each(ACTION_NAMES)('admin may %s', (action) => {
    expect(authorize(alice, [grant('admin', '*')], action, resourceFor(action)).allowed).toBe(true)
  })

  it.each(ACTION_NAMES)(
    'without grants, %s is allowed only when open to every authenticated principal',
    (action) => {
      expect(authorize(bob, [], action, resourceFor(action)).allowed).toBe(
        REQUIRED[action] === 'authenticated',
      )
    },
  )

  it('keeps admin-only actions from owners of everything', () => {
    for (const action of ['cluster.manage', 'principal.manage', 'registry.manage'] as const) {
      const decision = authorize(alice, [grant('owner', '*')], action, GLOBAL)
      expect(decision).toEqual({
        allowed: false,
        reason: `denied: ${action} on global needs admin; alice is not an admin`,
      })
    }
  })

  it('denies an action checked on a resource it does not apply to', () => {
    const decision = authorize(alice, [grant('admin', '*')], 'dataset.read', {
      kind: 'cluster',
      name: 'kafka-main',
    })
    expect(decision.allowed).toBe(false)
    expect(decision.reason).toContain('does not apply to a cluster')
  })
})

describe('namespace scopes', () => {
  const viewerOfTraffic = [grant('viewer', 'traffic.*')]
  const read = (name: string) =>
    authorize(alice, viewerOfTraffic, 'dataset.read', { kind: 'dataset', name }).allowed

  it('cover the datasets of the namespace', () => {
    expect(read('traffic.pageview')).toBe(true)
    expect(read('traffic.x')).toBe(true)
  })

  it('do not cover namespaces that merely start with the same letters', () => {
    expect(read('trafficking.x')).toBe(false)
    expect(read('traffic_x.y')).toBe(false)
    expect(read('traff.x')).toBe(false)
  })

  it('do not cover a dataset named like the namespace itself', () => {
    expect(read('traffic')).toBe(false)
    expect(read('traffic.')).toBe(false)
  })

  it('cover the namespace as a resource, which a dataset grant does not', () => {
    const namespace: Resource = { kind: 'namespace', name: 'traffic' }
    expect(authorize(alice, [grant('owner', 'traffic.*')], 'grant.manage', namespace).allowed).toBe(true)
    expect(authorize(alice, [grant('owner', 'traffic.pageview')], 'grant.manage', namespace).allowed).toBe(
      false,
    )
    expect(authorize(alice, [grant('owner', 'trafficking.*')], 'grant.manage', namespace).allowed).toBe(false)
    expect(authorize(alice, [grant('owner', '*')], 'grant.manage', namespace).allowed).toBe(true)
  })

  it('do not reach catalog-wide resources, which only * covers', () => {
    expect(authorize(alice, [grant('owner', 'traffic.*')], 'audit.read', GLOBAL).allowed).toBe(false)
    expect(authorize(alice, [grant('owner', '*')], 'audit.read', GLOBAL).allowed).toBe(true)
  })
})

describe('cluster scopes', () => {
  const kafkaMain: Resource = { kind: 'cluster', name: 'kafka-main' }

  it('are written cluster:<name>, round-trip, and take no admin', () => {
    expect(parseGrantScope('cluster:kafka-main')).toEqual({ kind: 'cluster', cluster: 'kafka-main' })
    expect(parseGrant({ grantee: toAlice, role: 'editor', scope: 'cluster:kafka-main' }).scope).toEqual({
      kind: 'cluster',
      cluster: 'kafka-main',
    })
    expect(() => parseGrantScope('cluster:Bad Name')).toThrow(/not a valid cluster name/)
    expect(() => parseGrant({ grantee: toAlice, role: 'admin', scope: 'cluster:kafka-main' })).toThrow(
      /admin is a global role/,
    )
  })

  it('let editors use the cluster and owners read its secrets, that cluster only', () => {
    const editor = [grant('editor', 'cluster:kafka-main')]
    const owner = [grant('owner', 'cluster:kafka-main')]
    expect(authorize(alice, editor, 'cluster.use', kafkaMain).allowed).toBe(true)
    expect(authorize(alice, editor, 'cluster.secrets', kafkaMain).allowed).toBe(false)
    expect(authorize(alice, owner, 'cluster.secrets', kafkaMain).allowed).toBe(true)
    expect(authorize(alice, owner, 'cluster.use', { kind: 'cluster', name: 'kafka-other' }).allowed).toBe(
      false,
    )
    expect(authorize(alice, owner, 'cluster.manage', kafkaMain).allowed).toBe(false)
    expect(authorize(alice, owner, 'dataset.read', pageview).allowed).toBe(false)
  })

  it('are not reached by namespace or dataset grants', () => {
    expect(authorize(alice, [grant('owner', 'traffic.*')], 'cluster.use', kafkaMain).allowed).toBe(false)
    expect(authorize(alice, [grant('owner', 'traffic.pageview')], 'cluster.secrets', kafkaMain).allowed).toBe(
      false,
    )
  })

  it('let the cluster owner grant on it', () => {
    const change = { grantee: toAlice, role: 'editor' as const, scope: parseGrantScope('cluster:kafka-main') }
    expect(
      authorizeGrantChange(
        bob,
        [grant('owner', 'cluster:kafka-main', { kind: 'principal', name: 'bob' })],
        change,
      ).allowed,
    ).toBe(true)
    expect(
      authorizeGrantChange(bob, [grant('owner', 'traffic.*', { kind: 'principal', name: 'bob' })], change)
        .allowed,
    ).toBe(false)
  })
})

describe('grantees', () => {
  it('applies grants given to a group to its members, and says so', () => {
    const decision = authorize(alice, [grant('editor', 'traffic.*', toAnalysts)], 'dataset.update', pageview)
    expect(decision).toEqual({
      allowed: true,
      reason:
        'allowed: dataset.update on dataset:traffic.pageview: alice holds editor on traffic.* via group analysts',
    })
    expect(
      authorize(bob, [grant('editor', 'traffic.*', toAnalysts)], 'dataset.update', pageview).allowed,
    ).toBe(false)
  })

  it('keeps principal and group names apart', () => {
    const analyst: Principal = { name: 'analysts', kind: 'service', groups: [] }
    expect(authorize(analyst, [grant('viewer', '*', toAnalysts)], 'dataset.read', pageview).allowed).toBe(
      false,
    )
    const grantToPrincipalNamedAnalysts = grant('viewer', '*', { kind: 'principal', name: 'analysts' })
    expect(authorize(alice, [grantToPrincipalNamedAnalysts], 'dataset.read', pageview).allowed).toBe(false)
  })

  it("ignores other principals' grants", () => {
    expect(authorize(bob, [grant('owner', '*')], 'dataset.read', pageview).allowed).toBe(false)
  })

  it('uses the highest role among all covering grants', () => {
    const grants = [grant('viewer', 'traffic.*'), grant('editor', 'traffic.pageview', toAnalysts)]
    expect(authorize(alice, grants, 'dataset.update', pageview).allowed).toBe(true)
    expect(authorize(alice, grants, 'dataset.update', { kind: 'dataset', name: 'traffic.click' })).toEqual({
      allowed: false,
      reason: 'denied: dataset.update on dataset:traffic.click needs editor; alice holds viewer on traffic.*',
    })
  })

  it('makes admins through group grants too', () => {
    const grants = [grant('admin', '*', toAnalysts)]
    expect(isAdmin(alice, grants)).toBe(true)
    expect(isAdmin(bob, grants)).toBe(false)
    expect(authorize(alice, grants, 'cluster.manage', GLOBAL).reason).toBe(
      'allowed: cluster.manage on global: alice is admin via group analysts',
    )
  })

  it('explains a denial without any grant', () => {
    expect(authorize(bob, [], 'dataset.read', pageview).reason).toBe(
      'denied: dataset.read on dataset:traffic.pageview needs viewer; no grant of bob or its groups covers it',
    )
  })
})

describe('subjects', () => {
  const subject = (datasets: string[]): Resource => ({ kind: 'subject', name: 'pv_events-value', datasets })

  it('are governed through their dataset', () => {
    expect(
      authorize(alice, [grant('editor', 'traffic.pageview')], 'schema.write', subject(['traffic.pageview'])),
    ).toMatchObject({ allowed: true })
    expect(
      authorize(alice, [grant('viewer', 'traffic.pageview')], 'schema.write', subject(['traffic.pageview'])),
    ).toMatchObject({ allowed: false })
    expect(
      authorize(alice, [grant('editor', 'orders.*')], 'schema.write', subject(['traffic.pageview'])),
    ).toMatchObject({ allowed: false })
  })

  it('shared by several datasets need the role on each of them', () => {
    const shared = subject(['traffic.pageview', 'orders.pageview'])
    const onOne = [grant('editor', 'traffic.*')]
    const decision = authorize(alice, onOne, 'schema.write', shared)
    expect(decision.allowed).toBe(false)
    expect(decision.reason).toContain('via dataset:orders.pageview')
    expect(authorize(alice, [...onOne, grant('editor', 'orders.*')], 'schema.write', shared).allowed).toBe(
      true,
    )
  })

  it('that belong to no dataset are admin-only by default', () => {
    const unbound = subject([])
    expect(authorize(alice, [grant('owner', '*')], 'schema.read', unbound)).toEqual({
      allowed: false,
      reason:
        'denied: schema.read on subject:pv_events-value: the subject belongs to no dataset, so it needs admin; alice is not an admin',
    })
    expect(authorize(alice, [grant('admin', '*')], 'schema.write', unbound).allowed).toBe(true)
  })

  it('that belong to no dataset follow the configured role on * when one is set', () => {
    const unbound = subject([])
    const policy = { unboundSubjectRole: 'editor' } as const
    expect(authorize(alice, [grant('editor', '*')], 'schema.read', unbound, policy).allowed).toBe(true)
    expect(authorize(alice, [grant('viewer', '*')], 'schema.read', unbound, policy).allowed).toBe(false)
    expect(authorize(alice, [grant('owner', 'traffic.*')], 'schema.read', unbound, policy).allowed).toBe(
      false,
    )
    expect(authorize(alice, [grant('editor', '*')], 'schema.delete', unbound, policy).allowed).toBe(false)
  })

  it('let a schema id be read through any subject that uses it', () => {
    const subjects: Resource[] = [subject(['orders.order']), subject(['traffic.pageview'])]
    const grants = [grant('viewer', 'traffic.*')]
    expect(authorizeAny(alice, grants, 'schema.read', subjects).allowed).toBe(true)
    expect(authorizeAny(bob, grants, 'schema.read', subjects).allowed).toBe(false)
    expect(authorizeAny(alice, grants, 'schema.read', []).allowed).toBe(false)
    expect(authorizeAny(alice, [grant('admin', '*')], 'schema.read', []).allowed).toBe(true)
  })
})

describe('changing grants', () => {
  const proposed = (role: Role, scope: string) => grant(role, scope, { kind: 'principal', name: 'carol' })
  const trafficOwner = [grant('owner', 'traffic.*')]

  it('takes an owner of the scope being granted', () => {
    expect(authorizeGrantChange(alice, trafficOwner, proposed('editor', 'traffic.pageview')).allowed).toBe(
      true,
    )
    expect(authorizeGrantChange(alice, trafficOwner, proposed('owner', 'traffic.*')).allowed).toBe(true)
    expect(authorizeGrantChange(alice, trafficOwner, proposed('viewer', 'orders.*')).allowed).toBe(false)
    expect(authorizeGrantChange(alice, trafficOwner, proposed('viewer', '*')).allowed).toBe(false)
    expect(
      authorizeGrantChange(alice, [grant('owner', 'traffic.pageview')], proposed('viewer', 'traffic.*'))
        .allowed,
    ).toBe(false)
  })

  it('takes an admin to grant admin', () => {
    expect(authorizeGrantChange(alice, [grant('owner', '*')], proposed('admin', '*')).allowed).toBe(false)
    expect(authorizeGrantChange(alice, [grant('admin', '*')], proposed('admin', '*')).allowed).toBe(true)
  })
})

describe('grant input', () => {
  it('parses and checks grants', () => {
    expect(parseGrant({ grantee: toAnalysts, role: 'editor', scope: 'traffic.*' })).toEqual({
      grantee: toAnalysts,
      role: 'editor',
      scope: { kind: 'namespace', namespace: 'traffic' },
    })
    expect(parseGrant({ grantee: toAlice, role: 'admin', scope: '*' }).scope).toEqual({ kind: 'all' })
  })

  it.each([
    ['admin on a namespace', { grantee: toAlice, role: 'admin', scope: 'traffic.*' }, 'scope'],
    ['an unknown role', { grantee: toAlice, role: 'superuser', scope: '*' }, 'role'],
    ['SQL in the role', { grantee: toAlice, role: "viewer' OR '1'='1", scope: '*' }, 'role'],
    [
      'SQL in the scope',
      { grantee: toAlice, role: 'viewer', scope: "traffic'; DROP TABLE gov_grants; --" },
      'scope',
    ],
    ['path traversal in the scope', { grantee: toAlice, role: 'viewer', scope: '../../etc.*' }, 'scope'],
    ['a nested wildcard', { grantee: toAlice, role: 'viewer', scope: '*.*' }, 'scope'],
    ['a double wildcard', { grantee: toAlice, role: 'viewer', scope: 'traffic.**' }, 'scope'],
    ['a partial wildcard', { grantee: toAlice, role: 'viewer', scope: 'traffic.page*' }, 'scope'],
    ['an empty scope', { grantee: toAlice, role: 'viewer', scope: '' }, 'scope'],
    [
      'SQL in a principal',
      { grantee: { kind: 'principal', name: "x' OR 1=1 --" }, role: 'viewer', scope: '*' },
      'grantee',
    ],
    [
      'traversal in a group',
      { grantee: { kind: 'group', name: '../admins' }, role: 'viewer', scope: '*' },
      'grantee',
    ],
  ] as const)('refuses %s', (_, input, field) => {
    let error: unknown
    try {
      parseGrant(input as Parameters<typeof parseGrant>[0])
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(CatalogError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_field', field })
  })
})
