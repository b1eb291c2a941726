import type { Operator } from './operator.ts'
import { Pipeline, type PipelineOptions } from './pipeline.ts'
import type { Sink } from './sink.ts'
import type { Source } from './source.ts'
import type { WatermarkStrategy } from './time/watermark-generator.ts'

export type Port = 'main' | 'dead-letters'

/** One output of a pipeline node, to be used as an input of later nodes. */
export class Stream {
  constructor(
    readonly node: string,
    readonly port: Port,
  ) {}
}

/** An operator's main output, plus its dead-letter output (late rows and the like) as a separate stream. */
export class OperatorStream extends Stream {
  readonly deadLetters: Stream

  constructor(node: string) {
    super(node, 'main')
    this.deadLetters = new Stream(node, 'dead-letters')
  }
}

export interface SourceOptions {
  /** Event time of this source; without it the source emits no watermarks (except the final one). */
  readonly watermarks?: WatermarkStrategy
}

export type NodeSpec =
  | {
      readonly kind: 'source'
      readonly name: string
      readonly source: Source
      readonly options: SourceOptions
    }
  | {
      readonly kind: 'operator'
      readonly name: string
      readonly operator: Operator
      readonly inputs: Stream[]
    }
  | { readonly kind: 'sink'; readonly name: string; readonly sink: Sink; readonly inputs: Stream[] }

/**
 * Describes a pipeline DAG: sources, operators and sinks, each named uniquely, each node's inputs given as
 * earlier nodes' streams (so the description is topologically ordered by construction). A stream may feed
 * several nodes (fan-out) and a node may read several streams (union, joins).
 */
export class PipelineBuilder {
  private readonly nodes: NodeSpec[] = []

  source(name: string, source: Source, options: SourceOptions = {}): Stream {
    this.add({ kind: 'source', name, source, options })
    return new Stream(name, 'main')
  }

  operator(name: string, operator: Operator, ...inputs: Stream[]): OperatorStream {
    this.add({ kind: 'operator', name, operator, inputs: this.checkInputs(name, inputs) })
    return new OperatorStream(name)
  }

  sink(name: string, sink: Sink, ...inputs: Stream[]): void {
    this.add({ kind: 'sink', name, sink, inputs: this.checkInputs(name, inputs) })
  }

  build(options: PipelineOptions = {}): Pipeline {
    return new Pipeline([...this.nodes], options)
  }

  private add(spec: NodeSpec): void {
    if (this.nodes.some((node) => node.name === spec.name))
      throw new Error(`duplicate node name '${spec.name}'`)
    this.nodes.push(spec)
  }

  private checkInputs(name: string, inputs: Stream[]): Stream[] {
    if (inputs.length === 0) throw new Error(`'${name}' needs at least one input`)
    for (const input of inputs) {
      if (!this.nodes.some((node) => node.name === input.node))
        throw new Error(`'${name}' reads unknown '${input.node}'`)
    }
    return inputs
  }
}
