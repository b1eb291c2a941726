import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { avroSchemaOf, httpSchemaRegistrar } from './avro-confluent.ts'

describe('avro-confluent schemas', () => {
  const requests: Array<{ method: string; url: string; type: string; body: unknown }> = []
  const server = createServer(async (request: IncomingMessage, response) => {
    let text = ''
    for await (const chunk of request) text += String(chunk)
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      type: request.headers['content-type'] ?? '',
      body: JSON.parse(text),
    })
    const incompatible = request.url?.includes('incompatible')
    response.writeHead(incompatible ? 409 : 200, { 'content-type': 'application/json' })
    response.end(JSON.stringify(incompatible ? { error_code: 409, message: 'incompatible' } : { id: 5 }))
  })
  let url: string
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('derives Flink’s Avro schema from the columns', () => {
    const schema = JSON.parse(
      avroSchemaOf([
        { name: 'id', type: 'BIGINT', nullable: false },
        { name: 'n', type: 'INT' },
        { name: 'at', type: 'TIMESTAMP(3)' },
      ]),
    )
    expect(schema).toEqual({
      type: 'record',
      name: 'record',
      namespace: 'org.apache.flink.avro.generated',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'n', type: ['null', 'int'], default: null },
        { name: 'at', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
      ],
    })
    expect(() => avroSchemaOf([{ name: 'm', type: 'MAP<STRING, INT>' }])).toThrow(
      "format 'avro-confluent' cannot write column 'm' of type MAP<STRING, INT>",
    )
  })

  it('registers through the Confluent REST route and reports a refusal with the registry’s answer', async () => {
    const register = httpSchemaRegistrar(url)
    expect(await register('orders-value', '"long"')).toBe(5)
    expect(requests[0]).toEqual({
      method: 'POST',
      url: '/subjects/orders-value/versions',
      type: 'application/vnd.schemaregistry.v1+json',
      body: { schema: '"long"' },
    })
    await expect(register('incompatible-value', '"long"')).rejects.toThrow(
      "registering the schema of subject 'incompatible-value' at http://127.0.0.1:",
    )
  })
})
