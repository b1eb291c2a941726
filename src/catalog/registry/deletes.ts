/**
 * Deleting subject versions, Confluent style: a first delete is soft (the version disappears from listings but
 * can still be read with `deleted=true`), a second one with `permanent=true` removes it. A version that other
 * live schemas reference cannot be deleted. Callers hold the subject's lock inside a transaction.
 */
import { ErrorCodes, RegistryError, subjectNotFound } from './errors.ts'
import { pickVersion, type VersionSpec } from './model.ts'
import { type Db, markDeleted, referrersOf, removeVersions, subjectVersions } from './store.ts'

export async function deleteVersionLocked(
  trx: Db,
  subject: string,
  spec: VersionSpec,
  permanent: boolean,
): Promise<number> {
  const rows = await subjectVersions(trx, subject)
  // "latest" of a soft delete is the newest live version; a numbered version may already be soft-deleted,
  // which deserves its own error (40406) rather than "not found".
  const row = pickVersion(subject, rows, spec, permanent || spec !== 'latest')
  if (!permanent && row.deleted) {
    throw new RegistryError(
      404,
      ErrorCodes.VERSION_SOFT_DELETED,
      `Subject '${subject}' Version ${row.version} was soft deleted. Set permanent=true to delete permanently.`,
    )
  }
  if (permanent && !row.deleted) {
    throw new RegistryError(
      404,
      ErrorCodes.VERSION_NOT_SOFT_DELETED,
      `Subject '${subject}' Version ${row.version} was not deleted first before being permanently deleted. Delete it without permanent=true first.`,
    )
  }
  await assertUnreferenced(trx, subject, [row.version], permanent)
  if (permanent) await removeVersions(trx, subject, [row.version])
  else await markDeleted(trx, subject, [row.version])
  return row.version
}

export async function deleteSubjectLocked(trx: Db, subject: string, permanent: boolean): Promise<number[]> {
  const rows = await subjectVersions(trx, subject)
  if (rows.length === 0) throw subjectNotFound(subject)
  const live = rows.filter((row) => !row.deleted).map((row) => row.version)
  if (!permanent && live.length === 0) {
    throw new RegistryError(
      404,
      ErrorCodes.SUBJECT_SOFT_DELETED,
      `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently.`,
    )
  }
  if (permanent && live.length > 0) {
    throw new RegistryError(
      404,
      ErrorCodes.SUBJECT_NOT_SOFT_DELETED,
      `Subject '${subject}' was not deleted first before being permanently deleted. Delete it without permanent=true first.`,
    )
  }
  const versions = permanent ? rows.map((row) => row.version) : live
  await assertUnreferenced(trx, subject, versions, permanent)
  if (permanent) {
    await removeVersions(trx, subject, versions)
    // A subject deleted for good takes its settings with it, as in Confluent.
    await trx.deleteFrom('sr_config').where('scope', '=', subject).execute()
  } else {
    await markDeleted(trx, subject, versions)
  }
  return versions
}

/** Live referrers block any delete; soft-deleted referrers still block a permanent one. */
async function assertUnreferenced(
  db: Db,
  subject: string,
  versions: readonly number[],
  permanent: boolean,
): Promise<void> {
  for (const version of versions) {
    const referrers = await referrersOf(db, subject, version, permanent)
    if (referrers.length > 0) {
      throw new RegistryError(
        422,
        ErrorCodes.REFERENCE_EXISTS,
        `One or more references exist to the schema {subject=${subject}, version=${version}}: schema id(s) ${referrers.join(', ')}. Delete the referring schemas first.`,
      )
    }
  }
}
