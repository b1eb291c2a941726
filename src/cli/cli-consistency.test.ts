import type { Command } from 'commander'
import { describe, expect, it, vi } from 'vitest'
import { buildProgram } from './program.ts'

/** Every command of the tree with its path (`schema get`), depth first. */
function walk(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  return command.commands.flatMap((sub) => {
    const subPath = [...path, sub.name()]
    return [{ path: subPath, command: sub }, ...walk(sub, subPath)]
  })
}

/** The options `--help` shows: deprecated aliases are hidden and do not count as names in use. */
function visibleOptions(command: Command) {
  return command.options.filter((option) => !option.hidden)
}

/**
 * Names that mean one idea: the CLI uses at most one of each group (#17). The first is the chosen name; the
 * others are what people (and earlier versions of `weir sql`) reach for.
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ['--url', '--udm', '--udm-url', '--server', '--server-url', '--registry-url'],
  ['--env', '--environment'],
  ['--data-dir', '--catalog-dir', '--dir', '--catalog'],
  ['--token', '--api-token', '--auth-token'],
  ['--version', '--schema-version'],
  ['--json', '--format', '--output'],
  ['--database-url', '--db-url', '--postgres-url'],
  ['--file', '--input'],
]

describe('the weir command tree', () => {
  const program = buildProgram()
  const commands = walk(program)

  it('prints help for every command and subcommand, each described, each option described', () => {
    expect(commands.length).toBeGreaterThan(40)
    for (const { path, command } of commands) {
      const where = `weir ${path.join(' ')}`
      expect(command.helpInformation(), where).toContain(`Usage: weir ${path.join(' ')}`)
      expect(command.description(), `${where} has a description`).not.toBe('')
      for (const option of visibleOptions(command)) {
        expect(option.description, `${where} ${option.flags} has a description`).not.toBe('')
      }
    }
    expect(program.helpInformation()).toContain('Usage: weir')
  })

  it('uses one name per idea across all commands (no --url here and --udm there)', () => {
    const used = new Map<string, string[]>()
    for (const { path, command } of commands) {
      for (const option of visibleOptions(command)) {
        if (option.long !== undefined)
          used.set(option.long, [...(used.get(option.long) ?? []), path.join(' ')])
      }
    }
    for (const group of SYNONYMS) {
      const inUse = group.filter((name) => used.has(name))
      const usage = inUse.map((name) => `${name} in ${used.get(name)?.join(', ')}`)
      expect(inUse.length <= 1 ? [] : usage, `one of ${group.join(' / ')}`).toEqual([])
    }
  })

  it('shadows no subcommand option with a global one: `--version` after a command is the command’s', async () => {
    const rootFlags = program.options.flatMap((option) => [option.long, option.short]).filter(Boolean)
    const clashes = commands.flatMap(({ path, command }) =>
      visibleOptions(command)
        .filter((option) => rootFlags.includes(option.long) || rootFlags.includes(option.short))
        .map((option) => ({ path, option: option.long ?? option.short ?? '' })),
    )
    // schema get/check/delete take a subject --version; the test must look at them, not pass vacuously.
    expect(clashes.map(({ path, option }) => `${path.join(' ')} ${option}`)).toContain('schema get --version')
    for (const { path, option } of clashes) {
      const fresh = buildProgram().exitOverride()
      const target = walk(fresh).find((entry) => entry.path.join(' ') === path.join(' '))!.command
      let seen: unknown
      target.action(function (this: Command) {
        seen = this.opts()
      })
      const args = target.registeredArguments.filter((argument) => argument.required).map(() => 'x')
      await fresh.parseAsync(['node', 'weir', ...path, ...args, option, '7'])
      expect(seen, `weir ${path.join(' ')} ${option} 7`).toMatchObject({ version: '7' })
    }
  })

  it('keeps the old names working as hidden aliases that warn and fill in the new option', async () => {
    const fresh = buildProgram().exitOverride()
    const validate = walk(fresh).find((entry) => entry.path.join(' ') === 'sql validate')!.command
    let seen: unknown
    validate.action(function (this: Command) {
      seen = this.opts()
    })
    let err = ''
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += chunk.toString()
      return true
    })
    try {
      await fresh.parseAsync([
        'node',
        'weir',
        'sql',
        'validate',
        'job.sql',
        '--udm',
        'http://u',
        '--catalog-dir',
        'd',
        '--environment',
        'e',
      ])
    } finally {
      stderr.mockRestore()
    }
    expect(seen).toMatchObject({ url: 'http://u', dataDir: 'd', env: 'e' })
    expect(err).toBe(
      [
        'warning: --udm is deprecated, use --url instead',
        'warning: --catalog-dir is deprecated, use --data-dir instead',
        'warning: --environment is deprecated, use --env instead',
        '',
      ].join('\n'),
    )
    expect(validate.helpInformation()).not.toContain('--udm')
  })
})
