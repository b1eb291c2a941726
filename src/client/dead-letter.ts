// The dead-letter topic is Kafka plumbing shared by the SDK and the SQL engine's Kafka source, so it lives
// with the Kafka connector (connectors must not import the SDK); the SDK's names stay importable here.
export {
  DEAD_LETTER_HEADERS,
  type DeadLetter,
  DeadLetterQueue,
} from '../connectors/kafka/dead-letter-queue.ts'
