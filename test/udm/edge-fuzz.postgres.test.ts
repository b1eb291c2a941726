import { freshPostgresDatabase } from '../harness/services.ts'
import { edgeFuzzSuite } from './edge-fuzz-suite.ts'

// Fewer runs than on PGlite: the same code paths, checked once against the server's own type and text rules.
edgeFuzzSuite('PostgreSQL', async () => ({ databaseUrl: await freshPostgresDatabase('udm_edge_fuzz') }), {
  runsPerRoute: 25,
  budgetMs: 30_000,
})
