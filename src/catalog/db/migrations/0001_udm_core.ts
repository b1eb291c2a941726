/**
 * The UDM core: clusters, datasets and their physical locations, and the schema registry (global schema ids,
 * subject versions, references, per-subject and global config). Plain SQL that runs unchanged on PGlite and
 * PostgreSQL.
 */
import { type Kysely, sql } from 'kysely'

const UP = [
  `CREATE TABLE udm_clusters (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    system text NOT NULL,
    description text NOT NULL DEFAULT '',
    properties jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE udm_datasets (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    namespace text NOT NULL,
    description text NOT NULL DEFAULT '',
    owner text NOT NULL DEFAULT '',
    tags jsonb NOT NULL DEFAULT '[]',
    kind text NOT NULL,
    key_format text,
    key_subject text,
    value_format text NOT NULL,
    value_subject text,
    primary_key jsonb NOT NULL DEFAULT '[]',
    event_time_column text,
    watermark_delay_ms integer,
    properties jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX udm_datasets_namespace ON udm_datasets (namespace)',
  'CREATE INDEX udm_datasets_tags ON udm_datasets USING gin (tags)',
  `CREATE TABLE udm_locations (
    id serial PRIMARY KEY,
    dataset_id integer NOT NULL REFERENCES udm_datasets (id) ON DELETE CASCADE,
    environment text NOT NULL,
    position integer NOT NULL,
    cluster_id integer NOT NULL REFERENCES udm_clusters (id) ON DELETE RESTRICT,
    spec jsonb NOT NULL,
    UNIQUE (dataset_id, environment, position)
  )`,
  'CREATE INDEX udm_locations_cluster ON udm_locations (cluster_id)',
  `CREATE TABLE sr_schemas (
    id serial PRIMARY KEY,
    guid uuid NOT NULL UNIQUE,
    schema_type text NOT NULL,
    schema text NOT NULL,
    refs jsonb NOT NULL DEFAULT '[]',
    fingerprint text NOT NULL UNIQUE,
    canonical_fingerprint text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX sr_schemas_canonical ON sr_schemas (canonical_fingerprint)',
  `CREATE TABLE sr_schema_fields (
    schema_id integer NOT NULL REFERENCES sr_schemas (id) ON DELETE CASCADE,
    field text NOT NULL,
    PRIMARY KEY (schema_id, field)
  )`,
  'CREATE INDEX sr_schema_fields_field ON sr_schema_fields (lower(field))',
  `CREATE TABLE sr_versions (
    subject text NOT NULL,
    version integer NOT NULL,
    schema_id integer NOT NULL REFERENCES sr_schemas (id),
    deleted boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, version)
  )`,
  'CREATE INDEX sr_versions_schema ON sr_versions (schema_id)',
  `CREATE TABLE sr_references (
    schema_id integer NOT NULL REFERENCES sr_schemas (id),
    name text NOT NULL,
    subject text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (schema_id, name)
  )`,
  'CREATE INDEX sr_references_target ON sr_references (subject, version)',
  `CREATE TABLE sr_config (
    scope text PRIMARY KEY,
    compatibility text,
    normalize boolean,
    mode text,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
]

const DOWN = [
  'DROP TABLE sr_config',
  'DROP TABLE sr_references',
  'DROP TABLE sr_versions',
  'DROP TABLE sr_schema_fields',
  'DROP TABLE sr_schemas',
  'DROP TABLE udm_locations',
  'DROP TABLE udm_datasets',
  'DROP TABLE udm_clusters',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db)
}
