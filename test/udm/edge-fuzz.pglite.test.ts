import { edgeFuzzSuite } from './edge-fuzz-suite.ts'

edgeFuzzSuite('PGlite', async () => ({ inMemory: true }), { runsPerRoute: 100, budgetMs: 40_000 })
