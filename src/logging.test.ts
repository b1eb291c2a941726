import { afterEach, describe, expect, it, vi } from 'vitest'
import { rootLogger, useCliLogFormat, useJsonLogFormat } from './logging.ts'

/** What the root logger writes to stdout and stderr while `log` runs. */
function capture(log: () => void): { out: string; err: string } {
  let out = ''
  let err = ''
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString()
    return true
  })
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += chunk.toString()
    return true
  })
  try {
    log()
  } finally {
    stdout.mockRestore()
    stderr.mockRestore()
  }
  return { out, err }
}

describe('the root logger in a CLI command', () => {
  const level = process.env.WEIR_LOG_LEVEL
  afterEach(() => {
    useJsonLogFormat()
    if (level !== undefined) process.env.WEIR_LOG_LEVEL = level
  })

  it('writes warn and above as one readable line on stderr, nothing on stdout, and drops info', () => {
    delete process.env.WEIR_LOG_LEVEL
    useCliLogFormat()
    const kafka = rootLogger.child({ component: 'kafka' })
    const written = capture(() => {
      kafka.info({ broker: 'b:9092' }, 'connected')
      kafka.warn({ broker: 'b:9092', retry: 2 }, 'no leader yet')
      kafka.error({ error: 'boom' }, 'request failed')
    })
    expect(written).toEqual({
      out: '',
      err: 'warning: kafka: no leader yet (broker=b:9092, retry=2)\nerror: kafka: request failed (error=boom)\n',
    })
  })

  it('a server keeps JSON lines on stdout', () => {
    useJsonLogFormat()
    const written = capture(() => rootLogger.warn({ a: 1 }, 'hello'))
    expect(written.err).toBe('')
    expect(JSON.parse(written.out)).toMatchObject({ level: 40, msg: 'hello', a: 1, name: 'weir' })
  })
})
