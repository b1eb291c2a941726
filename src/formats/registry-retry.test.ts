import { describe, expect, it } from 'vitest'
import { DecodeError } from './errors.ts'
import { isRegistryFault, retryRegistryFaults } from './registry-retry.ts'

const fault = () => new DecodeError('REGISTRY_UNAVAILABLE', 'Schema registry call failed: HTTP 503.')
const giveUp = (attempts: number, cause: DecodeError) =>
  new Error(`gave up after ${attempts}: ${cause.description}`)

describe('retrying registry faults', () => {
  it('classifies only REGISTRY_UNAVAILABLE as a fault: an unknown schema id is a bad record', () => {
    expect(isRegistryFault(fault())).toBe(true)
    expect(isRegistryFault(new DecodeError('UNKNOWN_SCHEMA_ID', 'Schema id 7 is not registered.'))).toBe(
      false,
    )
    expect(isRegistryFault(new Error('REGISTRY_UNAVAILABLE'))).toBe(false)
  })

  it('waits out faults and returns what the operation returns once the registry answers', async () => {
    let calls = 0
    const value = await retryRegistryFaults(
      { attempts: 5, initialDelayMs: 1 },
      async () => {
        if (++calls < 3) throw fault()
        return 'decoded'
      },
      giveUp,
    )
    expect({ value, calls }).toEqual({ value: 'decoded', calls: 3 })
  })

  it("throws the caller's error after the last attempt, and any other error at once", async () => {
    let calls = 0
    const failing = () => {
      calls++
      return Promise.reject(fault())
    }
    await expect(retryRegistryFaults({ attempts: 3, initialDelayMs: 1 }, failing, giveUp)).rejects.toThrow(
      'gave up after 3: Schema registry call failed: HTTP 503.',
    )
    expect(calls).toBe(3)
    const bad = new DecodeError('BAD_MAGIC_BYTE', 'Not framed.')
    calls = 0
    const once = () => {
      calls++
      return Promise.reject(bad)
    }
    await expect(retryRegistryFaults({ attempts: 3, initialDelayMs: 1 }, once, giveUp)).rejects.toBe(bad)
    expect(calls).toBe(1)
  })
})
