import { randomUUID } from 'node:crypto'
import { Kafka, logLevel } from 'kafkajs'
import { useService } from './services.ts'

/** A kafkajs client on the run's broker, quiet unless something is wrong. */
export async function testKafka(): Promise<Kafka> {
  const { bootstrapServers } = await useService('kafka')
  return new Kafka({ clientId: 'weir-test', brokers: [bootstrapServers], logLevel: logLevel.ERROR })
}

/** Creates a topic with a unique name so tests sharing the broker never see each other's records. */
export async function freshTopic(kafka: Kafka, prefix: string, partitions = 1): Promise<string> {
  const topic = `${prefix}-${randomUUID().slice(0, 8)}`
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
  return topic
}
