/**
 * Real Confluent clients against a running Weir server, on PGlite and on PostgreSQL: what Kafka serializers do
 * in production (register, fetch by id, serialize, deserialize, fail on incompatible schemas) must just work.
 */
import { create, createFileRegistry, createMutableRegistry, type DescMessage } from '@bufbuild/protobuf'
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt'
import {
  AvroDeserializer,
  AvroSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  RestError,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import {
  SchemaRegistry as KafkajsRegistry,
  SchemaType as KafkajsSchemaType,
} from '@kafkajs/confluent-schema-registry'
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogDatabaseOptions } from '../../src/catalog/db/connection.ts'
import { type RunningServer, startServer } from '../../src/server/serve.ts'
import { freshPostgresDatabase } from '../harness/services.ts'
import {
  ADMIN_TOKEN,
  avroRecord,
  ORDER_PROTO,
  PAGEVIEW_BREAKING,
  PAGEVIEW_V1,
  PAGEVIEW_V2,
  unique,
} from './helpers.ts'

const silent = pino({ level: 'silent' }) as FastifyBaseLogger

/** An Order message descriptor built the way protoc-gen-es output would hold it (no codegen in tests). */
function orderDescriptor(packageName: string): DescMessage {
  const { OPTIONAL: LABEL_OPTIONAL, REPEATED: LABEL_REPEATED } = FieldDescriptorProto_Label
  const {
    STRING: TYPE_STRING,
    INT64: TYPE_INT64,
    INT32: TYPE_INT32,
    MESSAGE: TYPE_MESSAGE,
  } = FieldDescriptorProto_Type
  const file = create(FileDescriptorProtoSchema, {
    name: `${packageName.replaceAll('.', '/')}/order.proto`,
    package: packageName,
    syntax: 'proto3',
    messageType: [
      {
        name: 'Order',
        field: [
          { name: 'order_id', jsonName: 'orderId', number: 1, label: LABEL_OPTIONAL, type: TYPE_STRING },
          { name: 'user_id', jsonName: 'userId', number: 2, label: LABEL_OPTIONAL, type: TYPE_INT64 },
          { name: 'gmv_cents', jsonName: 'gmvCents', number: 3, label: LABEL_OPTIONAL, type: TYPE_INT64 },
          {
            name: 'lines',
            jsonName: 'lines',
            number: 4,
            label: LABEL_REPEATED,
            type: TYPE_MESSAGE,
            typeName: `.${packageName}.OrderLine`,
          },
          {
            name: 'attributes',
            jsonName: 'attributes',
            number: 5,
            label: LABEL_REPEATED,
            type: TYPE_MESSAGE,
            typeName: `.${packageName}.Order.AttributesEntry`,
          },
        ],
        nestedType: [
          {
            name: 'AttributesEntry',
            field: [
              { name: 'key', jsonName: 'key', number: 1, label: LABEL_OPTIONAL, type: TYPE_STRING },
              { name: 'value', jsonName: 'value', number: 2, label: LABEL_OPTIONAL, type: TYPE_STRING },
            ],
            options: { mapEntry: true },
          },
        ],
      },
      {
        name: 'OrderLine',
        field: [
          { name: 'product_id', jsonName: 'productId', number: 1, label: LABEL_OPTIONAL, type: TYPE_INT64 },
          { name: 'quantity', jsonName: 'quantity', number: 2, label: LABEL_OPTIONAL, type: TYPE_INT32 },
        ],
      },
    ],
  })
  return createFileRegistry(file, () => undefined).getMessage(`${packageName}.Order`)!
}

/** Both clients authenticate with HTTP basic auth, the token as password, as Flink's avro-confluent does. */
function confluentConfig(url: string) {
  return {
    baseURLs: [url],
    basicAuthCredentials: {
      credentialsSource: 'USER_INFO' as const,
      userInfo: `weir:${ADMIN_TOKEN}`,
    },
  }
}

function kafkajsConfig(url: string) {
  return { host: url, auth: { username: 'weir', password: ADMIN_TOKEN } }
}

function interopSuite(label: string, database: () => Promise<CatalogDatabaseOptions>): void {
  describe(`Confluent clients against Weir on ${label}`, () => {
    let server: RunningServer

    beforeAll(async () => {
      server = await startServer({
        database: await database(),
        host: '127.0.0.1',
        port: 0,
        logger: silent,
        adminToken: ADMIN_TOKEN,
      })
    })
    afterAll(async () => {
      await server?.stop()
    })

    it('@confluentinc/schemaregistry: registers, fetches by id and round-trips Avro records', async () => {
      const client = new SchemaRegistryClient(confluentConfig(server.url))
      const topic = unique('pageviews-')
      const subject = `${topic}-value`
      const id = await client.register(subject, { schemaType: 'AVRO', schema: PAGEVIEW_V1 })
      expect(await client.register(subject, { schemaType: 'AVRO', schema: PAGEVIEW_V1 })).toBe(id)
      expect((await client.getBySubjectAndId(subject, id)).schema).toBe(PAGEVIEW_V1)
      expect(await client.getAllVersions(subject)).toEqual([1])
      expect((await client.getLatestSchemaMetadata(subject)).id).toBe(id)
      expect(await client.getId(subject, { schemaType: 'AVRO', schema: PAGEVIEW_V1 })).toBe(id)

      const serializer = new AvroSerializer(client, SerdeType.VALUE, {
        autoRegisterSchemas: false,
        useLatestVersion: true,
      })
      const bytes = await serializer.serialize(topic, { user_id: 42, url: 'https://shop.example/p/1' })
      expect(bytes[0]).toBe(0)
      expect(bytes.readInt32BE(1)).toBe(id)
      // A fresh client, as on the consumer side: it must fetch the writer schema by id from Weir.
      const consumer = new AvroDeserializer(
        new SchemaRegistryClient(confluentConfig(server.url)),
        SerdeType.VALUE,
        {},
      )
      expect(await consumer.deserialize(topic, bytes)).toEqual({
        user_id: 42,
        url: 'https://shop.example/p/1',
      })

      expect(
        await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: PAGEVIEW_V2 }),
      ).toBe(true)
      expect(
        await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: PAGEVIEW_BREAKING }),
      ).toBe(false)
    })

    it('both clients are refused with 40101 without credentials or with a wrong token', async () => {
      const anonymous = new SchemaRegistryClient({ baseURLs: [server.url] })
      await expect(anonymous.getAllSubjects()).rejects.toMatchObject({ status: 401, errorCode: 40101 })
      const wrong = new KafkajsRegistry({
        host: server.url,
        auth: { username: 'weir', password: 'weir_nope' },
      })
      await expect(wrong.getLatestSchemaId('anything-value')).rejects.toThrow(/Unauthorized/)
    })

    it('@confluentinc/schemaregistry: surfaces incompatible and invalid schemas as RestErrors with Confluent codes', async () => {
      const client = new SchemaRegistryClient(confluentConfig(server.url))
      const subject = unique('strict-')
      await client.register(subject, { schemaType: 'AVRO', schema: PAGEVIEW_V1 })
      const incompatible = await client
        .register(subject, { schemaType: 'AVRO', schema: PAGEVIEW_BREAKING })
        .catch((error: unknown) => error)
      expect(incompatible).toBeInstanceOf(RestError)
      expect(incompatible).toMatchObject({ status: 409, errorCode: 409 })
      expect((incompatible as RestError).message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE')
      const invalid = await client
        .register(unique('bad-'), { schemaType: 'AVRO', schema: '{"type": "recrod"}' })
        .catch((error: unknown) => error)
      expect(invalid).toMatchObject({ status: 422, errorCode: 42201 })
      expect(await client.getBySubjectAndId(subject, 99_999).catch((error: unknown) => error)).toMatchObject({
        status: 404,
        errorCode: 40403,
      })
      expect(
        await client.getLatestSchemaMetadata(unique('none-')).catch((error: unknown) => error),
      ).toMatchObject({
        status: 404,
        errorCode: 40401,
      })
      expect(await client.updateCompatibility(subject, 'FULL' as never)).toBe('FULL')
      expect(await client.getCompatibility(subject)).toBe('FULL')
      expect(await client.deleteSubject(subject)).toEqual([1])
      expect(await client.deleteSubject(subject, true)).toEqual([1])
    })

    it('@confluentinc/schemaregistry: serializes and deserializes Protobuf messages (serialized descriptor form)', async () => {
      const client = new SchemaRegistryClient(confluentConfig(server.url))
      const topic = unique('orders-')
      const Order = orderDescriptor(`weir.${unique('interop')}`)
      const serializer = new ProtobufSerializer(client, SerdeType.VALUE, {
        autoRegisterSchemas: true,
        registry: createMutableRegistry(Order.file),
      })
      const order = create(Order, {
        orderId: 'o-1',
        userId: 42n,
        gmvCents: 19_900n,
        lines: [{ productId: 7n, quantity: 2 }],
        attributes: { channel: 'app' },
      } as never)
      const bytes = await serializer.serialize(topic, order)
      const id = bytes.readInt32BE(1)
      // Stored as .proto text, like every Protobuf schema in Weir.
      const stored = await client.getBySubjectAndId(`${topic}-value`, id)
      expect(stored.schemaType).toBe('PROTOBUF')
      expect(stored.schema).toContain('message Order {')
      expect(stored.schema).toContain('map<string, string> attributes = 5;')

      const consumer = new ProtobufDeserializer(
        new SchemaRegistryClient(confluentConfig(server.url)),
        SerdeType.VALUE,
        {},
      )
      const decoded = (await consumer.deserialize(topic, bytes)) as Record<string, unknown>
      expect(decoded).toMatchObject({
        orderId: 'o-1',
        userId: 42n,
        gmvCents: 19_900n,
        attributes: { channel: 'app' },
      })
      expect((decoded.lines as Array<Record<string, unknown>>)[0]).toMatchObject({
        productId: 7n,
        quantity: 2,
      })
      // Serializing again finds the same schema: no new version.
      await serializer.serialize(topic, order)
      expect(await client.getAllVersions(`${topic}-value`)).toEqual([1])
    })

    it('@kafkajs/confluent-schema-registry: registers Avro and Protobuf, encodes and decodes', async () => {
      const registry = new KafkajsRegistry(kafkajsConfig(server.url))
      const avroSubject = unique('kafkajs-avro-')
      const { id: avroId } = await registry.register(
        { type: KafkajsSchemaType.AVRO, schema: PAGEVIEW_V1 },
        { subject: avroSubject },
      )
      // First registration sets the subject's level, as the client does.
      expect(await registry.getLatestSchemaId(avroSubject)).toBe(avroId)
      const encoded = await registry.encode(avroId, { user_id: 7, url: '/home' })
      expect(await new KafkajsRegistry(kafkajsConfig(server.url)).decode(encoded)).toEqual({
        user_id: 7,
        url: '/home',
      })

      const protoSubject = unique('kafkajs-proto-')
      const { id: protoId } = await registry.register(
        { type: KafkajsSchemaType.PROTOBUF, schema: ORDER_PROTO },
        { subject: protoSubject },
      )
      // The client loads .proto text with protobufjs defaults: field names become camelCase.
      const order = { orderId: 'o-9', userId: 3, gmvCents: 1250 }
      const protoBytes = await registry.encode(protoId, order)
      const decoded = (await new KafkajsRegistry(kafkajsConfig(server.url)).decode(protoBytes)) as Record<
        string,
        unknown
      >
      expect(decoded.orderId).toBe('o-9')
      expect(Number(decoded.gmvCents)).toBe(1250)
      expect(
        await registry.getRegistryIdBySchema(protoSubject, {
          type: KafkajsSchemaType.PROTOBUF,
          schema: ORDER_PROTO,
        }),
      ).toBe(protoId)

      const breaking = registry.register(
        { type: KafkajsSchemaType.AVRO, schema: PAGEVIEW_BREAKING },
        { subject: avroSubject },
      )
      await expect(breaking).rejects.toThrow(/incompatible/)
      const invalid = registry.register(
        {
          type: KafkajsSchemaType.AVRO,
          schema: avroRecord('Bad', [{ name: 'x', type: 'int', default: 'not an int' }]),
        },
        { subject: unique('kafkajs-bad-') },
      )
      await expect(invalid).rejects.toThrow()
    })
  })
}

interopSuite('PGlite', async () => ({ inMemory: true }))
interopSuite('PostgreSQL', async () => ({ databaseUrl: await freshPostgresDatabase('udm_interop') }))
