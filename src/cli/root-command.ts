import { Command } from 'commander'
import { useCliLogFormat } from '../logging.ts'
import { WEIR_VERSION } from '../version.ts'

/**
 * The root `weir` command with what needs no area's code: the description, `--version` and `weir version`.
 * Both the whole tree (program.ts) and the lazy start-up path (run.ts) begin here.
 */
export function rootCommand(): Command {
  const program = new Command('weir')
    .description('Weir: a real-time data platform (streaming SQL, unified data management, Flink scale-out)')
    .version(WEIR_VERSION, '-V, --version', 'print the Weir version')
    .showHelpAfterError('(run `weir --help` for the list of commands)')
    // Root options are read only before the command name, so `weir schema get s --version 2` reaches the
    // subcommand's own --version instead of printing Weir's version (#17).
    .enablePositionalOptions()
    // Library logs (the Kafka client's) in the CLI's format, on stderr, warn and above; `udm serve` switches
    // back to JSON lines for its log collectors.
    .hook('preAction', () => useCliLogFormat())

  program
    .command('version')
    .description('print the Weir version and the runtime it runs on')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const info = {
        weir: WEIR_VERSION,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      }
      console.log(
        options.json ? JSON.stringify(info) : `weir ${info.weir} (node ${info.node}, ${info.platform})`,
      )
    })
  return program
}
