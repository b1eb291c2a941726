import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startKafka } from '../../infra/services/kafka.ts'
import { progress } from './report.ts'

/** Uses WEIR_KAFKA_BOOTSTRAP when set, otherwise starts a private broker for the benchmark's lifetime. */
export async function benchmarkBroker(): Promise<{ bootstrapServers: string; close(): Promise<void> }> {
  const external = process.env.WEIR_KAFKA_BOOTSTRAP
  if (external) return { bootstrapServers: external, close: async () => undefined }
  const workDir = mkdtempSync(join(tmpdir(), 'weir-bench-'))
  progress('starting a private Kafka broker (set WEIR_KAFKA_BOOTSTRAP to use another)…')
  const kafka = await startKafka({ workDir, heap: '2g' })
  return {
    bootstrapServers: kafka.bootstrapServers,
    close: async () => {
      await kafka.stop()
      rmSync(workDir, { recursive: true, force: true })
    },
  }
}
