import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    reporters: ['default', './test/harness/summary-reporter.ts'],
    // Integration tests start real brokers and databases; their first use waits for a cold JVM.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
})
