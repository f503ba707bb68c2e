import { type Kysely, sql } from 'kysely';
import type { Database, MetricRow, OrganisationRow } from '../store/tables.ts';
import { requireMetric, requireOrganisation } from './catalogue.ts';

/** One point of a series as the SPC engine takes it: a gap (missing, suppressed…) is a null value. */
export interface SeriesPoint {
  date: string;
  value: number | null;
}

/** The SPC engine's improvement direction for a metric's direction. */
export function improvementDirection(
  metric: Pick<MetricRow, 'direction'>,
): 'increase' | 'decrease' | 'neutral' {
  if (metric.direction === 'higher_is_better') return 'increase';
  if (metric.direction === 'lower_is_better') return 'decrease';
  return 'neutral';
}

/**
 * One organisation's series of a metric, oldest first, at the metric's most common granularity
 * (a series mixes no months with quarters).
 */
export async function loadSeries(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<{ organisation: OrganisationRow; metric: MetricRow; points: SeriesPoint[] }> {
  const organisation = await requireOrganisation(db, orgCode);
  const metric = await requireMetric(db, metricId);
  const rows = await sql<{ period_start: string; value: number | null; status: string; granularity: string }>`
    select period_start::text as period_start, value, status, granularity from observation
    where org_code = ${organisation.code} and metric_id = ${metric.id}
      and granularity = (select granularity from observation where org_code = ${organisation.code} and metric_id = ${metric.id}
                         group by granularity order by count(*) desc limit 1)
    order by period_start`.execute(db);
  return {
    organisation,
    metric,
    points: rows.rows.map((row) => ({
      date: row.period_start,
      value: row.status === 'reported' ? row.value : null,
    })),
  };
}

/** One organisation's series of a metric, with what places it among its peers. */
export interface OrganisationSeries {
  name: string;
  /** The organisation's kind ("trust", "icb"…), `null` when the register does not hold it. */
  kind: string | null;
  /** Its NHS Oversight Framework trust type, where it has one. */
  trustType: string | null;
  points: SeriesPoint[];
}

/** Every organisation's series of a metric, keyed by organisation code (in code order). */
export async function loadSeriesForAll(
  db: Kysely<Database>,
  metricId: string,
): Promise<{ metric: MetricRow; granularity: string | null; series: Map<string, OrganisationSeries> }> {
  const metric = await requireMetric(db, metricId);
  const granularity =
    (
      await sql<{ granularity: string }>`
        select granularity from observation where metric_id = ${metric.id}
        group by granularity order by count(*) desc, granularity limit 1`.execute(db)
    ).rows[0]?.granularity ?? null;
  const rows = await sql<{
    org_code: string;
    name: string | null;
    kind: string | null;
    nof_trust_type: string | null;
    period_start: string;
    value: number | null;
    status: string;
  }>`
    select o.org_code, org.name, org.kind, org.nof_trust_type, o.period_start::text as period_start, o.value, o.status
    from observation o left join organisation org on org.code = o.org_code
    where o.metric_id = ${metric.id}
      and o.granularity = ${granularity}
    order by o.org_code, o.period_start`.execute(db);
  const series = new Map<string, OrganisationSeries>();
  for (const row of rows.rows) {
    let entry = series.get(row.org_code);
    if (!entry) {
      entry = {
        name: row.name ?? row.org_code,
        kind: row.kind,
        trustType: row.nof_trust_type,
        points: [],
      };
      series.set(row.org_code, entry);
    }
    entry.points.push({ date: row.period_start, value: row.status === 'reported' ? row.value : null });
  }
  return { metric, granularity, series };
}
