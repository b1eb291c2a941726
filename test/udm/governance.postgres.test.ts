import { freshPostgresDatabase } from '../harness/services.ts'
import { authorizationSuite } from './authorization-suite.ts'
import { governanceSuite } from './governance-suite.ts'

governanceSuite('PostgreSQL', async () => ({ databaseUrl: await freshPostgresDatabase('udm_governance') }))

authorizationSuite('PostgreSQL', async () => ({
  databaseUrl: await freshPostgresDatabase('udm_authorization'),
}))
