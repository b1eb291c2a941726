import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AlignedWindowSpec,
  alignedStart,
  assignWindows,
  cumulate,
  hop,
  session,
  type TimeWindow,
  tumble,
} from './window.ts'

/**
 * Brute force: enumerate every window of the spec's grid near the timestamp, straight from the definition
 * (TUMBLE: starts at offset + k·size; HOP: starts at offset + k·slide, length size; CUMULATE: starts at
 * offset + k·maxSize, ends every step up to maxSize), and keep those containing the timestamp.
 */
function oracle(spec: AlignedWindowSpec, timestamp: number): TimeWindow[] {
  const candidates: TimeWindow[] = []
  const grid = spec.kind === 'tumble' ? spec.size : spec.kind === 'hop' ? spec.slide : spec.maxSize
  const reach = spec.kind === 'tumble' ? spec.size : spec.kind === 'hop' ? spec.size : spec.maxSize
  const first = Math.floor((timestamp - reach - spec.offset) / grid) - 1
  const last = Math.ceil((timestamp - spec.offset) / grid) + 1
  for (let k = first; k <= last; k++) {
    const start = spec.offset + k * grid
    if (spec.kind === 'cumulate') {
      for (let end = start + spec.step; end <= start + spec.maxSize; end += spec.step)
        candidates.push({ start, end })
    } else candidates.push({ start, end: start + reach })
  }
  return candidates.filter((window) => window.start <= timestamp && timestamp < window.end)
}

const timestamp = fc.integer({ min: -1e12, max: 1e12 })
const duration = fc.integer({ min: 1, max: 100_000 })
const spec: fc.Arbitrary<AlignedWindowSpec> = fc.oneof(
  fc.tuple(duration, fc.integer({ min: -1e6, max: 1e6 })).map(([size, offset]) => tumble(size, offset)),
  fc
    .tuple(duration, fc.integer({ min: 1, max: 12 }), fc.integer({ min: -1e6, max: 1e6 }))
    .map(([slide, factor, offset]) => hop(slide, slide * factor + (factor > 3 ? 7 : 0), offset)),
  fc
    .tuple(duration, fc.integer({ min: 1, max: 24 }), fc.integer({ min: -1e6, max: 1e6 }))
    .map(([step, steps, offset]) => cumulate(step, step * steps, offset)),
)

describe('window assignment', () => {
  it('matches the brute-force oracle for TUMBLE, HOP and CUMULATE with offsets and negative times', () => {
    fc.assert(
      fc.property(spec, timestamp, (windowSpec, time) => {
        const byStartThenEnd = (a: TimeWindow, b: TimeWindow): number => a.start - b.start || a.end - b.end
        expect(assignWindows(windowSpec, time)).toEqual(oracle(windowSpec, time).sort(byStartThenEnd))
      }),
      { numRuns: 2000 },
    )
  })

  it('follows Flink examples', () => {
    expect(assignWindows(tumble(10_000), 12_345)).toEqual([{ start: 10_000, end: 20_000 }])
    expect(assignWindows(hop(5_000, 10_000), 12_345)).toEqual([
      { start: 5_000, end: 15_000 },
      { start: 10_000, end: 20_000 },
    ])
    expect(assignWindows(cumulate(2_000, 6_000), 7_500)).toEqual([
      { start: 6_000, end: 8_000 },
      { start: 6_000, end: 10_000 },
      { start: 6_000, end: 12_000 },
    ])
    expect(alignedStart(-1, 10, 0)).toBe(-10)
    expect(assignWindows(tumble(10, 3), 2)).toEqual([{ start: -7, end: 3 }])
  })

  it('rejects malformed windows', () => {
    expect(() => tumble(0)).toThrow(RangeError)
    expect(() => hop(10, -1)).toThrow(RangeError)
    expect(() => cumulate(3, 10)).toThrow(/multiple of step/)
    expect(() => session(1.5)).toThrow(RangeError)
  })
})
