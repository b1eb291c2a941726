import type { Clock } from '../clock.ts'
import { CollectSink } from '../memory/collect-sink.ts'
import { MemorySource } from '../memory/memory-source.ts'
import type { Operator } from '../operator.ts'
import type { PipelineResult } from '../pipeline.ts'
import { PipelineBuilder } from '../pipeline-builder.ts'
import type { SourceChunk } from '../source.ts'
import type { WatermarkStrategy } from '../time/watermark-generator.ts'

export interface OperatorRun {
  readonly output: CollectSink
  readonly deadLetters: CollectSink
  readonly result: PipelineResult
}

/** Test helper: chunks → source (with optional watermarks) → operator → collecting sinks for output and dead letters. */
export async function runOperator(
  operator: Operator,
  chunks: readonly SourceChunk[],
  options: {
    readonly watermarks?: WatermarkStrategy
    readonly partitions?: readonly number[]
    readonly clock?: Clock
  } = {},
): Promise<OperatorRun> {
  const builder = new PipelineBuilder()
  const source = new MemorySource(chunks, options.partitions)
  const input = builder.source(
    'source',
    source,
    options.watermarks === undefined ? {} : { watermarks: options.watermarks },
  )
  const stream = builder.operator('operator', operator, input)
  const output = new CollectSink()
  const deadLetters = new CollectSink()
  builder.sink('output', output, stream)
  builder.sink('dead-letters', deadLetters, stream.deadLetters)
  const result = await builder.build(options.clock === undefined ? {} : { clock: options.clock }).run()
  return { output, deadLetters, result }
}
