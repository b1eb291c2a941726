/** The streaming runtime's public surface, what the planner compiles SQL plans against. */
export type { AggregateFunction, RetractOptions } from './aggregates/aggregate-function.ts'
export { type AggregateCall, Aggregator } from './aggregates/aggregator.ts'
export { approxCountDistinct } from './aggregates/approx-count-distinct.ts'
export { countDistinct } from './aggregates/count-distinct.ts'
export { type AverageOptions, avg, count, type SumOptions, sum } from './aggregates/count-sum-avg.ts'
export { firstValue, lastValue } from './aggregates/first-last-value.ts'
export { max, min } from './aggregates/min-max.ts'
export { BatchBuilder } from './batch-builder.ts'
export { type Clock, ManualClock, systemClock } from './clock.ts'
export {
  DEAD_LETTER_COLUMNS,
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetters,
} from './dead-letter.ts'
export {
  cubeSets,
  type Grouping,
  groupBy,
  groupingSets,
  ownedGroups,
  rollupSets,
} from './grouping/grouping.ts'
export { type KeyEncoder, keyEncoder } from './grouping/key-encoder.ts'
export { hashStateKey } from './hash/value-hash.ts'
export {
  INT64_MAX,
  INT64_MIN,
  type Int64,
  isInt64,
  normaliseInt64,
  parseInt64,
  toInt64,
  wrapInt64,
} from './int64.ts'
export { CollectSink } from './memory/collect-sink.ts'
export { MemorySource } from './memory/memory-source.ts'
export {
  addDeadLetterCounts,
  type DeadLetterCounts,
  OperatorMetrics,
  type OperatorMetricsSnapshot,
  type TimeMsPerSecond,
  timeMsPerSecond,
} from './metrics.ts'
export {
  BaseOperator,
  type Operator,
  type OperatorContext,
  type Output,
  StatelessOperator,
} from './operator.ts'
export { CalcOperator, type CalcOptions } from './operators/calc.ts'
export { DeduplicateOperator, type DeduplicateOptions } from './operators/deduplicate.ts'
export { GroupAggregateOperator, type GroupAggregateOptions } from './operators/group-aggregate.ts'
export {
  JoinOperator,
  type JoinOptions,
  type JoinSide,
  type JoinSnapshot,
  type JoinType,
} from './operators/join.ts'
export { TopNOperator, type TopNOptions } from './operators/top-n.ts'
export { UnionOperator } from './operators/union.ts'
export {
  WindowTopNOperator,
  type WindowTopNOptions,
  type WindowTopNSnapshot,
} from './operators/window-top-n.ts'
export type {
  ExchangeCredit,
  ExchangeMessage,
  ExchangePort,
  ExchangePorts,
} from './parallel/exchange-protocol.ts'
export { ExchangeSink } from './parallel/exchange-sink.ts'
export { ExchangeSource } from './parallel/exchange-source.ts'
export { DEFAULT_MAX_PARALLELISM, keyGroup, keyGroupRange, subtaskFor } from './parallel/key-groups.ts'
export { withLocalChannel } from './parallel/local-channel.ts'
export { routeByGrouping, routeByKey, subtaskOfKey } from './parallel/route.ts'
export {
  type CompletedCheckpoint,
  Pipeline,
  type PipelineOptions,
  type PipelineResult,
} from './pipeline.ts'
export { OperatorStream, PipelineBuilder, type SourceOptions, Stream } from './pipeline-builder.ts'
export { type Batch, insertBatch, isRetraction, kindAt, type Row, RowKind, rowKindSymbol } from './rows.ts'
export type { Sink } from './sink.ts'
export type { Source, SourceChunk } from './source.ts'
export { heapStateBackend } from './state/heap-state.ts'
export type { KeyedState, KeyedStateSnapshot, StateBackend, StateKey } from './state/keyed-state.ts'
export { MAX_WATERMARK, MIN_WATERMARK, type StreamElement } from './stream.ts'
export { boundedOutOfOrderness, type WatermarkStrategy } from './time/watermark-generator.ts'
export {
  type AlignedWindowSpec,
  assignWindows,
  attached,
  cumulate,
  hop,
  session,
  type TimeWindow,
  tumble,
  type WindowSpec,
} from './windows/window.ts'
export { WindowAggregateOperator, type WindowAggregateOptions } from './windows/window-aggregate.ts'
export { WindowTableFunctionOperator } from './windows/window-table-function.ts'
