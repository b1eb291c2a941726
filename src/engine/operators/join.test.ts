import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { systemClock } from '../clock.ts'
import { CollectSink } from '../memory/collect-sink.ts'
import { MemorySource } from '../memory/memory-source.ts'
import { OperatorMetrics } from '../metrics.ts'
import { PipelineBuilder } from '../pipeline-builder.ts'
import { type Row, RowKind, rowKindSymbol } from '../rows.ts'
import { heapStateBackend } from '../state/heap-state.ts'
import { materialize } from '../testing/changelog.ts'
import { JoinOperator, type JoinOptions, type JoinSnapshot, type JoinType } from './join.ts'

/** Both inputs are `[key, value]`; the join is on the key. */
const EQUI = { left: { columns: [0], arity: 2 }, right: { columns: [0], arity: 2 } }

const LEFT = 0
const RIGHT = 1

/**
 * Drives a join operator directly with a real context (heap state, metrics), so that a test decides exactly
 * how the two inputs interleave, which a pipeline with two concurrently pulled sources does not promise.
 */
class JoinHarness {
  readonly output: string[] = []
  readonly deadLetters: string[] = []
  readonly operator: JoinOperator

  constructor(options: JoinOptions) {
    this.operator = new JoinOperator(options)
    this.operator.open({
      name: 'join',
      output: {
        emit: (batch) => {
          batch.rows.forEach((row, i) => {
            const kind = batch.kinds === null ? RowKind.Insert : (batch.kinds[i] as RowKind)
            this.output.push(`${rowKindSymbol(kind)}${JSON.stringify(row)}`)
          })
        },
      },
      deadLetters: {
        send: (row, reason) => {
          this.deadLetters.push(`${reason} ${JSON.stringify(row)}`)
        },
      },
      metrics: new OperatorMetrics('join'),
      state: heapStateBackend,
      clock: systemClock,
    })
  }

  send(input: number, kind: RowKind, ...rows: Row[]): string[] {
    const start = this.output.length
    this.operator.processBatch({ rows, kinds: Uint8Array.from(rows.map(() => kind)) }, input)
    return this.output.slice(start)
  }
}

describe('join operator: retraction sequences', () => {
  it('LEFT: null-padded until the first match, padded again after the last match goes', () => {
    const join = new JoinHarness({ joinType: 'LEFT', ...EQUI })
    expect(join.send(LEFT, RowKind.Insert, [1, 'l'])).toEqual(['+I[1,"l",null,null]'])
    expect(join.send(RIGHT, RowKind.Insert, [1, 'r1'])).toEqual(['-D[1,"l",null,null]', '+I[1,"l",1,"r1"]'])
    expect(join.send(RIGHT, RowKind.Insert, [1, 'r2'])).toEqual(['+I[1,"l",1,"r2"]'])
    expect(join.send(RIGHT, RowKind.Delete, [1, 'r1'])).toEqual(['-D[1,"l",1,"r1"]'])
    expect(join.send(RIGHT, RowKind.Delete, [1, 'r2'])).toEqual(['-D[1,"l",1,"r2"]', '+I[1,"l",null,null]'])
    expect(join.send(LEFT, RowKind.UpdateBefore, [1, 'l'])).toEqual(['-D[1,"l",null,null]'])
    expect(join.send(RIGHT, RowKind.Insert, [2, 'x'])).toEqual([])
    expect(join.deadLetters).toEqual([])
  })

  it('RIGHT mirrors LEFT with the padding on the left', () => {
    const join = new JoinHarness({ joinType: 'RIGHT', ...EQUI })
    expect(join.send(RIGHT, RowKind.Insert, [1, 'r'])).toEqual(['+I[null,null,1,"r"]'])
    expect(join.send(LEFT, RowKind.Insert, [1, 'l'])).toEqual(['-D[null,null,1,"r"]', '+I[1,"l",1,"r"]'])
    expect(join.send(LEFT, RowKind.Delete, [1, 'l'])).toEqual(['-D[1,"l",1,"r"]', '+I[null,null,1,"r"]'])
    expect(join.send(LEFT, RowKind.Insert, [2, 'l'])).toEqual([])
  })

  it('FULL pads both sides and moves between padded and joined rows', () => {
    const join = new JoinHarness({ joinType: 'FULL', ...EQUI })
    expect(join.send(LEFT, RowKind.Insert, [1, 'l'])).toEqual(['+I[1,"l",null,null]'])
    expect(join.send(RIGHT, RowKind.Insert, [2, 'r'])).toEqual(['+I[null,null,2,"r"]'])
    expect(join.send(RIGHT, RowKind.Insert, [1, 'r'])).toEqual(['-D[1,"l",null,null]', '+I[1,"l",1,"r"]'])
    // An update of the left row retracts the joined row and pads the right row until the +U arrives.
    expect(join.send(LEFT, RowKind.UpdateBefore, [1, 'l'])).toEqual([
      '-D[1,"l",1,"r"]',
      '+I[null,null,1,"r"]',
    ])
    expect(join.send(LEFT, RowKind.UpdateAfter, [1, 'l2'])).toEqual([
      '-D[null,null,1,"r"]',
      '+I[1,"l2",1,"r"]',
    ])
    expect(join.send(RIGHT, RowKind.Delete, [2, 'r'])).toEqual(['-D[null,null,2,"r"]'])
  })

  it('INNER turns an update into deletes and inserts: the new row may join with other rows', () => {
    const join = new JoinHarness({ joinType: 'INNER', ...EQUI, residual: (row) => row[1] !== 'c' })
    expect(join.send(LEFT, RowKind.Insert, [1, 'a'])).toEqual([])
    expect(join.send(RIGHT, RowKind.Insert, [1, 'x'], [1, 'y'])).toEqual([
      '+I[1,"a",1,"x"]',
      '+I[1,"a",1,"y"]',
    ])
    expect(join.send(LEFT, RowKind.UpdateBefore, [1, 'a'])).toEqual(['-D[1,"a",1,"x"]', '-D[1,"a",1,"y"]'])
    expect(join.send(LEFT, RowKind.UpdateAfter, [1, 'b'])).toEqual(['+I[1,"b",1,"x"]', '+I[1,"b",1,"y"]'])
    expect(join.send(LEFT, RowKind.UpdateBefore, [1, 'b'])).toEqual(['-D[1,"b",1,"x"]', '-D[1,"b",1,"y"]'])
    expect(join.send(LEFT, RowKind.UpdateAfter, [1, 'c'])).toEqual([])
  })

  it('never matches NULL keys, and pads them on outer sides without keeping them', () => {
    const join = new JoinHarness({ joinType: 'FULL', ...EQUI })
    expect(join.send(LEFT, RowKind.Insert, [null, 'l'])).toEqual(['+I[null,"l",null,null]'])
    expect(join.send(RIGHT, RowKind.Insert, [null, 'r'])).toEqual(['+I[null,null,null,"r"]'])
    expect(join.send(LEFT, RowKind.Delete, [null, 'l'])).toEqual(['-D[null,"l",null,null]'])
    expect(join.operator.stateEntries()).toBe(0)
    const inner = new JoinHarness({ joinType: 'INNER', ...EQUI })
    inner.send(LEFT, RowKind.Insert, [null, 'l'])
    expect(inner.send(RIGHT, RowKind.Insert, [null, 'r'])).toEqual([])
  })

  it('counts an outer row as matched only where the residual condition holds', () => {
    // ON l.key = r.key AND l.value < r.value
    const join = new JoinHarness({
      joinType: 'LEFT',
      ...EQUI,
      residual: (row) => (row[1] as number) < (row[3] as number),
    })
    expect(join.send(LEFT, RowKind.Insert, [1, 5])).toEqual(['+I[1,5,null,null]'])
    expect(join.send(RIGHT, RowKind.Insert, [1, 3])).toEqual([])
    expect(join.send(RIGHT, RowKind.Insert, [1, 7])).toEqual(['-D[1,5,null,null]', '+I[1,5,1,7]'])
    expect(join.send(RIGHT, RowKind.Delete, [1, 7])).toEqual(['-D[1,5,1,7]', '+I[1,5,null,null]'])
  })

  it('keeps duplicate rows as one entry with a count and emits them that many times', () => {
    const join = new JoinHarness({ joinType: 'LEFT', ...EQUI })
    join.send(LEFT, RowKind.Insert, [1, 'l'], [1, 'l'], [1, 'l'])
    expect(join.send(RIGHT, RowKind.Insert, [1, 'r'])).toEqual([
      ...Array(3).fill('-D[1,"l",null,null]'),
      ...Array(3).fill('+I[1,"l",1,"r"]'),
    ])
    const snapshot = join.operator.onBarrier() as JoinSnapshot
    expect(snapshot.left).toHaveLength(1)
    expect([...snapshot.left[0]![1].values()]).toEqual([{ row: [1, 'l'], count: 3, matches: 1 }])
  })

  it('keeps a key with many distinct rows exact after it outgrows the short list', () => {
    const join = new JoinHarness({ joinType: 'FULL', ...EQUI })
    const left = Array.from({ length: 40 }, (_, i): Row => [1, i])
    join.send(LEFT, RowKind.Insert, ...left, ...left.slice(0, 10))
    join.send(RIGHT, RowKind.Insert, [1, 'r'], [1, 's'])
    join.send(LEFT, RowKind.Delete, ...left.slice(5, 30))
    join.send(RIGHT, RowKind.Delete, [1, 'r'])
    const live = [...left.slice(0, 5), ...left.slice(30), ...left.slice(0, 10)]
    const rows = join.output.map((line) => JSON.parse(line.slice(2)) as Row)
    const kinds = join.output.map((line) => (line.startsWith('+') ? RowKind.Insert : RowKind.Delete))
    expect(materialize(rows, kinds)).toEqual(recompute('FULL', live, [[1, 's']], () => true))
    expect(join.deadLetters).toEqual([])
  })

  it('sends a retraction of a row it never saw to the dead letters', () => {
    const join = new JoinHarness({ joinType: 'LEFT', ...EQUI })
    expect(join.send(LEFT, RowKind.Delete, [1, 'l'])).toEqual([])
    expect(join.deadLetters).toEqual(['unmatched-retraction [1,"l"]'])
  })

  it('drops the state of a window join once the watermark reaches the window end; later rows are late', () => {
    // Rows are `[key, window_end]`, both columns join keys.
    const side = { columns: [0, 1], arity: 2, windowEnd: 1 }
    const join = new JoinHarness({ joinType: 'INNER', left: side, right: side })
    join.send(LEFT, RowKind.Insert, [1, 1000], [1, 2000])
    expect(join.operator.stateEntries()).toBe(2)
    join.operator.onWatermark(1000)
    expect(join.operator.stateEntries()).toBe(1)
    expect(join.send(RIGHT, RowKind.Insert, [1, 1000])).toEqual([])
    expect(join.deadLetters).toEqual(['late [1,1000]'])
    expect(join.send(RIGHT, RowKind.Insert, [1, 2000])).toEqual(['+I[1,2000,1,2000]'])
  })
})

interface Change {
  readonly input: number
  readonly kind: RowKind
  readonly row: Row
}

/**
 * Random changelogs of both inputs, interleaved: inserts, deletes and updates (-U/+U) of `[key, value]` rows
 * with few keys and values (so duplicates and NULL keys are common); retractions only of live rows.
 */
const changelogs: fc.Arbitrary<{ changes: Change[]; live: [Row[], Row[]] }> = fc
  .array(
    fc.record({
      input: fc.constantFrom(LEFT, RIGHT),
      action: fc.constantFrom('insert', 'insert', 'delete', 'update'),
      pick: fc.nat(),
      row: fc.tuple(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 6 }), fc.integer({ min: 0, max: 4 })),
    }),
    { maxLength: 120 },
  )
  .map((steps) => {
    const live: [Row[], Row[]] = [[], []]
    const changes: Change[] = []
    for (const { input, action, pick, row } of steps) {
      const rows = live[input]!
      if (action === 'insert' || rows.length === 0) {
        rows.push(row)
        changes.push({ input, kind: RowKind.Insert, row })
        continue
      }
      const [old] = rows.splice(pick % rows.length, 1)
      changes.push({ input, kind: action === 'delete' ? RowKind.Delete : RowKind.UpdateBefore, row: old! })
      if (action === 'update') {
        rows.push(row)
        changes.push({ input, kind: RowKind.UpdateAfter, row })
      }
    }
    return { changes, live }
  })

/** The join recomputed from the rows that remain, by nested loops. */
function recompute(joinType: JoinType, left: Row[], right: Row[], residual: (row: Row) => boolean): string[] {
  const result: Row[] = []
  const matches = (l: Row, r: Row): boolean => l[0] !== null && l[0] === r[0] && residual([...l, ...r])
  for (const l of left) {
    const matched = right.filter((r) => matches(l, r))
    for (const r of matched) result.push([...l, ...r])
    if (matched.length === 0 && (joinType === 'LEFT' || joinType === 'FULL')) result.push([...l, null, null])
  }
  if (joinType === 'RIGHT' || joinType === 'FULL') {
    for (const r of right) if (!left.some((l) => matches(l, r))) result.push([null, null, ...r])
  }
  return result.map((row) => JSON.stringify(row)).sort()
}

const residuals: Record<string, (row: Row) => boolean> = {
  none: () => true,
  'l.value <= r.value': (row) => (row[1] as number) <= (row[3] as number),
}

describe('join operator: against a recomputation', () => {
  for (const joinType of ['INNER', 'LEFT', 'RIGHT', 'FULL'] as const) {
    for (const [name, residual] of Object.entries(residuals)) {
      it(`${joinType} JOIN, residual ${name}: any changelog ends in the recomputed join`, () => {
        fc.assert(
          fc.property(changelogs, fc.nat(), ({ changes, live }, cut) => {
            const options: JoinOptions = {
              joinType,
              ...EQUI,
              ...(name === 'none' ? {} : { residual }),
            }
            let join = new JoinHarness(options)
            const output: string[] = []
            changes.forEach((change, i) => {
              // A checkpoint and restart into a fresh operator somewhere in the middle.
              if (changes.length > 0 && i === cut % changes.length) {
                const snapshot = structuredClone(join.operator.onBarrier())
                output.push(...join.output)
                join = new JoinHarness(options)
                join.operator.restore(snapshot)
              }
              join.send(change.input, change.kind, change.row)
            })
            output.push(...join.output)
            expect(join.deadLetters).toEqual([])
            const rows = output.map((line) => JSON.parse(line.slice(2)) as Row)
            const kinds = output.map((line) => ['+I', '-U', '+U', '-D'].indexOf(line.slice(0, 2)) as RowKind)
            expect(materialize(rows, kinds)).toEqual(recompute(joinType, live[0], live[1], residual))
          }),
          { numRuns: 150 },
        )
      })
    }
  }
})

describe('join operator in a pipeline', () => {
  it('joins two sources on window bounds and holds no state once their watermarks have passed', async () => {
    // Rows are `[key, window_end]`; each source's watermark is the window end it has reached.
    const builder = new PipelineBuilder()
    const chunk = (rows: Row[]) => ({ partition: 0, batch: { rows, kinds: null } })
    const watermarks = { watermarks: { watermarkOf: (row: Row) => row[1] as number } }
    const left = builder.source(
      'left',
      new MemorySource([chunk([[1, 1000]]), chunk([[2, 5000]])]),
      watermarks,
    )
    const right = builder.source(
      'right',
      new MemorySource([
        chunk([
          [1, 1000],
          [2, 5000],
        ]),
      ]),
      watermarks,
    )
    const side = { columns: [0, 1], arity: 2, windowEnd: 1 }
    const join = new JoinOperator({ joinType: 'LEFT', left: side, right: side })
    const stream = builder.operator('join', join, left, right)
    const output = new CollectSink()
    const deadLetters = new CollectSink()
    builder.sink('output', output, stream)
    builder.sink('dead-letters', deadLetters, stream.deadLetters)
    const result = await builder.build().run()
    expect(materialize(output.rows, output.kinds)).toEqual(['[1,1000,1,1000]', '[2,5000,2,5000]'])
    expect(deadLetters.rows).toEqual([])
    expect(result.metrics.find((node) => node.name === 'join')?.stateEntries).toBe(0)
  })
})
