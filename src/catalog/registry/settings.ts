/**
 * Compatibility level, normalize and mode, per subject and global (Confluent's /config and /mode). A subject
 * without its own setting follows the global one; the global defaults are BACKWARD and READWRITE.
 */
import type { Kysely } from 'kysely'
import type { CatalogTables } from '../db/tables.ts'
import {
  ErrorCodes,
  invalidCompatibilityLevel,
  invalidMode,
  operationNotPermitted,
  RegistryError,
  unprocessable,
} from './errors.ts'
import { MODES, type Mode, readSubject } from './model.ts'
import { type CompatibilityLevel, isCompatibilityLevel } from './schema-support.ts'
import { type Db, GLOBAL_SCOPE, hasAnyVersion, readConfig, writeConfig } from './store.ts'

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD'
export const DEFAULT_MODE: Mode = 'READWRITE'

export interface ConfigView {
  compatibilityLevel: CompatibilityLevel
  normalize?: boolean
}

export class RegistrySettings {
  constructor(
    private readonly db: Kysely<CatalogTables>,
    /** Called after a change that can alter lookup answers (normalize), so caches can be dropped. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  async getConfig(
    subject: string | undefined,
    options: { defaultToGlobal?: boolean } = {},
  ): Promise<ConfigView> {
    if (subject !== undefined) readSubject(subject)
    const own = subject === undefined ? undefined : await readConfig(this.db, subject)
    const global = await readConfig(this.db, GLOBAL_SCOPE)
    if (
      subject !== undefined &&
      (own === undefined || own.compatibility === null) &&
      options.defaultToGlobal !== true
    ) {
      throw new RegistryError(
        404,
        ErrorCodes.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
        `Subject '${subject}' does not have subject-level compatibility configured. Add ?defaultToGlobal=true to see the level that applies, or set one with PUT /config/${subject}.`,
      )
    }
    const compatibility = (own?.compatibility ??
      global?.compatibility ??
      DEFAULT_COMPATIBILITY) as CompatibilityLevel
    const normalize = own?.normalize ?? global?.normalize ?? undefined
    return normalize === undefined || normalize === null
      ? { compatibilityLevel: compatibility }
      : { compatibilityLevel: compatibility, normalize }
  }

  async setConfig(
    subject: string | undefined,
    body: unknown,
  ): Promise<{ compatibility: CompatibilityLevel; normalize?: boolean }> {
    if (subject !== undefined) readSubject(subject)
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw unprocessable('The request body must be a JSON object like {"compatibility": "BACKWARD"}.')
    }
    const fields = body as Record<string, unknown>
    const requested = fields.compatibility ?? fields.compatibilityLevel
    const level = typeof requested === 'string' ? requested.toUpperCase() : requested
    if (!isCompatibilityLevel(level)) throw invalidCompatibilityLevel(requested)
    const normalize = fields.normalize
    if (normalize !== undefined && normalize !== null && typeof normalize !== 'boolean') {
      throw unprocessable('"normalize" must be true or false.')
    }
    await writeConfig(this.db, subject ?? GLOBAL_SCOPE, {
      compatibility: level,
      ...(typeof normalize === 'boolean' ? { normalize } : {}),
    })
    this.onChange()
    return typeof normalize === 'boolean' ? { compatibility: level, normalize } : { compatibility: level }
  }

  /** Removes a subject's level (it falls back to the global one) or resets the global level to BACKWARD. */
  async deleteConfig(subject: string | undefined): Promise<ConfigView> {
    const previous = await this.getConfig(subject)
    const scope = subject ?? GLOBAL_SCOPE
    await writeConfig(this.db, scope, { compatibility: null, normalize: null })
    this.onChange()
    return previous
  }

  async getMode(
    subject: string | undefined,
    options: { defaultToGlobal?: boolean } = {},
  ): Promise<{ mode: Mode }> {
    if (subject !== undefined) readSubject(subject)
    if (subject === undefined)
      return { mode: ((await readConfig(this.db, GLOBAL_SCOPE))?.mode ?? DEFAULT_MODE) as Mode }
    const own = await readConfig(this.db, subject)
    if ((own === undefined || own.mode === null) && options.defaultToGlobal !== true) {
      throw new RegistryError(
        404,
        ErrorCodes.SUBJECT_MODE_NOT_CONFIGURED,
        `Subject '${subject}' does not have subject-level mode configured. Add ?defaultToGlobal=true to see the mode that applies, or set one with PUT /mode/${subject}.`,
      )
    }
    return { mode: await this.effectiveMode(this.db, subject) }
  }

  async setMode(
    subject: string | undefined,
    body: unknown,
    options: { force?: boolean } = {},
  ): Promise<{ mode: Mode }> {
    if (subject !== undefined) readSubject(subject)
    const requested =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).mode : undefined
    const mode = typeof requested === 'string' ? requested.toUpperCase() : requested
    if (!MODES.includes(mode as Mode)) throw invalidMode(requested)
    if (mode === 'IMPORT' && options.force !== true && (await hasAnyVersion(this.db, subject))) {
      throw operationNotPermitted(
        `Cannot import since found existing subjects${subject === undefined ? '' : ` ('${subject}' has versions)`}; import into an empty registry or subject, or add ?force=true.`,
      )
    }
    await writeConfig(this.db, subject ?? GLOBAL_SCOPE, { mode: mode as Mode })
    return { mode: mode as Mode }
  }

  async deleteMode(subject: string | undefined): Promise<{ mode: Mode }> {
    const previous = await this.getMode(subject)
    await writeConfig(this.db, subject ?? GLOBAL_SCOPE, { mode: null })
    return previous
  }

  async effectiveCompatibility(db: Db, subject: string): Promise<CompatibilityLevel> {
    const own = await readConfig(db, subject)
    if (own?.compatibility) return own.compatibility as CompatibilityLevel
    const global = await readConfig(db, GLOBAL_SCOPE)
    return (global?.compatibility ?? DEFAULT_COMPATIBILITY) as CompatibilityLevel
  }

  async effectiveNormalize(db: Db, subject: string): Promise<boolean> {
    const own = await readConfig(db, subject)
    if (own?.normalize !== null && own?.normalize !== undefined) return own.normalize
    return (await readConfig(db, GLOBAL_SCOPE))?.normalize === true
  }

  async effectiveMode(db: Db, subject: string): Promise<Mode> {
    const global = ((await readConfig(db, GLOBAL_SCOPE))?.mode ?? DEFAULT_MODE) as Mode
    // READONLY_OVERRIDE on the registry wins over every subject's own mode.
    if (global === 'READONLY_OVERRIDE') return global
    const own = await readConfig(db, subject)
    return (own?.mode ?? global) as Mode
  }

  async assertWritable(db: Db, subject: string): Promise<void> {
    const mode = await this.effectiveMode(db, subject)
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
      throw operationNotPermitted(
        `Subject '${subject}' is in read-only mode (${mode}); set its mode to READWRITE with PUT /mode/${subject} first.`,
      )
    }
  }
}
