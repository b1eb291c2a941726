import { didYouMean } from './binder/suggest.ts'
import { invalid } from './errors.ts'
import type { SourceSpan } from './parser/index.ts'

/**
 * Which session options (`SET 'key' = 'value'`, `--set key=value`) Weir honours: the one table to read and
 * extend. A key Weir does not honour is never accepted silently:
 * - a key that changes what a job computes or guarantees and that Weir does not implement is an error that
 *   says what to do instead (a job must not look as if it checkpointed, kept state for a TTL, ...);
 * - a Flink key that only tunes Flink's own runtime (memory, REST, metrics, restarts) has no meaning on the
 *   embedded engine: it is accepted with a warning naming it, so Flink scripts run unchanged;
 * - any other key is an error, with the closest honoured key suggested (most likely a typo).
 */
export const HONOURED_OPTIONS: Readonly<Record<string, string>> = {
  'parallelism.default': 'how many subtasks a job runs (1)',
  'sql-client.execution.result-mode':
    'how weir sql run shows print tables: table, changelog or tableau (table on a terminal, else changelog)',
  'table.exec.mini-batch.enabled': 'buffer unbounded aggregations and deduplications (false)',
  'table.exec.mini-batch.allow-latency': 'how long a mini-batch buffers, e.g. 2 s',
  'table.exec.mini-batch.size': 'how many rows a mini-batch buffers at most (1000)',
  'table.exec.sink.not-null-enforcer':
    'ERROR fails the job on a NULL in a NOT NULL column; DROP drops the row',
  'table.exec.source.idle-timeout':
    'a source partition without records this long stops holding the watermark',
  'table.local-time-zone': 'the session time zone (UTC)',
  'table.optimizer.agg-phase-strategy': 'AUTO, ONE_PHASE or TWO_PHASE local/global aggregation',
  'table.optimizer.distinct-agg.split.enabled': 'the split-distinct rewrite (false)',
  'table.optimizer.distinct-agg.split.bucket-num': 'split-distinct buckets (1024)',
  'table.optimizer.reuse-source-enabled': 'reads of one table share one scan (true)',
  'weir.dead-letters.path': 'a file dead letters are also appended to',
}

/** Keys (or key prefixes, ending in '.') Weir does not implement, with what to do instead. */
const UNSUPPORTED: readonly (readonly [string, string])[] = [
  [
    'execution.checkpointing.',
    'checkpointing is not available in the embedded engine yet: jobs run without checkpoints and deliver at-least-once; remove this SET',
  ],
  ['execution.savepoint.', 'savepoints are not available in the embedded engine yet; remove this SET'],
  ['execution.runtime-mode', 'Weir runs every job in streaming mode; remove this SET'],
  [
    'state.',
    'the embedded engine keeps operator state in memory and takes no checkpoints yet; remove this SET',
  ],
  [
    'table.exec.state.ttl',
    "state TTL is not implemented: state is kept for the job's lifetime, so results would differ from Flink's; remove this SET",
  ],
  ['table.exec.resource.default-parallelism', "set 'parallelism.default' instead"],
]

/** Prefixes of Flink keys that only tune Flink's runtime: a warning, not an error. */
const FLINK_RUNTIME_ONLY: readonly string[] = [
  'taskmanager.',
  'jobmanager.',
  'rest.',
  'web.',
  'metrics.',
  'pipeline.',
  'sql-client.',
  'restart-strategy.',
  'high-availability.',
  'kubernetes.',
  'yarn.',
  'env.',
  'cluster.',
  'heartbeat.',
  'blob.',
  'akka.',
  'pekko.',
  'io.tmp.dirs',
  'execution.buffer-timeout',
]

const matches = (key: string, pattern: string): boolean =>
  pattern.endsWith('.') ? key.startsWith(pattern) : key === pattern

/**
 * Checks one session option: returns nothing for a key Weir honours, a warning for a Flink runtime-only key,
 * and throws a `SqlValidationError` at `span` (the SET statement; none for `--set`) for any other key.
 */
export function checkSessionOption(key: string, span: SourceSpan | undefined): string | undefined {
  if (Object.hasOwn(HONOURED_OPTIONS, key)) return undefined
  const unsupported = UNSUPPORTED.find(([pattern]) => matches(key, pattern))
  if (unsupported !== undefined) invalid(span, `'${key}' is not supported by Weir`, unsupported[1])
  if (FLINK_RUNTIME_ONLY.some((pattern) => matches(key, pattern)))
    return `'${key}' only tunes Flink's runtime; Weir ignores it`
  return invalid(
    span,
    `unknown session option '${key}'`,
    didYouMean(key, Object.keys(HONOURED_OPTIONS)) ??
      `Weir honours ${Object.keys(HONOURED_OPTIONS)
        .map((k) => `'${k}'`)
        .join(', ')}`,
  )
}
