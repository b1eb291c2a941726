/**
 * Cluster secrets never enter the catalog: a password is stored as a reference, `env:NAME` (an environment
 * variable of the process that resolves it) or `file:/path` (a file it can read, e.g. a mounted Kubernetes
 * secret). APIs return the reference text; only `resolve` with permission turns references into values.
 *
 * Whether a caller may receive resolved secrets is decided in exactly one place, `SecretAccessPolicy`, so the
 * governance work (principals and grants) can replace the policy without touching the callers.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { CatalogError, invalidField, joinField } from './errors.ts'
import type { PropertyValue } from './model.ts'

const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/
const FILE_REFERENCE = /^file:(\/.+)$/
/** Property names whose values are credentials. */
const SENSITIVE_KEY =
  /(password|passwd|secret|token|credential|jaas|api[._-]?key|private[._-]?key|keytab|sasl\.oauthbearer)/i
/** scheme://user:password@host — a password hiding inside a URL. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i

export function isSecretReference(value: unknown): value is string {
  return typeof value === 'string' && (ENV_REFERENCE.test(value) || FILE_REFERENCE.test(value))
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key)
}

/**
 * Rejects plain-text secrets: sensitive keys must hold references, and no URL may embed a password. The
 * message shows the fix, since the user's next step is to move the value into an env var or a file.
 */
export function checkNoPlainSecrets(properties: Record<string, PropertyValue>, field: string): void {
  for (const [key, value] of Object.entries(properties)) {
    const path = joinField(field, key)
    if (typeof value === 'string' && (value.startsWith('env:') || value.startsWith('file:'))) {
      if (!isSecretReference(value)) {
        throw invalidField(
          path,
          `'${value}' is not a valid secret reference; write env:NAME (an environment variable name) or file:/absolute/path`,
        )
      }
      continue
    }
    if (isSensitiveKey(key)) {
      throw invalidField(
        path,
        'looks like a secret, and secrets are not stored in the catalog; store a reference instead, ' +
          `e.g. ${key}: env:${envNameFor(key)} (an environment variable of the server) or ${key}: file:/run/secrets/${key}`,
      )
    }
    if (typeof value === 'string' && URL_WITH_PASSWORD.test(value)) {
      throw invalidField(
        path,
        'embeds a password in the URL; remove it from the URL and add a separate property, e.g. password: env:DB_PASSWORD',
      )
    }
  }
}

function envNameFor(key: string): string {
  return key.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()
}

/**
 * Which files `file:` references may name. A server must not become a way to read its own files (its
 * database, keys, /etc/shadow) through a cluster property, so it reads secret files only inside one directory
 * it was given (`--secrets-dir`), and none without it. The embedded CLI runs as the user who owns the files
 * anyway, so it may read any.
 */
export type SecretFilePolicy = { kind: 'none' } | { kind: 'anywhere' } | { kind: 'within'; directory: string }

export const NO_SECRET_FILES: SecretFilePolicy = { kind: 'none' }
export const ANY_SECRET_FILE: SecretFilePolicy = { kind: 'anywhere' }

/** A policy for secret files under `directory`, which must exist (checked now, so a typo fails at startup). */
export function secretFilesWithin(directory: string): SecretFilePolicy {
  const absolute = resolve(directory)
  let isDirectory = false
  try {
    isDirectory = statSync(absolute).isDirectory()
  } catch {
    isDirectory = false
  }
  if (!isDirectory) {
    throw new CatalogError(
      400,
      'invalid_field',
      `secrets directory '${directory}' is not a directory; create it (e.g. mkdir -p ${absolute}) or point --secrets-dir at the directory holding the secret files`,
      'secretsDir',
    )
  }
  return { kind: 'within', directory: realpathSync(absolute) }
}

/** The secret a reference points to. Fails with a message naming the reference and how to provide it. */
export function resolveSecretReference(
  reference: string,
  context: string,
  env: NodeJS.ProcessEnv = process.env,
  files: SecretFilePolicy = NO_SECRET_FILES,
): string {
  const envMatch = ENV_REFERENCE.exec(reference)
  if (envMatch) {
    const name = envMatch[1]!
    const value = env[name]
    if (value === undefined) {
      throw new CatalogError(
        422,
        'secret_unavailable',
        `${context} refers to ${reference}, but the environment variable ${name} is not set in the process resolving it; set it and retry`,
      )
    }
    return value
  }
  const fileMatch = FILE_REFERENCE.exec(reference)
  if (fileMatch) {
    const path = allowedSecretFile(fileMatch[1]!, reference, context, files)
    try {
      // Secret files usually end with a newline that is not part of the secret.
      return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error)
      throw new CatalogError(
        422,
        'secret_unavailable',
        `${context} refers to ${reference}, which cannot be read (${reason}); make the file readable by the process resolving it`,
      )
    }
  }
  return reference
}

/**
 * The file to read for a `file:` reference, or a refusal: outside the allowed directory, with `..`, or through
 * a symbolic link leading out of it (the real path is checked, and it is what gets read).
 */
function allowedSecretFile(
  path: string,
  reference: string,
  context: string,
  files: SecretFilePolicy,
): string {
  if (files.kind === 'anywhere') return path
  const refuse = (why: string) =>
    new CatalogError(422, 'secret_file_refused', `${context} refers to ${reference}, which ${why}`)
  if (files.kind === 'none') {
    throw refuse(
      'this server does not read: it reads secret files only inside the directory given with --secrets-dir. ' +
        'Start it with --secrets-dir DIR and keep the file under DIR, or use an env:NAME reference',
    )
  }
  const outside = `is outside the secrets directory ${files.directory}; move the file under it and refer to it there`
  if (path.split('/').includes('..')) throw refuse(`contains '..'; ${outside}`)
  if (!within(files.directory, resolve(path))) throw refuse(outside)
  let real: string
  try {
    real = realpathSync(path)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new CatalogError(
      422,
      'secret_unavailable',
      `${context} refers to ${reference}, which cannot be read (${reason}); make the file readable by the process resolving it`,
    )
  }
  if (!within(files.directory, real))
    throw refuse(`is a link leading out of the secrets directory; ${outside}`)
  return real
}

function within(directory: string, path: string): boolean {
  const rest = relative(directory, path)
  return rest !== '' && !rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest)
}

/** Resolves every reference among a cluster's properties. */
export function resolveProperties(
  properties: Record<string, PropertyValue>,
  clusterName: string,
  env: NodeJS.ProcessEnv = process.env,
  files: SecretFilePolicy = NO_SECRET_FILES,
): Record<string, PropertyValue> {
  const resolved: Record<string, PropertyValue> = {}
  for (const [key, value] of Object.entries(properties)) {
    resolved[key] = isSecretReference(value)
      ? resolveSecretReference(value, `cluster '${clusterName}' property '${key}'`, env, files)
      : value
  }
  return resolved
}

export interface SecretAccessRequest {
  dataset: string
  environment: string
  clusters: readonly string[]
  /** Who asks; set once authentication exists (a later issue). */
  principal?: string
}

/** The one permission check for handing out resolved secrets. */
export type SecretAccessPolicy = (request: SecretAccessRequest) => boolean | Promise<boolean>

export const DENY_SECRETS: SecretAccessPolicy = () => false
export const ALLOW_SECRETS: SecretAccessPolicy = () => true

export async function assertSecretAccess(
  policy: SecretAccessPolicy,
  request: SecretAccessRequest,
): Promise<void> {
  if (await policy(request)) return
  throw new CatalogError(
    403,
    'secrets_forbidden',
    `resolving secrets for ${request.dataset} is not allowed here; resolve without includeSecrets to get the ` +
      'secret references, or start the server with --allow-secrets (then the owners of the dataset who also own its clusters get them)',
  )
}
