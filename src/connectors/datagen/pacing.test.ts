import { describe, expect, it } from 'vitest'
import { createPacer, TokenBucket } from './pacing.ts'

describe('createPacer', () => {
  it('lets everything through when no rate is set', () => {
    const pacer = createPacer(undefined)
    expect(pacer.rowsDue(0)).toBe(Number.POSITIVE_INFINITY)
    pacer.consume(1_000_000)
    expect(pacer.rowsDue(0)).toBe(Number.POSITIVE_INFINITY)
    expect(pacer.millisUntilDue(0, 10)).toBe(0)
  })
})

describe('TokenBucket', () => {
  it('makes rows due at the configured rate from the first call', () => {
    const bucket = new TokenBucket(1000)
    expect(bucket.rowsDue(5_000)).toBe(0)
    expect(bucket.rowsDue(5_010)).toBe(10)
    bucket.consume(10)
    expect(bucket.rowsDue(5_015)).toBe(5)
    expect(bucket.rowsDue(5_015.5)).toBe(5)
  })

  it('emits rate × time rows over a run paced in small batches', () => {
    const bucket = new TokenBucket(2500)
    let emitted = 0
    for (let now = 0; now <= 10_000; now += 7) {
      const due = Math.min(bucket.rowsDue(now), 100)
      bucket.consume(due)
      emitted += due
    }
    expect(emitted).toBeGreaterThan(2500 * 9.99 - 100)
    expect(emitted).toBeLessThanOrEqual(2500 * 10)
  })

  it('caps the backlog after a stall at the burst size', () => {
    const bucket = new TokenBucket(100, 50)
    bucket.rowsDue(0)
    expect(bucket.rowsDue(60_000)).toBe(50)
  })

  it('starts its clock at the first call, so nothing is due then however late it comes', () => {
    expect(new TokenBucket(100).rowsDue(1e12)).toBe(0)
  })

  it('says how long until a batch is due', () => {
    const bucket = new TokenBucket(200)
    expect(bucket.millisUntilDue(0, 100)).toBe(500)
    expect(bucket.millisUntilDue(250, 100)).toBe(250)
    expect(bucket.millisUntilDue(500, 100)).toBe(0)
  })

  it('ignores a clock that steps back', () => {
    const bucket = new TokenBucket(1000)
    bucket.rowsDue(1000)
    expect(bucket.rowsDue(900)).toBe(0)
    expect(bucket.rowsDue(1010)).toBe(10)
  })

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(/positive/)
  })
})
