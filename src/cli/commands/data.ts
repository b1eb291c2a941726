/**
 * `weir data`: produce, consume and look up records by logical dataset name through the client SDK,
 * so the catalog's locations, formats, schemas and permissions apply exactly as they do for services.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { connect, type DatasetBatch, type DatasetRecord, type Udm } from '../../client/index.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { reportFailures } from './udm-options.ts'

interface ConnectionOptions {
  url?: string
  token?: string
  env?: string
}

function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the UDM server (default: $WEIR_UDM_URL or http://127.0.0.1:8081)')
    .option('--token <token>', 'an API token (default: $WEIR_TOKEN)')
    .option('--env <environment>', "the environment whose locations to use (default: the server's)")
}

async function withUdm(options: ConnectionOptions, action: (udm: Udm) => Promise<void>): Promise<void> {
  await reportFailures(async () => {
    const token = options.token ?? process.env.WEIR_TOKEN
    const udm = await connect({
      url: options.url ?? process.env.WEIR_UDM_URL ?? 'http://127.0.0.1:8081',
      ...(token ? { token } : {}),
      ...(options.env ? { environment: options.env } : {}),
    })
    try {
      await action(udm)
    } finally {
      await udm.close()
    }
  })
}

/** JSON for anything a decoder returns: 64-bit integers as strings, bytes as base64. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString()
    if (item && typeof item === 'object' && 'type' in item && item.type === 'Buffer' && 'data' in item) {
      return Buffer.from(item.data as number[]).toString('base64')
    }
    return item
  })
}

const PRODUCE_BATCH = 1_000

async function produce(udm: Udm, dataset: string, file: string): Promise<void> {
  const input = file === '-' ? process.stdin : createReadStream(file)
  const handle = udm.dataset(dataset)
  let batch: Record<string, unknown>[] = []
  let lineNumber = 0
  let written = 0
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++
    if (line.trim() === '') continue
    try {
      batch.push(JSON.parse(line) as Record<string, unknown>)
    } catch (error) {
      throw new Error(
        `${file}:${lineNumber} is not JSON (${(error as Error).message}); nothing after line ${written} was written`,
      )
    }
    if (batch.length === PRODUCE_BATCH) {
      await handle.write(batch)
      written += batch.length
      batch = []
    }
  }
  await handle.write(batch)
  written += batch.length
  process.stderr.write(`wrote ${written} records to ${dataset}\n`)
}

interface ConsumeOptions extends ConnectionOptions {
  from: 'earliest' | 'latest'
  group?: string
  limit?: string
  withMetadata?: boolean
}

async function consume(udm: Udm, dataset: string, options: ConsumeOptions): Promise<void> {
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : Number(options.limit)
  if (!(limit > 0)) throw new Error(`--limit must be a positive number, not '${options.limit}'`)
  // A throwaway group is a look at the topic: it keeps no position and writes no dead letters, else every
  // look would dead-letter the same bad records again.
  const keeps = options.group !== undefined
  const group = options.group ?? `weir-cli-${process.pid}-${Date.now()}`
  const reader = udm
    .dataset(dataset)
    .read({ group, from: options.from, autoCommit: keeps, deadLetters: keeps })
  let printed = 0
  const stop = (): void => void reader.close()
  process.once('SIGINT', stop)
  try {
    for await (const batch of reader) {
      reportUndecodable(batch, keeps)
      for (const record of batch.records) {
        process.stdout.write(`${printable(dataset, record, options.withMetadata === true, keeps)}\n`)
        // Printed is handled: the group's position may move past this record, and only then.
        reader.handled(record)
        if (++printed >= limit) return
      }
    }
  } finally {
    process.off('SIGINT', stop)
    await reader.close()
  }
}

function reportUndecodable(batch: DatasetBatch<Record<string, unknown>>, deadLettered: boolean): void {
  for (const failure of batch.failed) {
    const fate = deadLettered ? 'sent to the dead-letter topic' : 'skipped (dead-lettered only with --group)'
    process.stderr.write(
      `partition ${failure.partition} offset ${failure.offset}: ${failure.reason}, ${fate}: ${failure.message}\n`,
    )
  }
}

/** One output line; a record that cannot be printed stops the command before its position is committed. */
function printable(
  dataset: string,
  record: DatasetRecord<Record<string, unknown>>,
  withMetadata: boolean,
  keeps: boolean,
): string {
  const line = withMetadata
    ? {
        partition: record.partition,
        offset: record.offset,
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
      }
    : record.value
  try {
    return toJson(line)
  } catch (error) {
    const position = keeps ? '; the group was not committed past it, so the next run starts there' : ''
    throw new Error(
      `${dataset} partition ${record.partition} offset ${record.offset} cannot be printed as JSON (${(error as Error).message})${position}`,
    )
  }
}

function parseKey(pairs: string[]): Record<string, string> {
  const key: Record<string, string> = {}
  for (const pair of pairs) {
    const equals = pair.indexOf('=')
    if (equals <= 0)
      throw new Error(`'${pair}' is not field=value; e.g. weir data lookup dim.user user_id=42`)
    key[pair.slice(0, equals)] = pair.slice(equals + 1)
  }
  return key
}

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description(TOP_LEVEL_DESCRIPTIONS.data)

  withConnectionOptions(data.command('produce <dataset>'))
    .description("encode JSON lines with the dataset's format and schema and write them to its topic")
    .requiredOption('--file <path>', "JSON lines, one record per line ('-' for standard input)")
    .action((dataset: string, options: ConnectionOptions & { file: string }) =>
      withUdm(options, (udm) => produce(udm, dataset, options.file)),
    )

  withConnectionOptions(data.command('consume <dataset>'))
    .description('print decoded records as JSON lines (until --limit, or Ctrl-C)')
    .option('--from <position>', 'where a new group starts: earliest or latest', 'earliest')
    .option('--group <id>', 'a consumer group whose position is kept (default: a throwaway group)')
    .option('--limit <n>', 'stop after n records')
    .option('--with-metadata', 'print partition, offset, timestamp and key around each value')
    .action((dataset: string, options: ConsumeOptions) =>
      withUdm(options, (udm) => consume(udm, dataset, options)),
    )

  withConnectionOptions(data.command('lookup <dataset> <field=value...>'))
    .description("print the record stored under a key in the dataset's key-value store (Redis)")
    .action((dataset: string, pairs: string[], options: ConnectionOptions) =>
      withUdm(options, async (udm) => {
        const record = await udm.dataset(dataset).lookup(parseKey(pairs))
        if (record === undefined) throw new Error(`no record in ${dataset} under ${pairs.join(' ')}`)
        process.stdout.write(`${toJson(record)}\n`)
      }),
    )
}
