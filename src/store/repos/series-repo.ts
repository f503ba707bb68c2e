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

export interface LatestPeerValueRow {
  metric_id: string;
  org_code: string;
  kind: string | null;
  nof_trust_type: string | null;
  period_start: string;
  value: number;
}

/**
 * latestPeerValues: for every metric an organisation holds a reported value of, every organisation's
 * reported value in that organisation's latest reported period, at the metric's most common
 * granularity across all organisations (as `dominantGranularityOf` chooses it) — what ranking it among
 * its peers reads, in one query instead of every organisation's whole series per metric.
 */
export async function latestPeerValues(db: Kysely<Database>, orgCode: string): Promise<LatestPeerValueRow[]> {
  const result = await sql<LatestPeerValueRow>`
    with held as (
      select distinct metric_id from observation where org_code = ${orgCode}),
    dominant as (
      select distinct on (metric_id) metric_id, granularity
      from (select o.metric_id, o.granularity, count(*) as n
            from observation o join held h on h.metric_id = o.metric_id
            group by o.metric_id, o.granularity) counts
      order by metric_id, n desc, granularity),
    latest as (
      select o.metric_id, o.granularity, max(o.period_start) as period_start
      from observation o join dominant d on d.metric_id = o.metric_id and d.granularity = o.granularity
      where o.org_code = ${orgCode} and o.status = 'reported' and o.value is not null
      group by o.metric_id, o.granularity)
    select o.metric_id, o.org_code, org.kind, org.nof_trust_type, o.period_start::text as period_start, o.value
    from observation o
    join latest l on l.metric_id = o.metric_id and l.granularity = o.granularity and l.period_start = o.period_start
    left join organisation org on org.code = o.org_code
    where o.status = 'reported' and o.value is not null
    order by o.metric_id, o.org_code`.execute(db);
  return result.rows;
}

export interface ScorecardSourceRow {
  metric_id: string;
  period_start: string;
  granularity: string;
  value: number | null;
  status: string;
}

/** An organisation's observations of every metric it holds, each at that series' most common granularity. */
export async function organisationSeriesRows(
  db: Kysely<Database>,
  orgCode: string,
): Promise<ScorecardSourceRow[]> {
  // The granularity of each series is chosen once per metric, not once per row.
  const result = await sql<ScorecardSourceRow>`
    with chosen as (
      select distinct on (metric_id) metric_id, granularity
      from (select metric_id, granularity, count(*) as n from observation
            where org_code = ${orgCode} group by metric_id, granularity) counts
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

/** The ids of the national metrics the store holds observations of (teams' own indicators left out), in id order. */
export async function metricIdsWithObservations(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('observation')
    .select('metric_id')
    .where(nationalMetricFilter('observation.metric_id'))
    .distinct()
    .orderBy('metric_id')
    .execute();
  return rows.map((row) => row.metric_id);
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
