import { freshPostgresDatabase } from '../harness/services.ts'
import { auditSuite } from './audit-suite.ts'

auditSuite('PostgreSQL', async () => ({ databaseUrl: await freshPostgresDatabase('udm_audit') }))
