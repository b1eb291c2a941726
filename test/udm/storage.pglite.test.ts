import { storageSuite } from './storage-suite.ts'

storageSuite('PGlite', async () => ({ inMemory: true }))
