/**
 * Starts the same real services the tests use, for manual work, and prints how to reach them.
 *   npm run services                 # all of them
 *   npm run services -- kafka redis  # some
 * Ctrl-C stops them and removes their data.
 */
import { SERVICE_NAMES, type ServiceName, ServiceRegistry } from './services/index.ts'

const requested = process.argv.slice(2)
const unknown = requested.filter((name) => !SERVICE_NAMES.includes(name as ServiceName))
if (unknown.length > 0) {
  console.error(`unknown service(s): ${unknown.join(', ')}; choose from ${SERVICE_NAMES.join(', ')}`)
  process.exit(2)
}
const names = (requested.length > 0 ? requested : SERVICE_NAMES) as ServiceName[]

const registry = new ServiceRegistry(({ service, millis }) =>
  console.error(`✔ ${service} ready in ${millis} ms`),
)
let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  console.error('stopping services…')
  await registry.stopAll()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

console.error(`starting ${names.join(', ')} (data under ${registry.workDir})…`)
try {
  for (const name of names) {
    console.log(JSON.stringify({ service: name, ...(await registry.need(name)) }))
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  await stop()
}
console.error('all services up; press Ctrl-C to stop them')
