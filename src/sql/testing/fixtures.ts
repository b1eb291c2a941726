import { type ResolvedTable, StaticTableResolver } from '../catalog/table-resolver.ts'
import { parseLogicalType } from '../types/type-from-spec.ts'

/** A table from `name TYPE` column specs, with Kafka-like options. */
export function table(
  name: string,
  columns: Record<string, string>,
  extra: Partial<ResolvedTable> = {},
): ResolvedTable {
  return {
    name,
    columns: Object.entries(columns).map(([column, spec]) =>
      spec.startsWith('AS ')
        ? { name: column, type: parseLogicalType('TIMESTAMP_LTZ(3)'), computed: spec.slice(3) }
        : { name: column, type: parseLogicalType(spec) },
    ),
    connector: { options: { connector: 'kafka', topic: name.replaceAll('.', '_') } },
    kind: 'stream',
    ...extra,
  }
}

/** The datasets of the three scenarios and Nexmark, as UDM would resolve them. */
export function testCatalog(): StaticTableResolver {
  return new StaticTableResolver({
    'traffic.pageview': table(
      'traffic.pageview',
      {
        user_id: 'BIGINT',
        url: 'STRING',
        referrer: 'STRING',
        ts: 'TIMESTAMP(3)',
      },
      { rowtime: { column: 'ts', watermarkDelayMs: 5000 } },
    ),
    'traffic.clickstream': table(
      'traffic.clickstream',
      {
        event_time: 'TIMESTAMP(3)',
        user_id: 'BIGINT',
        event: 'STRING',
        site: 'STRING',
        platform: 'STRING',
        product_id: 'BIGINT',
        amount: 'DOUBLE',
        payload: 'STRING',
        proc_time: 'AS PROCTIME()',
      },
      { rowtime: { column: 'event_time', watermarkDelayMs: 3000 } },
    ),
    'dim.product': table(
      'dim.product',
      { product_id: 'BIGINT NOT NULL', category: 'STRING', brand: 'STRING', price: 'DECIMAL(10, 2)' },
      {
        kind: 'table',
        primaryKey: ['product_id'],
        connector: { options: { connector: 'jdbc', 'table-name': 'product' } },
      },
    ),
    'dim.user': table(
      'dim.user',
      { user_id: 'BIGINT NOT NULL', channel: 'STRING', audience: 'STRING' },
      {
        kind: 'kv',
        primaryKey: ['user_id'],
        connector: { options: { connector: 'redis', 'key-pattern': 'user:{user_id}' } },
      },
    ),
    'dataeye.daily_metrics': table('dataeye.daily_metrics', {
      window_start: 'TIMESTAMP(3)',
      window_end: 'TIMESTAMP(3)',
      site: 'STRING',
      platform: 'STRING',
      category: 'STRING',
      grouping_id: 'BIGINT',
      pv: 'BIGINT',
      uv: 'BIGINT',
      buyers: 'BIGINT',
      gmv: 'DECIMAL(18, 2)',
      last_event_time: 'TIMESTAMP(3)',
    }),
    'dataeye.user_totals': table(
      'dataeye.user_totals',
      { user_id: 'BIGINT NOT NULL', events: 'BIGINT', amount: 'DOUBLE' },
      { kind: 'kv', primaryKey: ['user_id'], connector: { options: { connector: 'redis' } } },
    ),
    'landing.events': table('landing.events', {
      user_id: 'BIGINT',
      event: 'STRING',
      dt: 'STRING',
      hh: 'STRING',
    }),
    bid: table(
      'bid',
      {
        auction: 'BIGINT',
        bidder: 'BIGINT',
        price: 'BIGINT',
        channel: 'STRING',
        url: 'STRING',
        dateTime: 'TIMESTAMP(3)',
        extra: 'STRING',
      },
      { rowtime: { column: 'dateTime', watermarkDelayMs: 4000 } },
    ),
  })
}
