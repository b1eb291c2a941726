import { CLICKSTREAM_SCHEMA, ClickstreamRows } from './clickstream.ts'
import { daysOfTraffic } from './daily-curve.ts'
import { DEFAULT_EVENTS_PER_SECOND } from './event-time.ts'
import { BatchGenerator, type IndexedRows } from './generator.ts'
import { NEXMARK_EVENT_SCHEMA, NEXMARK_TABLE_SCHEMAS, NexmarkEventRows, NexmarkTableRows } from './nexmark.ts'
import { PROPORTIONS, TOTAL_PROPORTION } from './nexmark-ids.ts'
import { type DatagenOptions, parseDatagenOptions } from './options.ts'
import { createPacer, type Pacer } from './pacing.ts'
import { DIM_PRODUCT_SCHEMA, DimProductRows } from './products.ts'
import type { Schema } from './schema.ts'
import { DIM_USER_SCHEMA, DimUserRows } from './users.ts'

const SECONDS_PER_DAY = 86_400

/** Everything an engine source needs to run a datagen table: its rows, and when to emit them. */
export interface DatagenSource {
  readonly options: DatagenOptions
  readonly generator: BatchGenerator
  readonly pacer: Pacer
}

/** Builds the source a datagen table's options describe; throws DatagenOptionError for bad options. */
export function createDatagenSource(rawOptions: Readonly<Record<string, string>>): DatagenSource {
  const options = parseDatagenOptions(rawOptions)
  const { rows, end, rowsPerSecond } = tableOf(options)
  return { options, generator: new BatchGenerator(rows, { end }), pacer: createPacer(rowsPerSecond) }
}

/** The rows a generator serves, where they end, and their emission rate, in that table's own rows. */
function tableOf(options: DatagenOptions): {
  rows: IndexedRows
  end: number
  rowsPerSecond: number | undefined
} {
  const { seed, startTime, rowsPerSecond } = options
  const end = options.numberOfRows ?? Number.POSITIVE_INFINITY
  const versioning = { version: options.dimensionVersion, changedFraction: options.changedFraction }
  // A rate-limited stream's event time keeps pace with the wall clock.
  const eventsPerSecond = rowsPerSecond ?? DEFAULT_EVENTS_PER_SECOND
  // A span fixes the event-time rate instead: the rows fill it, whatever the wall-clock pace.
  const clickRate =
    options.eventTimeSpanMs === undefined || options.numberOfRows === undefined
      ? eventsPerSecond
      : options.numberOfRows /
        daysOfTraffic(options.eventTimeCurve, startTime, options.eventTimeSpanMs) /
        SECONDS_PER_DAY
  switch (options.generator) {
    case 'clickstream': {
      const rows = new ClickstreamRows({
        seed,
        users: options.users,
        products: options.products,
        eventMix: options.eventMix,
        startTime,
        eventsPerSecond: Math.max(clickRate, Number.MIN_VALUE),
        curve: options.eventTimeCurve,
        maxOutOfOrdernessMs: options.maxOutOfOrdernessMs,
        lateness: options.lateness,
      })
      return { rows, end, rowsPerSecond }
    }
    case 'nexmark': {
      const config = { seed, baseTime: startTime, eventsPerSecond }
      const kind = options.nexmarkTable
      if (kind === 'all') return { rows: new NexmarkEventRows(config), end, rowsPerSecond }
      // Bounds and rates count events of the combined stream, so one kind's table covers the same events
      // (and the same event time) as the other kinds' tables built from the same options.
      const rows = new NexmarkTableRows(kind, config)
      const share = PROPORTIONS[kind] / TOTAL_PROPORTION
      return {
        rows,
        end: rows.rowsWithin(end),
        rowsPerSecond: rowsPerSecond === undefined ? undefined : rowsPerSecond * share,
      }
    }
    case 'dim_user':
      return {
        rows: new DimUserRows({ seed, users: options.users, startTime, versioning }),
        end,
        rowsPerSecond,
      }
    case 'dim_product':
      return {
        rows: new DimProductRows({ seed, products: options.products, versioning }),
        end,
        rowsPerSecond,
      }
  }
}

/** The schema of a datagen table, for binding it, without building its generator. */
export function datagenSchema(rawOptions: Readonly<Record<string, string>>): Schema {
  const options = parseDatagenOptions(rawOptions)
  switch (options.generator) {
    case 'clickstream':
      return CLICKSTREAM_SCHEMA
    case 'nexmark':
      return options.nexmarkTable === 'all'
        ? NEXMARK_EVENT_SCHEMA
        : NEXMARK_TABLE_SCHEMAS[options.nexmarkTable]
    case 'dim_user':
      return DIM_USER_SCHEMA
    case 'dim_product':
      return DIM_PRODUCT_SCHEMA
  }
}
