import { MessageChannel } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { CollectSink } from '../memory/collect-sink.ts'
import { MemorySource } from '../memory/memory-source.ts'
import { PipelineBuilder } from '../pipeline-builder.ts'
import { insertBatch, type Row, RowKind } from '../rows.ts'
import { MAX_WATERMARK } from '../stream.ts'
import { boundedOutOfOrderness } from '../time/watermark-generator.ts'
import type { ExchangePorts } from './exchange-protocol.ts'
import { ExchangeSink } from './exchange-sink.ts'
import { ExchangeSource } from './exchange-source.ts'
import { withLocalChannel } from './local-channel.ts'
import { routeByKey } from './route.ts'

/**
 * The exchange ports of `parallelism` subtasks, all in this thread: ports[s].outputs[t] reaches
 * ports[t].inputs[s]; with `local`, each subtask's channel to itself is a local one, as in a job.
 */
function mesh(parallelism: number, local = false): ExchangePorts[] {
  const channels = Array.from({ length: parallelism }, () =>
    Array.from({ length: parallelism }, () => new MessageChannel()),
  )
  return channels.map((_, subtask) => {
    const ports = {
      outputs: channels[subtask]!.map((channel) => channel.port1),
      inputs: channels.map((row) => row[subtask]!.port2),
    }
    return local ? withLocalChannel(ports, subtask) : ports
  })
}

/**
 * `parallelism` subtask pipelines in one thread: subtask s reads `inputs[s]` as [key, event time] rows,
 * exchanges them by key and collects what it receives.
 */
async function exchangeRun(
  inputs: readonly Row[][],
  options: { maxInFlight?: number; local?: boolean } = {},
) {
  const parallelism = inputs.length
  const ports = mesh(parallelism, options.local)
  const received = inputs.map(() => new CollectSink())
  const runs = inputs.map((rows, subtask) => {
    const builder = new PipelineBuilder()
    const chunks = []
    for (let start = 0; start < rows.length; start += 10)
      chunks.push({ partition: 0, batch: insertBatch(rows.slice(start, start + 10)) })
    const source = builder.source('source', new MemorySource(chunks), {
      watermarks: { watermarkOf: boundedOutOfOrderness(1, 0) },
    })
    const sink = new ExchangeSink({
      targets: ports[subtask]!.outputs,
      route: routeByKey([0], parallelism),
      ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    })
    builder.sink('exchange-out', sink, source)
    const exchanged = builder.source('exchange-in', new ExchangeSource(ports[subtask]!.inputs))
    builder.sink('received', received[subtask]!, exchanged)
    return builder.build().run()
  })
  await Promise.all(runs)
  return { received, route: routeByKey([0], parallelism) }
}

describe('exchange between subtasks', () => {
  it.each([
    ['between threads only', false],
    ['with local channels', true],
  ])('delivers every row exactly once, to the subtask owning its key (%s)', async (_, local) => {
    const inputs = [0, 1, 2].map((subtask) =>
      Array.from({ length: 200 }, (_, i): Row => [`user-${(i * 7 + subtask) % 37}`, 1000 + i]),
    )
    const { received, route } = await exchangeRun(inputs, { local, maxInFlight: 2 })
    const sent = inputs.flat()
    expect(received.reduce((total, sink) => total + sink.rows.length, 0)).toBe(sent.length)
    received.forEach((sink, subtask) => {
      for (const row of sink.rows) expect(route(row)).toBe(subtask)
    })
    const sortedKeys = (rows: Row[]) => rows.map((row) => `${row[0]}@${row[1]}`).sort()
    expect(sortedKeys(received.flatMap((sink) => sink.rows))).toEqual(sortedKeys(sent))
  })

  it.each([
    ['between threads only', false],
    ['with local channels', true],
  ])(
    'keeps each sender’s order per key and forwards the least watermark of the senders (%s)',
    async (_, local) => {
      // Subtask 0's event time runs ahead of subtask 1's: receivers must hold back to subtask 1's.
      const fast = Array.from({ length: 100 }, (_, i): Row => [`k${i % 5}`, 10_000 + i * 100])
      const slow = Array.from({ length: 100 }, (_, i): Row => [`k${i % 5}`, 1_000 + i])
      const { received } = await exchangeRun([fast, slow], { local })
      for (const sink of received) {
        for (const key of ['k0', 'k1', 'k2', 'k3', 'k4']) {
          const times = sink.rows
            .filter((row) => row[0] === key && (row[1] as number) >= 10_000)
            .map((row) => row[1])
          expect(times).toEqual([...times].sort((a, b) => (a as number) - (b as number)))
        }
        const beforeEnd = sink.watermarks.filter((watermark) => watermark !== MAX_WATERMARK)
        // A watermark past the slow sender's last event time would have been the fast sender's alone.
        for (const watermark of beforeEnd) expect(watermark).toBeLessThanOrEqual(1_099)
        expect(sink.watermarks.at(-1)).toBe(MAX_WATERMARK)
      }
    },
  )

  it('carries changelog kinds with their rows', async () => {
    const ports = mesh(2, true)
    const received = [new CollectSink(), new CollectSink()]
    const route = routeByKey([0], 2)
    const rows: Row[] = [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['c', 4],
    ]
    const kinds = Uint8Array.from([RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete])
    const runs = [0, 1].map((subtask) => {
      const builder = new PipelineBuilder()
      const chunks = subtask === 0 ? [{ partition: 0, batch: { rows, kinds } }] : []
      const source = builder.source('source', new MemorySource(chunks))
      builder.sink('out', new ExchangeSink({ targets: ports[subtask]!.outputs, route }), source)
      const exchanged = builder.source('exchange-in', new ExchangeSource(ports[subtask]!.inputs))
      builder.sink('received', received[subtask]!, exchanged)
      return builder.build().run()
    })
    await Promise.all(runs)
    const got = received.flatMap((sink) => sink.rows.map((row, i) => [row[0], row[1], sink.kinds[i]]))
    const expected = rows.map((row, i) => [row[0], row[1], kinds[i]])
    const byTime = (a: unknown[], b: unknown[]) => (a[1] as number) - (b[1] as number)
    expect(got.sort(byTime)).toEqual(expected)
  })

  it('sends values the batch codec does not cover by structured clone', async () => {
    const ports = mesh(2)
    const route = routeByKey([0], 2)
    const rows: Row[] = Array.from({ length: 20 }, (_, i) => [`k${i}`, i % 3 === 0 ? { plain: i } : i])
    const received = [0, 1].map((subtask) => new ExchangeSource(ports[subtask]!.inputs))
    new ExchangeSink({ targets: ports[0]!.outputs, route }).write(insertBatch(rows))
    const got: Row[] = []
    for (const source of received) got.push(...((await source.pull())?.batch.rows ?? []))
    expect(got.sort((a, b) => (a[0] as string).localeCompare(b[0] as string))).toEqual(
      [...rows].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
    )
    for (const source of received) source.close()
  })

  it('stops a sender while a receiver holds its in-flight limit of batches', async () => {
    const ports = mesh(1)
    const sink = new ExchangeSink({ targets: ports[0]!.outputs, route: () => 0, maxInFlight: 2 })
    expect(sink.write(insertBatch([['a', 1]]))).toBeUndefined()
    const blocked = sink.write(insertBatch([['b', 2]]))
    expect(blocked).toBeInstanceOf(Promise)
    let resumed = false
    void (blocked as Promise<void>).then(() => {
      resumed = true
    })
    const source = new ExchangeSource(ports[0]!.inputs)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(resumed).toBe(false)
    const first = await source.pull()
    expect(first?.batch.rows).toEqual([['a', 1]])
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(resumed).toBe(true)
    source.close()
  })

  it('turns idle when every sender is idle, and active again on a watermark', async () => {
    const ports = mesh(2)
    const source = new ExchangeSource(ports[0]!.inputs)
    const senders = [0, 1].map(
      (subtask) => new ExchangeSink({ targets: ports[subtask]!.outputs, route: () => 0 }),
    )
    senders[0]!.onWatermark(500)
    senders[1]!.onIdle()
    await source.pull()
    await source.pull()
    expect(source.watermark()).toBe(500)
    senders[0]!.onIdle()
    await source.pull()
    expect(source.watermark()).toBe('idle')
    senders[1]!.onWatermark(300)
    await source.pull()
    expect(source.watermark()).toBe(300)
    senders[0]!.onEndOfInput()
    senders[1]!.onEndOfInput()
    await source.pull()
    await source.pull()
    expect(await source.pull()).toBeNull()
    source.close()
  })
})
