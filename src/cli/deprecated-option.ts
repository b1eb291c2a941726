import { type Command, Option } from 'commander'

/**
 * Old option names kept working after a rename (#17: one name per idea across the CLI). Scripts written
 * against the old name still run, but each use prints a warning naming the new option, so the old name can
 * be removed in a later release. The alias is hidden from `--help`, which shows only the current name.
 */
export function addDeprecatedAlias(command: Command, oldFlags: string, currentFlag: string): Command {
  const current = command.options.find((option) => option.long === currentFlag)
  if (current === undefined) {
    throw new Error(`${command.name()}: add ${currentFlag} before its deprecated alias ${oldFlags}`)
  }
  const alias = new Option(oldFlags, `deprecated: use ${currentFlag}`).hideHelp()
  command.addOption(alias)
  command.on(`option:${alias.name()}`, (value: unknown) => {
    process.stderr.write(`warning: ${alias.long} is deprecated, use ${currentFlag} instead\n`)
    // Stored under the current name, so the action reads one option whichever name the user typed.
    command.setOptionValueWithSource(current.attributeName(), value, 'cli')
  })
  return command
}
