import { type Kysely, sql } from 'kysely';
import type { Database } from '../tables.ts';
import { nationalMetricFilter } from './scope-filter.ts';

/**
 * Series of observations as the engines read them: one organisation's series of a metric, every
 * organisation's, an organisation's every metric, and the Oversight Framework rows.
 */

export interface SeriesRow {
  period_start: string;
  value: number | null;
  status: string;
  granularity: string;
}

/** One organisation's observations of a metric at the series' most common granularity, oldest first. */
export async function seriesRows(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<SeriesRow[]> {
  const result = await sql<SeriesRow>`
    select period_start::text as period_start, value, status, granularity from observation
    where org_code = ${orgCode} and metric_id = ${metricId}
      and granularity = (select granularity from observation where org_code = ${orgCode} and metric_id = ${metricId}
                         group by granularity order by count(*) desc limit 1)
    order by period_start`.execute(db);
  return result.rows;
}

/** A metric's most common granularity across the store, or null when nobody holds it. */
export async function dominantGranularityOf(db: Kysely<Database>, metricId: string): Promise<string | null> {
  const result = await sql<{ granularity: string }>`
    select granularity from observation where metric_id = ${metricId}
    group by granularity order by count(*) desc, granularity limit 1`.execute(db);
  return result.rows[0]?.granularity ?? null;
}

export interface MetricSeriesRow {
  org_code: string;
  name: string | null;
  kind: string | null;
  nof_trust_type: string | null;
  period_start: string;
  value: number | null;
  status: string;
}

/** Every organisation's observations of a metric at one granularity, by organisation then period. */
export async function metricSeriesRows(
  db: Kysely<Database>,
  metricId: string,
  granularity: string | null,
): Promise<MetricSeriesRow[]> {
  const result = await sql<MetricSeriesRow>`
    select o.org_code, org.name, org.kind, org.nof_trust_type, o.period_start::text as period_start, o.value, o.status
    from observation o left join organisation org on org.code = o.org_code
    where o.metric_id = ${metricId}
      and o.granularity = ${granularity}
    order by o.org_code, o.period_start`.execute(db);
  return result.rows;
}

export interface PeerRankFiguresRow {
  metric_id: string;
  /** The metric's most common granularity across all organisations, the one ranked at. */
  granularity: string;
  /** The organisation's latest reported period at that granularity. */
  period_start: string;
  value: number;
  kind: string | null;
  nof_trust_type: string | null;
  /** Peers (itself included) with a reported value for that period. */
  peer_count: number;
  /** Peers whose value is higher, and lower, than the organisation's. */
  higher: number;
  lower: number;
  /** The middle peer value once sorted, or the two middle ones for an even count (equal for an odd one). */
  middle_low: number;
  middle_high: number;
}

/**
 * metricGranularityPairs: every metric × granularity the store holds observations at, by metric then
 * granularity, found by stepping through `observation_metric_granularity_period` (one index descent
 * per pair) rather than reading the observations.
 */
export async function metricGranularityPairs(
  db: Kysely<Database>,
): Promise<{ metric_id: string; granularity: string }[]> {
  const result = await sql<{ metric_id: string; granularity: string }>`
    with recursive pairs as (
      (select metric_id, granularity from observation order by metric_id, granularity limit 1)
      union all
      select next.metric_id, next.granularity from pairs p
      cross join lateral (
        select o.metric_id, o.granularity from observation o
        where (o.metric_id, o.granularity) > (p.metric_id, p.granularity)
        order by o.metric_id, o.granularity limit 1) next)
    select metric_id, granularity from pairs order by metric_id, granularity`.execute(db);
  return result.rows;
}

/**
 * peerRankFigures: for every metric an organisation holds a reported value of at the granularity
 * `granularities` gives it (the metric's most common, as `dominantGranularityOf` chooses it), its
 * value in its latest reported period and its peers' figures for that period — how many, how many
 * above and below it, and the middle values — in one aggregate query, not every peer's value. Peers
 * are the organisations of its Oversight Framework trust type where it has one, else of its kind.
 */
export async function peerRankFigures(
  db: Kysely<Database>,
  orgCode: string,
  granularities: ReadonlyMap<string, string>,
): Promise<PeerRankFiguresRow[]> {
  if (granularities.size === 0) return [];
  const result = await sql<PeerRankFiguresRow>`
    with dominant as (
      select * from unnest(${[...granularities.keys()]}::text[], ${[...granularities.values()]}::text[])
        as d(metric_id, granularity)),
    latest as (
      select d.metric_id, d.granularity, max(o.period_start) as period_start
      from dominant d
      join observation o on o.org_code = ${orgCode} and o.metric_id = d.metric_id and o.granularity = d.granularity
      where o.status = 'reported' and o.value is not null
      group by d.metric_id, d.granularity),
    self as (
      select l.metric_id, l.granularity, l.period_start, o.value, org.kind, org.nof_trust_type
      from latest l
      join observation o on o.org_code = ${orgCode} and o.metric_id = l.metric_id
        and o.granularity = l.granularity and o.period_start = l.period_start
      left join organisation org on org.code = ${orgCode})
    select s.metric_id, s.granularity, s.period_start::text as period_start, s.value, s.kind, s.nof_trust_type,
      count(*)::integer as peer_count,
      (count(*) filter (where o.value > s.value))::integer as higher,
      (count(*) filter (where o.value < s.value))::integer as lower,
      (array_agg(o.value order by o.value))[((count(*) + 1) / 2)::integer] as middle_low,
      (array_agg(o.value order by o.value))[(count(*) / 2 + 1)::integer] as middle_high
    from self s
    join observation o on o.metric_id = s.metric_id and o.granularity = s.granularity and o.period_start = s.period_start
    left join organisation org on org.code = o.org_code
    where o.status = 'reported' and o.value is not null
      and case when s.nof_trust_type is not null then org.nof_trust_type is not distinct from s.nof_trust_type
               else org.kind is not distinct from s.kind end
    group by s.metric_id, s.granularity, s.period_start, s.value, s.kind, s.nof_trust_type
    order by s.metric_id`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    value: Number(row.value),
    middle_low: Number(row.middle_low),
    middle_high: Number(row.middle_high),
  }));
}

export interface ScorecardSourceRow {
  metric_id: string;
  period_start: string;
  granularity: string;
  value: number | null;
  status: string;
}

/**
 * An organisation's observations of every metric it holds, each at that series' most common
 * granularity; or of the metrics `only` names (a system page's key metrics for each member).
 */
export async function organisationSeriesRows(
  db: Kysely<Database>,
  orgCode: string,
  only?: readonly string[],
): Promise<ScorecardSourceRow[]> {
  if (only && only.length === 0) return [];
  const metricFilter = only ? sql`and metric_id = any(${[...only]}::text[])` : sql``;
  // The granularity of each series is chosen once per metric, not once per row.
  const result = await sql<ScorecardSourceRow>`
    with chosen as (
      select distinct on (metric_id) metric_id, granularity
      from (select metric_id, granularity, count(*) as n from observation
            where org_code = ${orgCode} ${metricFilter} group by metric_id, granularity) counts
      order by metric_id, n desc, granularity)
    select o.metric_id, o.period_start::text as period_start, o.granularity, o.value, o.status
    from observation o
    join chosen c on c.metric_id = o.metric_id and c.granularity = o.granularity
    where o.org_code = ${orgCode}
    order by o.metric_id, o.period_start`.execute(db);
  return result.rows;
}

export interface NofSourceRow {
  org_code: string;
  name: string;
  nof_trust_type: string | null;
  nof_trust_subtype: string | null;
  metric_id: string;
  period_start: string;
  value: number | null;
  status: string;
  detail: Record<string, unknown> | null;
}

/** Every Oversight Framework (`OF…`) quarterly observation, with its trust's name and type. */
export async function nofSourceRows(db: Kysely<Database>): Promise<NofSourceRow[]> {
  const result = await sql<NofSourceRow>`
    select o.org_code, org.name, org.nof_trust_type, org.nof_trust_subtype, o.metric_id, o.period_start::text as period_start,
           o.value, o.status, o.detail
    from observation o join organisation org on org.code = o.org_code
    where o.metric_id like 'OF%' and o.granularity = 'quarter'
    order by o.period_start, o.org_code, o.metric_id`.execute(db);
  return result.rows;
}

/**
 * The ids of the national metrics the store holds observations of (teams' own indicators left out),
 * in id order: found by stepping through the `(metric_id, period_start)` index, one descent per
 * metric, rather than reading every observation (3 s at national practice scale).
 */
export async function metricIdsWithObservations(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ metric_id: string }>`
    with recursive metrics as (
      (select metric_id from observation order by metric_id limit 1)
      union all
      select next.metric_id from metrics m
      cross join lateral (
        select o.metric_id from observation o where o.metric_id > m.metric_id
        order by o.metric_id limit 1) next)
    select metric_id from metrics where ${nationalMetricFilter('metric_id')} order by metric_id`.execute(db);
  return result.rows.map((row) => row.metric_id);
}

export interface StoreCounts {
  organisations: number;
  metrics: number;
  observations: number;
  importBatches: number;
  rejectedImports: number;
  observationHistory: number;
}

/** Counts of what the store holds. */
export async function storeCounts(db: Kysely<Database>): Promise<StoreCounts> {
  const result = await sql<StoreCounts>`
    select
      (select count(*) from organisation)::integer as "organisations",
      (select count(*) from metric)::integer as "metrics",
      (select count(*) from observation)::integer as "observations",
      (select count(*) from import_batch where outcome = 'imported')::integer as "importBatches",
      (select count(*) from import_batch where outcome = 'rejected')::integer as "rejectedImports",
      (select count(*) from observation_history)::integer as "observationHistory"`.execute(db);
  return result.rows[0];
}
