import { type Kysely, sql } from 'kysely'

/** Protobuf datasets name the message their records are, as a schema file may define several. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE udm_datasets ADD COLUMN key_message text, ADD COLUMN value_message text`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE udm_datasets DROP COLUMN key_message, DROP COLUMN value_message`.execute(db)
}
