import { auditSuite } from './audit-suite.ts'

auditSuite('PGlite', async () => ({ inMemory: true }))
