/**
 * Migration `0003_governance` (registered in db/migrations.ts): principals, groups, tokens, grants, the audit
 * trail and lineage. Plain SQL that runs unchanged on PGlite and PostgreSQL, one statement per
 * query because PGlite's extended protocol takes no more.
 *
 * Grants and tokens reference principals and groups by id with ON DELETE CASCADE: a principal deleted and later
 * re-created under the same name must not inherit the old one's grants or tokens. Grant scopes and audit
 * records name datasets and principals by text instead, since they outlive what they name.
 */
import { type Kysely, sql } from 'kysely'

/**
 * Makes `gov_audit` append-only: UPDATE, DELETE and TRUNCATE fail, even ones that match no row, whoever runs
 * them. It does not stop someone able to drop the trigger (a superuser, the table owner); the hash chain is what
 * reveals that. In production also REVOKE UPDATE, DELETE, TRUNCATE from the role Weir connects as.
 */
export const AUDIT_APPEND_ONLY_STATEMENTS: readonly string[] = [
  `CREATE FUNCTION gov_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END
  $$`,
  `CREATE TRIGGER gov_audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON gov_audit
    FOR EACH STATEMENT EXECUTE FUNCTION gov_audit_append_only()`,
]

export const GOVERNANCE_UP: readonly string[] = [
  `CREATE TABLE gov_principals (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('user', 'service')),
    description text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE gov_groups (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    description text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE gov_group_members (
    group_id integer NOT NULL REFERENCES gov_groups (id) ON DELETE CASCADE,
    principal_id integer NOT NULL REFERENCES gov_principals (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, principal_id)
  )`,
  'CREATE INDEX gov_group_members_principal ON gov_group_members (principal_id)',
  `CREATE TABLE gov_tokens (
    id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
    principal_id integer NOT NULL REFERENCES gov_principals (id) ON DELETE CASCADE,
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    description text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz
  )`,
  'CREATE INDEX gov_tokens_principal ON gov_tokens (principal_id)',
  `CREATE TABLE gov_grants (
    id serial PRIMARY KEY,
    principal_id integer REFERENCES gov_principals (id) ON DELETE CASCADE,
    group_id integer REFERENCES gov_groups (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('viewer', 'editor', 'owner', 'admin')),
    scope text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((principal_id IS NULL) <> (group_id IS NULL)),
    CHECK (role <> 'admin' OR scope = '*')
  )`,
  `CREATE UNIQUE INDEX gov_grants_principal_unique ON gov_grants (principal_id, role, scope)
    WHERE principal_id IS NOT NULL`,
  'CREATE UNIQUE INDEX gov_grants_group_unique ON gov_grants (group_id, role, scope) WHERE group_id IS NOT NULL',
  'CREATE INDEX gov_grants_scope ON gov_grants (scope)',
  // Sequences are assigned as head + 1 under a lock, never from a SEQUENCE: a rolled-back insert would leave a
  // gap that verification reports as a deleted record.
  `CREATE TABLE gov_audit (
    sequence bigint PRIMARY KEY CHECK (sequence > 0),
    occurred_at timestamptz NOT NULL,
    principal text,
    client_address text,
    action text NOT NULL,
    resource text NOT NULL,
    result text NOT NULL CHECK (result IN ('allowed', 'denied')),
    reason text NOT NULL,
    request_id text NOT NULL,
    change jsonb,
    prev_hash text NOT NULL,
    hash text NOT NULL
  )`,
  'CREATE INDEX gov_audit_principal ON gov_audit (principal, sequence)',
  'CREATE INDEX gov_audit_resource ON gov_audit (resource, sequence)',
  'CREATE INDEX gov_audit_action ON gov_audit (action, sequence)',
  'CREATE INDEX gov_audit_occurred_at ON gov_audit (occurred_at)',
  ...AUDIT_APPEND_ONLY_STATEMENTS,
  `CREATE TABLE lineage_jobs (
    id serial PRIMARY KEY,
    namespace text NOT NULL,
    name text NOT NULL,
    facets jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (namespace, name)
  )`,
  `CREATE TABLE lineage_runs (
    id uuid PRIMARY KEY,
    job_id integer NOT NULL REFERENCES lineage_jobs (id) ON DELETE CASCADE,
    state text NOT NULL CHECK (state IN ('START', 'RUNNING', 'COMPLETE', 'FAIL', 'ABORT', 'OTHER')),
    started_at timestamptz,
    ended_at timestamptz,
    last_event_at timestamptz NOT NULL,
    facets jsonb NOT NULL DEFAULT '{}'
  )`,
  'CREATE INDEX lineage_runs_job ON lineage_runs (job_id, last_event_at)',
  // node: the graph id without its `dataset:` prefix, a Weir dataset name or an external `namespace/name`.
  `CREATE TABLE lineage_datasets (
    id serial PRIMARY KEY,
    node text NOT NULL UNIQUE,
    namespace text NOT NULL,
    name text NOT NULL,
    facets jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE lineage_run_io (
    run_id uuid NOT NULL REFERENCES lineage_runs (id) ON DELETE CASCADE,
    dataset_id integer NOT NULL REFERENCES lineage_datasets (id) ON DELETE CASCADE,
    direction text NOT NULL CHECK (direction IN ('input', 'output')),
    PRIMARY KEY (run_id, dataset_id, direction)
  )`,
  'CREATE INDEX lineage_run_io_dataset ON lineage_run_io (dataset_id)',
  `CREATE TABLE lineage_column_edges (
    run_id uuid NOT NULL REFERENCES lineage_runs (id) ON DELETE CASCADE,
    input_dataset_id integer NOT NULL REFERENCES lineage_datasets (id) ON DELETE CASCADE,
    input_field text NOT NULL,
    output_dataset_id integer NOT NULL REFERENCES lineage_datasets (id) ON DELETE CASCADE,
    output_field text NOT NULL,
    PRIMARY KEY (run_id, output_dataset_id, output_field, input_dataset_id, input_field)
  )`,
]

// The trigger goes with its table; dropping gov_audit drops it.
const DOWN = [
  'DROP TABLE lineage_column_edges',
  'DROP TABLE lineage_run_io',
  'DROP TABLE lineage_datasets',
  'DROP TABLE lineage_runs',
  'DROP TABLE lineage_jobs',
  'DROP TABLE gov_audit',
  'DROP FUNCTION gov_audit_append_only()',
  'DROP TABLE gov_grants',
  'DROP TABLE gov_tokens',
  'DROP TABLE gov_group_members',
  'DROP TABLE gov_groups',
  'DROP TABLE gov_principals',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of GOVERNANCE_UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db)
}
