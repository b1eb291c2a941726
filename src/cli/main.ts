import { runCli } from './run.ts'

await runCli(process.argv)
