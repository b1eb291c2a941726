/**
 * The UDM catalog in one object: the database, the Location Manager and the schema registry, wired together
 * (resolve reports the registered schema of a dataset's subjects), plus applying whole catalog documents.
 */

import type { CatalogDocument } from './catalog-document.ts'
import { type CatalogDatabase, type CatalogDatabaseOptions, openCatalogDatabase } from './db/connection.ts'
import { GovernanceService } from './governance/service.ts'
import { CatalogError } from './locations/errors.ts'
import {
  type CatalogChanges,
  type ChangeKind,
  DryRunRollback,
  LocationService,
  type LocationServiceOptions,
  prepareApply,
} from './locations/service.ts'
import { RegistryError } from './registry/errors.ts'
import { SchemaRegistry, type SchemaRegistryOptions } from './registry/service.ts'

export interface CatalogOptions {
  database: CatalogDatabaseOptions
  registry?: SchemaRegistryOptions
  locations?: Omit<LocationServiceOptions, 'subjectInfo'>
  /** Where a failed audit write is reported (the server log). */
  onAuditError?: (error: unknown) => void
}

export interface ApplyReport extends CatalogChanges {
  schemas: Array<{ subject: string; id: number; version: number; change: ChangeKind }>
  dryRun: boolean
}

export class Catalog {
  readonly registry: SchemaRegistry
  readonly locations: LocationService
  readonly governance: GovernanceService

  private constructor(
    readonly database: CatalogDatabase,
    options: CatalogOptions,
  ) {
    this.registry = new SchemaRegistry(database.db, options.registry)
    this.governance = new GovernanceService(
      database.db,
      options.onAuditError === undefined ? {} : { onAuditError: options.onAuditError },
    )
    this.locations = new LocationService(database.db, {
      ...options.locations,
      subjectInfo: (subject) => this.registry.latestSchemaInfo(subject),
    })
  }

  /** Opens (and migrates) the database and builds the services over it. */
  static async open(options: CatalogOptions): Promise<Catalog> {
    return new Catalog(await openCatalogDatabase(options.database), options)
  }

  /**
   * Applies a catalog document in one transaction: schemas first (datasets refer to their subjects), then
   * clusters, then datasets. Any failure, or a dry run, leaves the catalog exactly as it was.
   */
  async apply(document: CatalogDocument, options: { dryRun?: boolean } = {}): Promise<ApplyReport> {
    const prepared = prepareApply(document.clusters, document.datasets)
    const dryRun = options.dryRun === true
    let report: ApplyReport = { clusters: [], datasets: [], schemas: [], dryRun }
    try {
      await this.database.db.transaction().execute(async (trx) => {
        await this.registry.lockSubjects(
          trx,
          document.schemas.map((entry) => entry.subject),
        )
        const schemas: ApplyReport['schemas'] = []
        for (const [index, entry] of document.schemas.entries()) {
          try {
            const result = await this.registry.registerWithin(trx, entry.subject, entry.body, {
              normalize: entry.normalize,
            })
            schemas.push({
              subject: entry.subject,
              id: result.id,
              version: result.version,
              change: result.created ? 'created' : 'unchanged',
            })
          } catch (error) {
            if (!(error instanceof RegistryError)) throw error
            throw new CatalogError(
              error.httpStatus,
              'schema_rejected',
              `schemas[${index}] (subject ${entry.subject}): ${error.message}`,
              `schemas[${index}]`,
            )
          }
        }
        const changes = await this.locations.applyWithin(trx, prepared)
        report = { ...changes, schemas, dryRun }
        if (dryRun) throw new DryRunRollback()
      })
    } catch (error) {
      this.registry.forgetUncommitted()
      if (!(error instanceof DryRunRollback)) throw error
    }
    return report
  }

  /** Writes the queued audit records first, so none is lost on shutdown. */
  async close(): Promise<void> {
    await this.governance.audit.flush()
    return this.database.close()
  }
}
