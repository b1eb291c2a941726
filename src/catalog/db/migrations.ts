/**
 * Versioned schema migrations, kept in code so that the package carries them (no files to find at run time).
 * Names sort in the order they run: `0001_...`, `0002_...`. Add a new file and a line below; never edit a
 * migration that has shipped.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import * as governance from '../governance/migration.ts'
import * as udmCore from './migrations/0001_udm_core.ts'
import * as protobufMessage from './migrations/0002_protobuf_message.ts'

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_udm_core': udmCore,
  '0002_protobuf_message': protobufMessage,
  '0003_governance': governance,
}

const provider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
}

export const MIGRATION_TABLE = 'weir_migrations'

function migratorFor(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  })
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError'
}

/**
 * Brings the database to the newest schema. Safe to call from several processes at once: Kysely's migrator
 * takes a lock, and the whole run is one transaction on PostgreSQL-compatible databases.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await migratorFor(db).migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    const cause = error instanceof Error ? error.message : String(error)
    throw new MigrationError(
      `could not migrate the catalog database${failed ? ` (migration ${failed})` : ''}: ${cause}. ` +
        'Nothing was changed; check that the database is reachable and that this Weir version is not older than the one that last migrated it.',
    )
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName)
}

/** The names of all migrations this build knows, oldest first. */
export function knownMigrations(): string[] {
  return Object.keys(MIGRATIONS).sort()
}
