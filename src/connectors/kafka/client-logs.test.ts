import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { kafkaClient } from './client.ts'

describe("kafkajs's logs through Weir's logger", () => {
  it("a broker's error answer (retried, or thrown to the caller) is debug; other warnings stay warnings", () => {
    const lines: Array<{ level: number; msg: string }> = []
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) })
    // No connection is made: kafkajs's own logger is driven directly, as its Connection and Producer use it.
    const kafka = kafkaClient({ bootstrapServers: ['127.0.0.1:9'] }, logger)
    kafka.logger().namespace('Connection').error('Response InitProducerId(key: 22, version: 1)', {
      error: "The coordinator is loading and hence can't process requests for this group",
    })
    kafka.logger().namespace('Producer').warn('the producer was disconnected', {})
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 20, msg: 'Response InitProducerId(key: 22, version: 1)' },
      { level: 40, msg: 'the producer was disconnected' },
    ])
  })
})
