/** `weir schema register|get|list|check|delete`: the schema registry from the command line. */
import { extname } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { addDeprecatedAlias } from '../deprecated-option.ts'
import {
  printJson,
  printLines,
  readTextFile,
  type TargetOptions,
  withClient,
  withTargetOptions,
} from './udm-options.ts'

interface SchemaInputFlags extends TargetOptions {
  file?: string
  schema?: string
  type?: string
  reference?: string[]
}

/** `name=subject:version`, e.g. --reference user.avsc=shop.user:1 */
function reference(value: string, previous: Array<{ name: string; subject: string; version: number }> = []) {
  const match = /^([^=]+)=(.+):(-1|\d+)$/.exec(value)
  if (!match)
    throw new InvalidArgumentError(
      `'${value}' is not name=subject:version, e.g. --reference user.avsc=shop.user-value:1`,
    )
  return [...previous, { name: match[1]!, subject: match[2]!, version: Number(match[3]) }]
}

/** .proto files are Protobuf and .avsc files Avro; otherwise --type decides (AVRO by default, like Confluent). */
function schemaTypeFor(flags: SchemaInputFlags): string | undefined {
  if (flags.type !== undefined) return flags.type.toUpperCase()
  const extension = flags.file === undefined ? '' : extname(flags.file).toLowerCase()
  if (extension === '.proto') return 'PROTOBUF'
  return undefined
}

function schemaBody(flags: SchemaInputFlags): Record<string, unknown> {
  if ((flags.file === undefined) === (flags.schema === undefined)) {
    throw new Error('give the schema with --file <path> or --schema <text> (one of them)')
  }
  const text = flags.file === undefined ? flags.schema! : readTextFile(flags.file, 'the schema file')
  const body: Record<string, unknown> = { schema: text }
  const type = schemaTypeFor(flags)
  if (type !== undefined) body.schemaType = type
  if (flags.reference !== undefined && flags.reference.length > 0) body.references = flags.reference
  return body
}

function withSchemaInput(command: Command): Command {
  return command
    .option('-f, --file <path>', 'schema file (.avsc, .proto, .json)')
    .option('--schema <text>', 'schema text, instead of --file')
    .option('-t, --type <type>', 'AVRO (default), PROTOBUF or JSON; .proto files are PROTOBUF')
    .option('--reference <name=subject:version>', 'a schema reference (repeatable)', reference)
}

/**
 * A subject version: `--version`, read after the command name (the root's `weir --version` is read only
 * before it). `--schema-version`, its name until #17, still works with a warning.
 */
function withVersionOption(command: Command, description: string, defaultValue?: string): Command {
  command.option('-v, --version <version>', description, defaultValue)
  return addDeprecatedAlias(command, '--schema-version <version>', '--version')
}

export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description(TOP_LEVEL_DESCRIPTIONS.schema)

  withTargetOptions(withSchemaInput(schema.command('register <subject>')))
    .description('register a schema under a subject and print its global id')
    .option('--normalize', 'store the normalized form (equivalent schemas then share an id)')
    .action(async (subject: string, flags: SchemaInputFlags & { normalize?: boolean }) => {
      await withClient(flags, async (client) => {
        const { id, version } = await client.registerSchema(
          subject,
          schemaBody(flags),
          flags.normalize === true,
        )
        process.stdout.write(`registered ${subject} version ${version} with id ${id}\n`)
      })
    })

  withVersionOption(withTargetOptions(schema.command('get [subject]')), 'version number or latest', 'latest')
    .description('print a subject version (default: the latest), or a schema by --id')
    .option('--id <id>', 'fetch by global schema id instead of subject')
    .option('--schema-only', 'print only the schema text')
    .action(
      async (
        subject: string | undefined,
        flags: TargetOptions & { version: string; id?: string; schemaOnly?: boolean },
      ) => {
        await withClient(flags, async (client) => {
          if ((subject === undefined) === (flags.id === undefined))
            throw new Error('give a subject, or --id <id> (one of them)')
          const found =
            flags.id !== undefined
              ? await client.getSchemaById(Number(flags.id))
              : await client.getSchemaVersion(subject!, flags.version)
          if (flags.schemaOnly === true) process.stdout.write(`${String(found.schema)}\n`)
          else printJson(found)
        })
      },
    )

  withTargetOptions(schema.command('list [subject]'))
    .description('list subjects, or the versions of one subject')
    .option('--deleted', 'include soft-deleted subjects or versions')
    .action(async (subject: string | undefined, flags: TargetOptions & { deleted?: boolean }) => {
      await withClient(flags, async (client) => {
        const deleted = flags.deleted === true
        if (subject === undefined) printLines(await client.listSubjects(deleted))
        else printLines((await client.listVersions(subject, deleted)).map(String))
      })
    })

  withVersionOption(
    withTargetOptions(withSchemaInput(schema.command('check <subject>'))),
    'check against this version only (default: what the level covers)',
  )
    .description("check a schema against the subject's compatibility level; exit code 1 when incompatible")
    .action(async (subject: string, flags: SchemaInputFlags & { version?: string }) => {
      await withClient(flags, async (client) => {
        const result = await client.checkCompatibility(subject, schemaBody(flags), flags.version)
        if (result.is_compatible) {
          process.stdout.write(`compatible with ${subject}\n`)
          return
        }
        process.stdout.write(`NOT compatible with ${subject}:\n`)
        printLines((result.messages ?? []).map((message) => `  ${message}`))
        process.exitCode = 1
      })
    })

  withVersionOption(withTargetOptions(schema.command('delete <subject>')), 'delete only this version')
    .description(
      'delete a subject, or one --version (soft; --permanent after a soft delete removes it for good)',
    )
    .option('--permanent', 'remove for good (the subject or version must be soft-deleted first)')
    .action(async (subject: string, flags: TargetOptions & { version?: string; permanent?: boolean }) => {
      await withClient(flags, async (client) => {
        const permanent = flags.permanent === true
        const how = permanent ? 'permanently deleted' : 'soft-deleted'
        if (flags.version !== undefined) {
          const version = await client.deleteVersion(subject, flags.version, permanent)
          process.stdout.write(`${how} ${subject} version ${version}\n`)
        } else {
          const versions = await client.deleteSubject(subject, permanent)
          process.stdout.write(`${how} ${subject} versions ${versions.join(', ')}\n`)
        }
      })
    })
}
