import fc from 'fast-check'
import type { AggregateFunction } from '../aggregates/aggregate-function.ts'
import { insertBatch, type Row } from '../rows.ts'
import type { SourceChunk } from '../source.ts'

/** A generated event; as a row it is `[id, partition, key, time, value]`. */
export interface TestEvent {
  readonly id: number
  readonly partition: number
  readonly key: string
  readonly time: number
  readonly value: number | null
}

export const EVENT_COLUMNS = { id: 0, partition: 1, key: 2, time: 3, value: 4 } as const

export interface EventStream {
  readonly partitions: number
  /** WATERMARK FOR time AS time - delay */
  readonly delay: number
  readonly events: readonly TestEvent[]
  /** Events in arrival order, cut into per-partition chunks. */
  readonly chunks: readonly SourceChunk[]
}

export interface StreamShape {
  /** Probability that an event is pushed behind the watermark bound on purpose. */
  readonly lateRatio: number
  /** Only even timestamps (with an odd session gap, no two rows are exactly one gap apart). */
  readonly evenTimes?: boolean
  readonly maxEvents?: number
}

/**
 * Random event streams over 1-3 partitions with out-of-order timestamps. Per partition, an on-time event is
 * less than `delay` behind the largest timestamp seen so far, so it can never be behind the watermark
 * (max - delay); a late event is deliberately placed `delay` or more behind.
 */
export function eventStreams(shape: StreamShape): fc.Arbitrary<EventStream> {
  const step = fc.record({
    partition: fc.nat(2),
    key: fc.nat(3),
    advance: fc.integer({ min: -3000, max: 3000 }),
    late: fc.double({ min: 0, max: 1, noNaN: true }).map((draw) => draw < shape.lateRatio),
    lateBy: fc.nat(20_000),
    value: fc.option(fc.integer({ min: -100, max: 100 }), { freq: 8 }),
    newChunk: fc.boolean(),
  })
  return fc
    .record({
      partitions: fc.integer({ min: 1, max: 3 }),
      delay: fc.integer({ min: 1, max: 3000 }),
      steps: fc.array(step, { maxLength: shape.maxEvents ?? 300 }),
    })
    .map(({ partitions, delay, steps }) => {
      const largest = new Array<number>(partitions).fill(0)
      const events: TestEvent[] = []
      const chunks: { partition: number; rows: Row[] }[] = []
      steps.forEach((generated, id) => {
        const partition = generated.partition % partitions
        const max = largest[partition]!
        let time = generated.late
          ? max - delay - generated.lateBy
          : Math.max(max + generated.advance, max - delay + 1)
        if (shape.evenTimes && time % 2 !== 0) time += generated.late ? -1 : 1
        largest[partition] = Math.max(max, time)
        const event = { id, partition, key: `k${generated.key}`, time, value: generated.value }
        events.push(event)
        const last = chunks[chunks.length - 1]
        const row = [id, partition, event.key, time, event.value]
        if (last !== undefined && last.partition === partition && !generated.newChunk) last.rows.push(row)
        else chunks.push({ partition, rows: [row] })
      })
      return {
        partitions,
        delay,
        events,
        chunks: chunks.map(({ partition, rows }) => ({ partition, batch: insertBatch(rows) })),
      }
    })
}

/**
 * The watermark each event meets at an operator right behind the source: the source emits the minimum over
 * all partitions of (largest time - delay) after each chunk, never decreasing; -Infinity until every
 * partition has data.
 */
export function watermarksAtArrival(stream: EventStream): Map<number, number> {
  const partitionWatermarks = new Array<number>(stream.partitions).fill(Number.NEGATIVE_INFINITY)
  let combined = Number.NEGATIVE_INFINITY
  const seen = new Map<number, number>()
  for (const { partition, batch } of stream.chunks) {
    for (const row of batch.rows) seen.set(row[EVENT_COLUMNS.id] as number, combined)
    for (const row of batch.rows) {
      const candidate = (row[EVENT_COLUMNS.time] as number) - stream.delay
      partitionWatermarks[partition] = Math.max(partitionWatermarks[partition]!, candidate)
    }
    combined = Math.max(combined, Math.min(...partitionWatermarks))
  }
  return seen
}

/** A test aggregate collecting row ids, to check which rows landed in which window. */
export function collectIds(): AggregateFunction<{ ids: number[] }> {
  return {
    name: 'COLLECT_IDS',
    retractable: false,
    create: () => ({ ids: [] }),
    add: (acc, value) => {
      acc.ids.push(value as number)
    },
    retract: () => {
      throw new Error('not retractable')
    },
    merge: (target, source) => {
      target.ids.push(...source.ids)
    },
    getValue: (acc) => [...acc.ids].sort((a, b) => a - b),
  }
}
