import { COMMAND_AREAS } from './command-areas.ts'
import { rootCommand } from './root-command.ts'

/**
 * Runs `weir` with the given process arguments, loading only the area the command belongs to. Without a
 * known command (`weir`, `weir --help`, `weir version`, a typo), every area is listed by name and
 * description, and none is loaded, so help and typos answer in milliseconds.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = rootCommand()
  // The root command takes no option with a value, so its first non-option argument names the command.
  const name = argv.slice(2).find((argument) => !argument.startsWith('-'))
  const area = COMMAND_AREAS.find((candidate) => candidate.commands.some((command) => command.name === name))
  if (area !== undefined) {
    ;(await area.load())(program)
  } else {
    for (const command of COMMAND_AREAS.flatMap((candidate) => candidate.commands)) {
      program.command(command.name).description(command.description)
    }
  }
  await program.parseAsync(argv as string[])
}
