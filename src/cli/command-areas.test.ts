import { describe, expect, it } from 'vitest'
import { COMMAND_AREAS } from './command-areas.ts'
import { buildProgram } from './program.ts'
import { rootCommand } from './root-command.ts'

describe('the lazy command index', () => {
  it('lists every top-level command with the description its area registers, in order', () => {
    const registered = buildProgram()
      .commands.filter((command) => command.name() !== 'version')
      .map((command) => ({ name: command.name(), description: command.description() }))
    expect(COMMAND_AREAS.flatMap((area) => area.commands)).toEqual(registered)
  })

  it('loads each area to exactly the commands the index names for it', async () => {
    for (const area of COMMAND_AREAS) {
      const program = rootCommand()
      ;(await area.load())(program)
      const names = program.commands.map((command) => command.name()).filter((name) => name !== 'version')
      expect(names).toEqual(area.commands.map((command) => command.name))
    }
  })
})
