export { type Category, DEPARTMENT_CATEGORIES, LEAF_CATEGORIES } from './categories.ts'
export {
  CLICKSTREAM_EVENT_TYPES,
  CLICKSTREAM_SCHEMA,
  type ClickstreamConfig,
  type ClickstreamEventType,
  ClickstreamRows,
  DEFAULT_CLICKSTREAM_CONFIG,
  type EventMix,
} from './clickstream.ts'
export type { DimensionVersion } from './dimension-versions.ts'
export {
  DEFAULT_EVENTS_PER_SECOND,
  DEFAULT_START_TIME,
  EventClock,
  type EventTimeConfig,
  type LatenessDistribution,
} from './event-time.ts'
export { BatchGenerator, type IndexedRows } from './generator.ts'
export {
  AUCTION_SCHEMA,
  BID_SCHEMA,
  DEFAULT_NEXMARK_CONFIG,
  NEXMARK_EVENT_SCHEMA,
  NEXMARK_EVENT_TYPES,
  NEXMARK_TABLE_SCHEMAS,
  type NexmarkConfig,
  NexmarkEventRows,
  NexmarkTableRows,
  PERSON_SCHEMA,
} from './nexmark.ts'
export { NEXMARK_KINDS, type NexmarkKind } from './nexmark-ids.ts'
export {
  DATAGEN_OPTION_NAMES,
  DatagenOptionError,
  type DatagenOptions,
  GENERATORS,
  type GeneratorName,
  NEXMARK_TABLES,
  type NexmarkTable,
  parseDatagenOptions,
} from './options.ts'
export { createPacer, type Pacer, TokenBucket } from './pacing.ts'
export {
  DEFAULT_DIM_PRODUCT_CONFIG,
  DIM_PRODUCT_SCHEMA,
  type DimProductConfig,
  DimProductRows,
  PRICE_BANDS,
} from './products.ts'
export { Rng, WeightedPicker } from './random.ts'
export {
  type Column,
  type ColumnType,
  columnIndex,
  type RowType,
  type ScalarType,
  type Schema,
  toObject,
} from './schema.ts'
export { createDatagenSource, type DatagenSource, datagenSchema } from './source.ts'
export {
  AUDIENCES,
  type Audience,
  DEFAULT_DIM_USER_CONFIG,
  DIM_USER_SCHEMA,
  type DimUserConfig,
  DimUserRows,
  USER_LEVELS,
} from './users.ts'
export {
  type FileFormat,
  formatTimestamp,
  toCsvLine,
  toJsonLine,
  type WriteFileOptions,
  writeRowsToFile,
} from './writer.ts'
