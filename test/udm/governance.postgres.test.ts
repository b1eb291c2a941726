import { freshPostgresDatabase } from '../harness/services.ts'
import { governanceSuite } from './governance-suite.ts'

governanceSuite('PostgreSQL', async () => ({ databaseUrl: await freshPostgresDatabase('udm_governance') }))
