-- Dataeye: real-time traffic and sales metrics per site, platform and category, as a self-contained job.
-- Run it with `npx weir sql run examples/dataeye.sql`; it ends by itself once the 200 000 generated clicks are read.

-- A bounded clickstream: one day of traffic (2024-01-01, UTC), quiet at night and busiest in the evening.
-- Generated events arrive up to 5 s out of order, so a 5 s watermark delay drops none.
CREATE TEMPORARY TABLE clicks (
  event_id BIGINT,
  event_type STRING,
  user_id BIGINT,
  session_id BIGINT,
  site STRING,
  platform STRING,
  channel STRING,
  category_id INT,
  category STRING,
  product_id BIGINT,
  activity STRING,
  audience STRING,
  url STRING,
  price DECIMAL(10, 2),
  quantity INT,
  event_time TIMESTAMP(3),
  ingest_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'datagen',
  'generator' = 'clickstream',
  'number-of-rows' = '200000',
  'event-time.span' = '1 d',
  'event-time.curve' = 'daily',
  'max-out-of-orderness' = '5 s',
  'seed' = '42'
);

-- NULL in site / platform / category means "all of them" (the rolled-up level of the grouping set).
CREATE TEMPORARY TABLE dataeye_metrics (
  site STRING,
  platform STRING,
  category STRING,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  pv BIGINT,
  uv BIGINT,
  buyers BIGINT,
  gmv DECIMAL(38, 2)
) WITH (
  'connector' = 'print'
);

-- Today-so-far metrics, refreshed every minute: CUMULATE windows grow by 1 minute up to a day.
INSERT INTO dataeye_metrics
SELECT
  site,
  platform,
  category,
  window_start,
  window_end,
  COUNT(*) AS pv,
  COUNT(DISTINCT user_id) AS uv,
  COUNT(DISTINCT user_id) FILTER (WHERE event_type = 'order') AS buyers,
  SUM(price) FILTER (WHERE event_type = 'order') AS gmv
FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '1' DAY))
GROUP BY window_start, window_end, GROUPING SETS ((site), (site, platform), (site, category), ());
