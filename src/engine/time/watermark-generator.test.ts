import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { insertBatch } from '../rows.ts'
import { boundedOutOfOrderness, PartitionedWatermarks } from './watermark-generator.ts'

const strategy = (idleTimeoutMs?: number) => ({
  watermarkOf: boundedOutOfOrderness(0, 100),
  ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
})

describe('partitioned watermarks', () => {
  it('never decrease and never pass (smallest partition maximum - delay)', () => {
    const steps = fc.array(
      fc.tuple(fc.nat(3), fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 5 }), fc.nat(50)),
      {
        maxLength: 100,
      },
    )
    fc.assert(
      fc.property(steps, fc.option(fc.integer({ min: 1, max: 200 })), (batches, idleTimeout) => {
        const watermarks = new PartitionedWatermarks(strategy(idleTimeout ?? undefined))
        for (const partition of [0, 1, 2, 3]) watermarks.addPartition(partition, 0)
        const largest = new Map<number, number>()
        let now = 0
        let previous = Number.NEGATIVE_INFINITY
        for (const [partition, times, pause] of batches) {
          now += pause
          watermarks.observe(partition, insertBatch(times.map((time) => [time])), now)
          for (const time of times) largest.set(partition, Math.max(largest.get(partition) ?? time, time))
          const current = watermarks.current(now)
          expect(current).toBeGreaterThanOrEqual(previous)
          if (idleTimeout === null && current !== previous) {
            expect(largest.size).toBe(4)
            expect(current).toBe(Math.min(...largest.values()) - 100)
          }
          previous = current
        }
      }),
    )
  })

  it('lets an idle partition stop holding the watermark back until it has rows again', () => {
    const watermarks = new PartitionedWatermarks(strategy(1_000))
    watermarks.addPartition(0, 0)
    watermarks.addPartition(1, 0)
    watermarks.observe(0, insertBatch([[5_000]]), 500)
    expect(watermarks.current(500)).toBe(Number.NEGATIVE_INFINITY)
    expect(watermarks.current(1_000)).toBe(4_900)
    expect(watermarks.allIdle(1_000)).toBe(false)
    watermarks.observe(1, insertBatch([[2_000]]), 1_200)
    expect(watermarks.current(1_200)).toBe(4_900)
    watermarks.observe(1, insertBatch([[9_000]]), 1_300)
    expect(watermarks.current(1_300)).toBe(4_900)
    expect(watermarks.current(1_500)).toBe(8_900)
    expect(watermarks.allIdle(2_400)).toBe(true)
  })

  it('does not lose the watermark of the last active partitions when every partition went idle unobserved', () => {
    const watermarks = new PartitionedWatermarks(strategy(500))
    watermarks.addPartition(0, 0)
    watermarks.addPartition(1, 0)
    watermarks.observe(0, insertBatch([[125_000]]), 300)
    // Partition 1 is not idle yet: it holds the watermark back.
    expect(watermarks.current(300)).toBe(Number.NEGATIVE_INFINITY)
    // Between 500 and 800 only partition 0 was active; no call came then, but its watermark is still due.
    expect(watermarks.current(2_000)).toBe(124_900)
    expect(watermarks.allIdle(2_000)).toBe(true)
  })

  it('restores partition watermarks from a snapshot', () => {
    const watermarks = new PartitionedWatermarks(strategy())
    watermarks.observe(3, insertBatch([[700]]), 0)
    const restored = new PartitionedWatermarks(strategy())
    restored.restore(structuredClone(watermarks.snapshot()), 0)
    expect(restored.current(0)).toBe(600)
    restored.observe(3, insertBatch([[650]]), 0)
    expect(restored.current(0)).toBe(600)
  })
})
