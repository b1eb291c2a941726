import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AggregateCall } from '../aggregates/aggregator.ts'
import { countDistinct } from '../aggregates/count-distinct.ts'
import { count, sum } from '../aggregates/count-sum-avg.ts'
import { max, min } from '../aggregates/min-max.ts'
import { readDeadLetter } from '../dead-letter.ts'
import { cubeSets, groupBy, groupingSets } from '../grouping/grouping.ts'
import { insertBatch, type Row } from '../rows.ts'
import {
  collectIds,
  EVENT_COLUMNS,
  type EventStream,
  eventStreams,
  type TestEvent,
  watermarksAtArrival,
} from '../testing/event-streams.ts'
import { runOperator } from '../testing/run-operator.ts'
import { boundedOutOfOrderness } from '../time/watermark-generator.ts'
import {
  type AlignedWindowSpec,
  assignWindows,
  cumulate,
  hop,
  session,
  tumble,
  type WindowSpec,
} from './window.ts'
import { WindowAggregateOperator } from './window-aggregate.ts'

const { id, key, time, value } = EVENT_COLUMNS

/** COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), COUNT(DISTINCT v), and the ids of the rows in the group. */
const aggregates = (): AggregateCall[] => [
  { fn: count() },
  { fn: count(), argument: value },
  { fn: sum(), argument: value },
  { fn: min(), argument: value },
  { fn: max(), argument: value },
  { fn: countDistinct(), argument: value },
  { fn: collectIds(), argument: id },
]

function bruteForceAggregates(events: readonly TestEvent[]): unknown[] {
  const values = events.map((event) => event.value).filter((v): v is number => v !== null)
  return [
    events.length,
    values.length,
    values.length === 0 ? null : values.reduce((a, b) => a + b, 0),
    values.length === 0 ? null : Math.min(...values),
    values.length === 0 ? null : Math.max(...values),
    new Set(values).size,
    events.map((event) => event.id).sort((a, b) => a - b),
  ]
}

function windowed(spec: WindowSpec, stream: EventStream, grouping = groupBy([key])) {
  const operator = new WindowAggregateOperator({
    window: spec,
    timeColumn: time,
    grouping,
    aggregates: aggregates(),
  })
  return runOperator(operator, stream.chunks, {
    watermarks: { watermarkOf: boundedOutOfOrderness(time, stream.delay) },
    partitions: Array.from({ length: stream.partitions }, (_, i) => i),
  })
}

/** Groups events into output rows `[...key, ...aggregates, start, end, end - 1]`, sorted as JSON. */
function expectedRows(
  groups: Map<string, { key: unknown[]; start: number; end: number; events: TestEvent[] }>,
): string[] {
  return [...groups.values()]
    .map(({ key: groupKey, start, end, events }) =>
      JSON.stringify([...groupKey, ...bruteForceAggregates(events), start, end, end - 1]),
    )
    .sort()
}

function addTo(
  groups: Map<string, { key: unknown[]; start: number; end: number; events: TestEvent[] }>,
  groupKey: unknown[],
  start: number,
  end: number,
  event: TestEvent,
): void {
  const name = JSON.stringify([groupKey, start, end])
  const group = groups.get(name) ?? { key: groupKey, start, end, events: [] }
  group.events.push(event)
  groups.set(name, group)
}

const sorted = (rows: readonly Row[]): string[] => rows.map((row) => JSON.stringify(row)).sort()

const alignedSpec: fc.Arbitrary<AlignedWindowSpec> = fc.oneof(
  fc.integer({ min: 200, max: 5000 }).map((size) => tumble(size)),
  fc
    .tuple(
      fc.integer({ min: 200, max: 3000 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 1 }),
    )
    .map(([slide, factor, uneven]) => hop(slide, slide * factor + uneven * 100)),
  fc
    .tuple(fc.integer({ min: 200, max: 2000 }), fc.integer({ min: 1, max: 6 }))
    .map(([step, steps]) => cumulate(step, step * steps)),
  fc.integer({ min: 200, max: 5000 }).map((size) => tumble(size, 123)),
)

describe('window aggregate', () => {
  it('puts every on-time row into exactly its open windows, counts late rows exactly, and aggregates like brute force', async () => {
    await fc.assert(
      fc.asyncProperty(alignedSpec, eventStreams({ lateRatio: 0.1 }), async (spec, stream) => {
        const arrival = watermarksAtArrival(stream)
        const groups = new Map<string, { key: unknown[]; start: number; end: number; events: TestEvent[] }>()
        const late: number[] = []
        for (const event of stream.events) {
          const watermark = arrival.get(event.id)!
          const open = assignWindows(spec, event.time).filter((window) => window.end - 1 > watermark)
          if (open.length === 0) late.push(event.id)
          for (const window of open) addTo(groups, [event.key], window.start, window.end, event)
        }

        const { output, deadLetters, result } = await windowed(spec, stream)

        expect(sorted(output.rows)).toEqual(expectedRows(groups))
        expect(deadLetters.rows.map((row) => readDeadLetter(row).row[id]).sort()).toEqual(late.sort())
        expect(result.metrics.find((metrics) => metrics.name === 'operator')?.lateRecords).toBe(late.length)
        for (let i = 1; i < output.watermarks.length; i++) {
          expect(output.watermarks[i]!).toBeGreaterThan(output.watermarks[i - 1]!)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('drops no row of a stream whose disorder stays within the watermark delay', async () => {
    await fc.assert(
      fc.asyncProperty(alignedSpec, eventStreams({ lateRatio: 0 }), async (spec, stream) => {
        const { output, deadLetters } = await windowed(spec, stream)
        expect(deadLetters.rows).toEqual([])
        const landed = new Map<number, number>()
        const ids = output.rows[0] === undefined ? -1 : output.rows[0].length - 4
        for (const row of output.rows)
          for (const rowId of row[ids] as number[]) landed.set(rowId, (landed.get(rowId) ?? 0) + 1)
        for (const event of stream.events)
          expect(landed.get(event.id)).toBe(assignWindows(spec, event.time).length)
      }),
      { numRuns: 100 },
    )
  })

  it('merges sessions per key like brute-force sessionization', async () => {
    const gap = fc.integer({ min: 50, max: 4000 }).map((g) => g * 2 + 1)
    await fc.assert(
      fc.asyncProperty(gap, eventStreams({ lateRatio: 0, evenTimes: true }), async (sessionGap, stream) => {
        const groups = new Map<string, { key: unknown[]; start: number; end: number; events: TestEvent[] }>()
        const byKey = new Map<string, TestEvent[]>()
        for (const event of stream.events) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event])
        for (const [eventKey, events] of byKey) {
          const ordered = [...events].sort((a, b) => a.time - b.time)
          let members: TestEvent[] = []
          const close = (): void => {
            const start = members[0]!.time
            const end = members[members.length - 1]!.time + sessionGap
            for (const member of members) addTo(groups, [eventKey], start, end, member)
            members = []
          }
          for (const event of ordered) {
            const previous = members[members.length - 1]
            if (previous !== undefined && event.time - previous.time > sessionGap) close()
            members.push(event)
          }
          if (members.length > 0) close()
        }
        const { output, deadLetters } = await windowed(session(sessionGap), stream)
        expect(deadLetters.rows).toEqual([])
        expect(sorted(output.rows)).toEqual(expectedRows(groups))
      }),
      { numRuns: 150 },
    )
  })

  it('aggregates every grouping set of a CUBE like brute force', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 500, max: 5000 }),
        eventStreams({ lateRatio: 0.05, maxEvents: 120 }),
        async (size, stream) => {
          const spec = tumble(size)
          const groupColumns = [EVENT_COLUMNS.partition, key]
          const sets = cubeSets(groupColumns)
          const arrival = watermarksAtArrival(stream)
          const groups = new Map<
            string,
            { key: unknown[]; start: number; end: number; events: TestEvent[] }
          >()
          for (const event of stream.events) {
            const [window] = assignWindows(spec, event.time)
            if (window!.end - 1 <= arrival.get(event.id)!) continue
            for (const set of sets) {
              const keep = (column: number): boolean => set.includes(column)
              const mask = (keep(EVENT_COLUMNS.partition) ? 0 : 2) | (keep(key) ? 0 : 1)
              const groupKey = [
                keep(EVENT_COLUMNS.partition) ? event.partition : null,
                keep(key) ? event.key : null,
                mask,
              ]
              addTo(groups, groupKey, window!.start, window!.end, event)
            }
          }
          const { output } = await windowed(spec, stream, groupingSets(groupColumns, sets))
          expect(sorted(output.rows)).toEqual(expectedRows(groups))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('emits each CUMULATE step holding data with the running value, and frees the state after the last step', async () => {
    const rows = [
      [0, 0, 'a', 1_000, 1],
      [1, 0, 'a', 2_500, 2],
      [2, 0, 'b', 5_500, 3],
      [3, 0, 'a', 9_000, 4],
    ]
    const operator = new WindowAggregateOperator({
      window: cumulate(2_000, 6_000),
      timeColumn: time,
      grouping: groupBy([key]),
      aggregates: [{ fn: sum(), argument: value }],
    })
    const { output, result } = await runOperator(operator, [{ partition: 0, batch: insertBatch(rows) }], {
      watermarks: { watermarkOf: boundedOutOfOrderness(time, 0) },
    })
    expect(output.rows).toEqual([
      ['a', 1, 0, 2_000, 1_999],
      ['a', 3, 0, 4_000, 3_999],
      ['a', 3, 0, 6_000, 5_999],
      ['b', 3, 0, 6_000, 5_999],
      ['a', 4, 6_000, 10_000, 9_999],
      ['a', 4, 6_000, 12_000, 11_999],
    ])
    expect(result.metrics.find((metrics) => metrics.name === 'operator')?.stateEntries).toBe(0)
  })

  it('sends rows without event time and session rows behind a fired session to the dead letters', async () => {
    const operator = new WindowAggregateOperator({
      window: session(1_000),
      timeColumn: time,
      grouping: groupBy([key]),
      aggregates: [{ fn: count() }],
    })
    const chunks = [
      { partition: 0, batch: insertBatch([[0, 0, 'a', 10_000, 1]]) },
      { partition: 0, batch: insertBatch([[1, 0, 'a', 12_000, 1]]) },
      {
        partition: 0,
        batch: insertBatch([
          [2, 0, 'a', 10_500, 1],
          [3, 0, 'a', null, 1],
          [4, 0, 'b', 10_900, 1],
        ]),
      },
    ]
    const { output, deadLetters } = await runOperator(operator, chunks, {
      watermarks: { watermarkOf: boundedOutOfOrderness(time, 0) },
    })
    expect(
      deadLetters.rows.map(readDeadLetter).map((letter) => [letter.row[id], letter.reason, letter.eventTime]),
    ).toEqual([
      [2, 'late', 10_500],
      [3, 'null-event-time', null],
      [4, 'late', 10_900],
    ])
    expect(output.rows).toEqual([
      ['a', 1, 10_000, 11_000, 10_999],
      ['a', 1, 12_000, 13_000, 12_999],
    ])
  })
})
