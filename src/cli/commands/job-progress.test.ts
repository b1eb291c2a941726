import { afterEach, describe, expect, it, vi } from 'vitest'
import type { OperatorMetricsSnapshot } from '../../engine/index.ts'
import type { JobResult } from '../../sql/job/index.ts'
import { ProgressReporter, updatingLines } from './job-progress.ts'

const sink = (
  busyTimeMs: number,
  backPressuredTimeMs: number,
  idleTimeMs: number,
): OperatorMetricsSnapshot => ({
  name: '3-sink-out',
  recordsIn: 0,
  recordsOut: 0,
  lateRecords: 0,
  deadLetters: 0,
  deadLetterReasons: {},
  watermark: Number.NEGATIVE_INFINITY,
  stateEntries: 0,
  busyTimeMs,
  idleTimeMs,
  backPressuredTimeMs,
})

describe('the per-operator progress line', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the shares of the last interval a node was busy, back-pressured and idle', () => {
    vi.useFakeTimers({ now: 0 })
    const lines: string[] = []
    const reporter = new ProgressReporter((line) => lines.push(line), true)
    const progress = (metrics: OperatorMetricsSnapshot) => ({
      recordsIn: 0,
      watermark: 0,
      deadLetters: {},
      metrics: [metrics],
    })
    vi.setSystemTime(1_000)
    reporter.report(progress(sink(100, 800, 100)))
    vi.setSystemTime(3_000)
    reporter.report(progress(sink(1_000, 1_700, 300)))
    // Over the last 2 s: 900 ms busy, 900 ms back-pressured, 200 ms idle.
    expect(lines[3]).toMatch(/busy 45% {2}backpressured 45% {2}idle 10%$/)
  })

  it('ends with a line per node, so a job shorter than an interval still shows its operators', () => {
    vi.useFakeTimers({ now: 0 })
    const lines: string[] = []
    const reporter = new ProgressReporter((line) => lines.push(line), true)
    vi.setSystemTime(500)
    reporter.finish({
      metrics: [{ ...sink(400, 0, 100), recordsIn: 7 }],
      recordsIn: 7,
      watermark: Number.POSITIVE_INFINITY,
      deadLetters: {},
      cancelled: false,
      lateRecords: 0,
      parallelism: 1,
    } satisfies JobResult)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe('finished: 7 records in, 0 late')
    // 7 records over the half second since the reporter started.
    expect(lines[1]).toMatch(/^ {2}3-sink-out: {2}in 7 \(14\/s\)/)
  })

  it('prints a line per dead-letter reason when its first one arrives and the totals at the end', () => {
    vi.useFakeTimers({ now: 0 })
    const lines: string[] = []
    const reporter = new ProgressReporter((line) => lines.push(line), false)
    const progress = { recordsIn: 3, watermark: 0, metrics: [sink(0, 0, 0)] }
    vi.setSystemTime(1_000)
    reporter.report({ ...progress, deadLetters: { undecodable: 1 } })
    vi.setSystemTime(2_000)
    reporter.report({ ...progress, deadLetters: { undecodable: 2 } })
    reporter.finish({
      ...progress,
      deadLetters: { undecodable: 2 },
      cancelled: false,
      lateRecords: 0,
      parallelism: 1,
    } satisfies JobResult)
    expect(lines.filter((line) => line.startsWith('dead letters:'))).toEqual([
      expect.stringMatching(/^dead letters: 1 undecodable: /),
      expect.stringMatching(/^dead letters: 2 undecodable: /),
    ])
    expect(lines.at(-1)).toMatch(/^dead letters: 2 undecodable: /)
  })

  it('keeps the dead-letter totals in every redraw of an updating progress line', () => {
    vi.useFakeTimers({ now: 0 })
    const writes: string[] = []
    const reporter = new ProgressReporter(
      updatingLines({ write: (text: string) => writes.push(text) }),
      false,
    )
    const progress = { recordsIn: 3, watermark: 0, metrics: [sink(0, 0, 0)] }
    vi.setSystemTime(1_000)
    reporter.report({ ...progress, deadLetters: { undecodable: 1 } })
    vi.setSystemTime(2_000)
    reporter.report({ ...progress, deadLetters: { undecodable: 1 } })
    // A redraw replaces the last: a line left out of it would vanish from the screen.
    expect(writes).toHaveLength(2)
    for (const drawing of writes) expect(drawing).toMatch(/^dead letters: 1 undecodable: /m)
  })
})
