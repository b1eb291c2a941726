import { freshPostgresDatabase } from '../harness/services.ts'
import { storageSuite } from './storage-suite.ts'

storageSuite('PostgreSQL', async () => ({ databaseUrl: await freshPostgresDatabase('udm_storage') }))
