import type { Kysely } from 'kysely';
import { dominantGranularityOf, metricSeriesRows, seriesRows } from '../store/repos/series-repo.ts';
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
  const rows = await seriesRows(db, organisation.code, metric.id);
  return {
    organisation,
    metric,
    points: rows.map((row) => ({
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
  const granularity = await dominantGranularityOf(db, metric.id);
  const rows = await metricSeriesRows(db, metric.id, granularity);
  const series = new Map<string, OrganisationSeries>();
  for (const row of rows) {
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
