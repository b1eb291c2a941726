/**
 * Nexmark queries in Flink SQL, as the nexmark project writes them (nexmark-flink/src/main/resources/queries),
 * over the same `datagen` table and person/auction/bid views. Two adaptations: the source is Weir's datagen
 * connector with the nexmark generator, and `dateTime` is a physical column of the combined stream (Flink
 * computes it with CASE over the three ROWs; the embedded engine has no computed columns yet, and the
 * generator fills it with the same value).
 */

export const NEXMARK_QUERY_NAMES = ['q0', 'q1', 'q2', 'q5', 'q7', 'q8', 'q15', 'q16', 'q18', 'q19'] as const
export type NexmarkQueryName = (typeof NEXMARK_QUERY_NAMES)[number]

/** Events per query by default: enough for a few seconds each on one busy core. */
export const DEFAULT_EVENTS: Readonly<Record<NexmarkQueryName, number>> = {
  q0: 2_000_000,
  q1: 2_000_000,
  q2: 2_000_000,
  q5: 300_000,
  q7: 300_000,
  q8: 300_000,
  q15: 1_000_000,
  q16: 500_000,
  q18: 1_000_000,
  q19: 1_000_000,
}

/** Flink 1.13 events/s per core (DESIGN.md section 8); Weir aims at twice these. */
export const FLINK_EVENTS_PER_CORE: Readonly<Partial<Record<NexmarkQueryName, number>>> = {
  q0: 155_000,
  q1: 158_000,
  q2: 175_000,
  q5: 22_000,
  q7: 12_000,
  q15: 72_000,
  q16: 19_000,
}

/** The WITH options of the `datagen` table: N events of the combined stream, split into partitions. */
export function nexmarkSourceOptions(events: number, partitions: number): Record<string, string> {
  return {
    connector: 'datagen',
    generator: 'nexmark',
    'number-of-rows': String(events),
    'datagen.partitions': String(partitions),
  }
}

/** The combined event stream with Flink Nexmark's columns and watermark; N events, split into partitions. */
export function nexmarkSourceDdl(events: number, partitions: number): string {
  return `
CREATE TEMPORARY TABLE datagen (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR,
    \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT,
    \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3),
    extra VARCHAR>,
  \`dateTime\` TIMESTAMP(3),
  WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
) WITH (
  ${Object.entries(nexmarkSourceOptions(events, partitions))
    .map(([key, value]) => `'${key}' = '${value}'`)
    .join(',\n  ')}
);

CREATE TEMPORARY VIEW person AS
SELECT person.id, person.name, person.emailAddress, person.creditCard, person.city, person.state, \`dateTime\`,
  person.extra
FROM datagen WHERE event_type = 0;

CREATE TEMPORARY VIEW auction AS
SELECT auction.id, auction.itemName, auction.description, auction.initialBid, auction.reserve, \`dateTime\`,
  auction.expires, auction.seller, auction.category, auction.extra
FROM datagen WHERE event_type = 1;

CREATE TEMPORARY VIEW bid AS
SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, \`dateTime\`, bid.extra
FROM datagen WHERE event_type = 2;
`
}

/** The sink table and INSERT of each query, verbatim from the nexmark project apart from TEMPORARY. */

/** The bid statistics q15 and q16 both compute (per day; q16 also per channel). */
const BID_STATISTICS = `  count(*) AS total_bids,
  count(*) FILTER (WHERE price < 10000) AS rank1_bids,
  count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
  count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
  count(DISTINCT bidder) AS total_bidders,
  count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
  count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,
  count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,
  count(DISTINCT auction) AS total_auctions,
  count(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,
  count(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,
  count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions`

export const NEXMARK_QUERIES: Readonly<Record<NexmarkQueryName, string>> = {
  q0: `
CREATE TEMPORARY TABLE nexmark_q0 (auction BIGINT, bidder BIGINT, price BIGINT, \`dateTime\` TIMESTAMP(3),
  extra VARCHAR) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q0 SELECT auction, bidder, price, \`dateTime\`, extra FROM bid;`,

  q1: `
CREATE TEMPORARY TABLE nexmark_q1 (auction BIGINT, bidder BIGINT, price DECIMAL(23, 3),
  \`dateTime\` TIMESTAMP(3), extra VARCHAR) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q1
SELECT auction, bidder, 0.908 * price AS price, \`dateTime\`, extra FROM bid;`,

  q2: `
CREATE TEMPORARY TABLE nexmark_q2 (auction BIGINT, price BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q2 SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;`,

  q5: `
CREATE TEMPORARY TABLE nexmark_q5 (auction BIGINT, num BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q5
SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
  FROM TABLE(HOP(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
  GROUP BY auction, window_start, window_end
) AS AuctionBids
JOIN (
  SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
  FROM (
    SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
    FROM TABLE(HOP(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
    GROUP BY auction, window_start, window_end
  ) AS CountBids
  GROUP BY CountBids.starttime, CountBids.endtime
) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
  AND AuctionBids.num >= MaxBids.maxn;`,

  q7: `
CREATE TEMPORARY TABLE nexmark_q7 (auction BIGINT, bidder BIGINT, price BIGINT, \`dateTime\` TIMESTAMP(3),
  extra VARCHAR) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q7
SELECT B.auction, B.price, B.bidder, B.\`dateTime\`, B.extra
FROM bid B
JOIN (
  SELECT MAX(price) AS maxprice, window_end AS \`dateTime\`
  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end
) B1
ON B.price = B1.maxprice
WHERE B.\`dateTime\` BETWEEN B1.\`dateTime\` - INTERVAL '10' SECOND AND B1.\`dateTime\`;`,

  q8: `
CREATE TEMPORARY TABLE nexmark_q8 (id BIGINT, name VARCHAR, stime TIMESTAMP(3)) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q8
SELECT P.id, P.name, P.starttime
FROM (
  SELECT id, name, window_start AS starttime, window_end AS endtime
  FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND))
  GROUP BY id, name, window_start, window_end
) P
JOIN (
  SELECT seller, window_start AS starttime, window_end AS endtime
  FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND))
  GROUP BY seller, window_start, window_end
) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;`,

  q15: `
CREATE TEMPORARY TABLE nexmark_q15 (\`day\` VARCHAR, total_bids BIGINT, rank1_bids BIGINT, rank2_bids BIGINT,
  rank3_bids BIGINT, total_bidders BIGINT, rank1_bidders BIGINT, rank2_bidders BIGINT, rank3_bidders BIGINT,
  total_auctions BIGINT, rank1_auctions BIGINT, rank2_auctions BIGINT, rank3_auctions BIGINT)
WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q15
SELECT
  DATE_FORMAT(\`dateTime\`, 'yyyy-MM-dd') AS \`day\`,
${BID_STATISTICS}
FROM bid
GROUP BY DATE_FORMAT(\`dateTime\`, 'yyyy-MM-dd');`,

  q16: `
CREATE TEMPORARY TABLE nexmark_q16 (channel VARCHAR, \`day\` VARCHAR, \`minute\` VARCHAR, total_bids BIGINT,
  rank1_bids BIGINT, rank2_bids BIGINT, rank3_bids BIGINT, total_bidders BIGINT, rank1_bidders BIGINT,
  rank2_bidders BIGINT, rank3_bidders BIGINT, total_auctions BIGINT, rank1_auctions BIGINT,
  rank2_auctions BIGINT, rank3_auctions BIGINT)
WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q16
SELECT
  channel,
  DATE_FORMAT(\`dateTime\`, 'yyyy-MM-dd') AS \`day\`,
  max(DATE_FORMAT(\`dateTime\`, 'HH:mm')) AS \`minute\`,
${BID_STATISTICS}
FROM bid
GROUP BY channel, DATE_FORMAT(\`dateTime\`, 'yyyy-MM-dd');`,

  q18: `
CREATE TEMPORARY TABLE nexmark_q18 (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  \`dateTime\` TIMESTAMP(3), extra VARCHAR) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q18
SELECT auction, bidder, price, channel, url, \`dateTime\`, extra
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY \`dateTime\` DESC) AS rank_number
  FROM bid
)
WHERE rank_number <= 1;`,

  q19: `
CREATE TEMPORARY TABLE nexmark_q19 (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  \`dateTime\` TIMESTAMP(3), extra VARCHAR, rank_number BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO nexmark_q19
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid
)
WHERE rank_number <= 10;`,
}

export function nexmarkScript(query: NexmarkQueryName, events: number, partitions: number): string {
  return nexmarkSourceDdl(events, partitions) + NEXMARK_QUERIES[query]
}
