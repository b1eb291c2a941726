/**
 * Encode and decode throughput of the framed codecs on one core, for a 12-field page-view record (longs,
 * strings, double, int, boolean, enum, nullable string, timestamp) as Avro, Protobuf and JSON (with JSON
 * Schema validation). Prints one JSON line per codec and operation. Rates are per core: records per second
 * of CPU time this process used, so that other load on the machine does not distort them.
 *   npx tsx bench/codecs.ts [--records N] [--only avro|protobuf|json]
 */
import { parseArgs } from 'node:util'
import { CodecRegistry, FramedCodec, type RegisteredSchema } from '../src/formats/index.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '2000000' },
    only: { type: 'string' },
  },
})
const RECORDS = Number(values.records)
/** Distinct records cycled through, so no codec benefits from seeing one value over and over. */
const VARIANTS = 1024
const KINDS = ['VIEW', 'CLICK', 'ADD_TO_CART', 'BUY'] as const

const avroSchema = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'traffic',
  fields: [
    { name: 'event_id', type: 'long' },
    { name: 'user_id', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'session_id', type: 'string' },
    { name: 'site', type: 'string' },
    { name: 'url', type: 'string' },
    { name: 'category', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'quantity', type: 'int' },
    { name: 'logged_in', type: 'boolean' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: KINDS } },
    { name: 'referrer', type: ['null', 'string'], default: null },
  ],
})

const protobufSchema = `syntax = "proto3";
package traffic;
enum Kind { VIEW = 0; CLICK = 1; ADD_TO_CART = 2; BUY = 3; }
message PageView {
  int64 event_id = 1;
  int64 user_id = 2;
  int64 at = 3;
  string session_id = 4;
  string site = 5;
  string url = 6;
  string category = 7;
  double price = 8;
  int32 quantity = 9;
  bool logged_in = 10;
  Kind kind = 11;
  optional string referrer = 12;
}`

const jsonSchema = JSON.stringify({
  type: 'object',
  required: [
    'event_id',
    'user_id',
    'at',
    'session_id',
    'site',
    'url',
    'category',
    'price',
    'quantity',
    'logged_in',
    'kind',
  ],
  properties: {
    event_id: { type: 'integer' },
    user_id: { type: 'integer' },
    at: { type: 'integer' },
    session_id: { type: 'string' },
    site: { type: 'string' },
    url: { type: 'string' },
    category: { type: 'string' },
    price: { type: 'number' },
    quantity: { type: 'integer', minimum: 0 },
    logged_in: { type: 'boolean' },
    kind: { enum: KINDS },
    referrer: { type: ['string', 'null'] },
  },
})

function pageView(i: number): Record<string, unknown> {
  return {
    event_id: 1_700_000_000_000_000 + i,
    user_id: 10_000_000 + ((i * 7919) % 5_000_000),
    at: 1_700_000_000_000 + i * 13,
    session_id: `s-${(i * 104729).toString(36)}`,
    site: i % 3 === 0 ? 'shop.example.com' : 'm.example.com',
    url: `/products/${i % 997}/details?ref=home`,
    category: ['books', 'garden', 'electronics', 'toys'][i % 4],
    price: Math.round(i * 137.31) / 100,
    quantity: 1 + (i % 5),
    logged_in: i % 2 === 0,
    kind: KINDS[i % KINDS.length],
    referrer: i % 4 === 0 ? null : 'https://search.example.org/?q=garden+chairs',
  }
}

/** Protobuf has no null: an absent optional field is how it says "no referrer". */
function asProtobuf(record: Record<string, unknown>): Record<string, unknown> {
  const { referrer, ...rest } = record
  return referrer === null ? rest : record
}

interface Subject {
  codec: string
  schema: RegisteredSchema
  records: Record<string, unknown>[]
}

const subjects: Subject[] = [
  { codec: 'avro', schema: { schema: avroSchema }, records: variants(pageView) },
  {
    codec: 'protobuf',
    schema: { schemaType: 'PROTOBUF', schema: protobufSchema },
    records: variants((i) => asProtobuf(pageView(i))),
  },
  { codec: 'json', schema: { schemaType: 'JSON', schema: jsonSchema }, records: variants(pageView) },
]

function variants(make: (i: number) => Record<string, unknown>): Record<string, unknown>[] {
  return Array.from({ length: VARIANTS }, (_, i) => make(i))
}

function cpuMillis(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** Runs `work` over RECORDS records after a warm-up that lets the JIT settle; returns CPU milliseconds. */
function timed(work: (i: number) => unknown): number {
  let sink: unknown
  for (let i = 0; i < Math.min(RECORDS, 200_000); i++) sink = work(i)
  const start = cpuMillis()
  for (let i = 0; i < RECORDS; i++) sink = work(i)
  const elapsed = cpuMillis() - start
  if (sink === undefined) throw new Error('benchmark produced nothing')
  return elapsed
}

function measure(codec: string, operation: string, millis: number, bytesPerRecord: number): void {
  report({
    bench: 'codecs',
    codec,
    operation,
    records: RECORDS,
    bytesPerRecord,
    recordsPerSec: rate(RECORDS, millis),
    nsPerRecord: Number(((millis * 1e6) / RECORDS).toFixed(1)),
  })
}

for (const subject of subjects) {
  if (values.only !== undefined && values.only !== subject.codec) continue
  progress(`${subject.codec}: ${RECORDS} records`)
  const registry = new CodecRegistry({
    schemaById: async (id) => (id === 1 ? subject.schema : undefined),
    schemaBySubjectVersion: async () => undefined,
  })
  const framed = await FramedCodec.create(registry, { schemaId: 1 })
  const encoded = subject.records.map((record) => framed.encode(record))
  await framed.prepare(encoded)
  const bytesPerRecord = Math.round(encoded.reduce((sum, bytes) => sum + bytes.length, 0) / encoded.length)
  measure(
    subject.codec,
    'encode',
    timed((i) => framed.encode(subject.records[i % VARIANTS])),
    bytesPerRecord,
  )
  measure(
    subject.codec,
    'decode',
    timed((i) => framed.decode(encoded[i % VARIANTS]!)),
    bytesPerRecord,
  )
}
