import { type Kysely, sql } from 'kysely';
import type { ContentScope } from '../../policies/scope.ts';
import type { Database, ObservationRow } from '../tables.ts';
import { nationalMetricFilter, teamIndicatorScopeFilter } from './scope-filter.ts';

/** Reads of the observation table that are not part of an import. */

/** How many of an organisation's observations the scope reads (a team's organisation-only indicators' values count only for those who may read them). */
export async function countObservationsOf(
  db: Kysely<Database>,
  orgCode: string,
  readScope: ContentScope,
): Promise<number> {
  const row = await db
    .selectFrom('observation')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('org_code', '=', orgCode)
    .where(teamIndicatorScopeFilter(readScope, 'observation.metric_id'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** One organisation's observations of one metric, in period order. */
export async function listSeriesObservations(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<ObservationRow[]> {
  return db
    .selectFrom('observation')
    .selectAll()
    .where('org_code', '=', orgCode)
    .where('metric_id', '=', metricId)
    .orderBy('period_start')
    .orderBy('granularity')
    .execute();
}

/** The national metrics an organisation holds observations of, with how many (teams' own indicators left out). */
export async function metricsHeldBy(
  db: Kysely<Database>,
  orgCode: string,
): Promise<{ id: string; name: string; observations: number }[]> {
  const result = await sql<{ id: string; name: string; observations: number }>`
    select m.id, m.name, count(*)::integer as observations from observation o join metric m on m.id = o.metric_id
    where o.org_code = ${orgCode} and ${nationalMetricFilter('m.id')} group by m.id, m.name order by m.id`.execute(
    db,
  );
  return result.rows;
}

/** The first organisation, by code, that holds observations of a metric; undefined when none does. */
export async function firstOrganisationHolding(
  db: Kysely<Database>,
  metricId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('observation')
    .select('org_code')
    .where('metric_id', '=', metricId)
    .orderBy('org_code')
    .limit(1)
    .executeTakeFirst();
  return row?.org_code;
}

/** organisationsHolding: the codes of the organisations that hold observations of a metric. */
export async function organisationsHolding(db: Kysely<Database>, metricId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('observation')
    .select('org_code')
    .distinct()
    .where('metric_id', '=', metricId)
    .execute();
  return new Set(rows.map((row) => row.org_code));
}

/** How many organisations hold observations of a metric. */
export async function countOrganisationsWithMetric(db: Kysely<Database>, metricId: string): Promise<number> {
  const result = await sql<{ count: number }>`
    select count(distinct org_code)::integer as count from observation where metric_id = ${metricId}`.execute(
    db,
  );
  return result.rows[0]?.count ?? 0;
}

/**
 * The quarter starts of Oversight Framework (`OF…`) data held, latest first, optionally for one
 * organisation. The range beside the `like` lets an index on the metric read only the `OF…` rows
 * (a `like` alone is read through an index only under the C collation).
 */
export async function nofQuarterStarts(db: Kysely<Database>, orgCode?: string): Promise<string[]> {
  const result = await sql<{ period_start: string }>`
    select distinct period_start::text as period_start from observation
    where metric_id like 'OF%' and metric_id >= 'OF' and metric_id < 'OG' and granularity = 'quarter'
      ${orgCode ? sql`and org_code = ${orgCode.toUpperCase()}` : sql``}
    order by period_start desc`.execute(db);
  return result.rows.map((row) => row.period_start);
}

export interface CoverageRow {
  org_code: string;
  org_name: string;
  reported: number;
  not_reported: number;
  first_period: string;
  last_period: string;
}

/** For a metric: each organisation holding it, with reported and other counts and its first and last period. */
export async function coverageByOrganisation(db: Kysely<Database>, metricId: string): Promise<CoverageRow[]> {
  const result = await sql<CoverageRow>`
    select o.org_code, coalesce(org.name, o.org_code) as org_name,
      count(*) filter (where o.status = 'reported')::integer as reported,
      count(*) filter (where o.status <> 'reported')::integer as not_reported,
      min(o.period_start)::text as first_period, max(o.period_start)::text as last_period
    from observation o left join organisation org on org.code = o.org_code
    where o.metric_id = ${metricId}
    group by o.org_code, org.name
    order by o.org_code`.execute(db);
  return result.rows;
}

/** A metric's first and last period and how many distinct periods hold it. */
export async function periodSpanOf(
  db: Kysely<Database>,
  metricId: string,
): Promise<{ first: string | null; last: string | null; count: number }> {
  const result = await sql<{ first: string | null; last: string | null; count: number }>`
    select min(period_start)::text as first, max(period_start)::text as last, count(distinct period_start)::integer as count
    from observation where metric_id = ${metricId}`.execute(db);
  return result.rows[0];
}

/** Every national metric with observations, and how many (teams' own indicators left out). */
export async function metricsWithObservations(
  db: Kysely<Database>,
): Promise<{ id: string; name: string; observations: number }[]> {
  const result = await sql<{ id: string; name: string; observations: number }>`
    select m.id, m.name, count(*)::integer as observations from observation o join metric m on m.id = o.metric_id
    where ${nationalMetricFilter('m.id')} group by m.id, m.name order by m.id`.execute(db);
  return result.rows;
}
