import type { Kysely } from 'kysely';
import { financialQuarterLabel, yearLabel } from '../domain/period.ts';
import { computeSpc } from '../engines/spc/compute-spc.ts';
import { describeSpc, type SpcDescription } from '../engines/spc/describe-spc.ts';
import { formatValue } from '../engines/spc/format-value.ts';
import { assuranceIconLabels, variationIconLabels } from '../engines/spc/labels.ts';
import type { SpcOptions } from '../engines/spc/options.ts';
import { withoutTrialVerdict } from '../engines/spc/trial-limits.ts';
import type { SpcPointInput, SpcRebase, SpcSeriesResult } from '../engines/spc/types.ts';
import { rebasesOfOrganisation, seriesRebases } from '../store/repos/annotation-repo.ts';
import { metricsByIds } from '../store/repos/metric-repo.ts';
import { organisationSeriesRows } from '../store/repos/series-repo.ts';
import { teamIndicatorTarget } from '../store/repos/team-repo.ts';
import type { Database, MetricRow, OrganisationRow } from '../store/tables.ts';
import { improvementDirection, loadSeries, type SeriesPoint } from './series.ts';

export type { SpcDescription, SpcSeriesResult };

/** The unit to show beside a metric's values: none for plain counts. */
export function displayUnit(metric: Pick<MetricRow, 'unit'>): string | undefined {
  return ['', 'count', 'score', 'segment', 'flag'].includes(metric.unit) ? undefined : metric.unit;
}

/** A value formatted for reading, with its metric's unit. */
export function formatMetricValue(value: number | null, metric: Pick<MetricRow, 'unit'>): string {
  return value === null ? 'No value' : formatValue(value, displayUnit(metric));
}

const monthNames = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
/** Month labels already formatted, by their first day. */
const monthLabels = new Map<string, string>();

/**
 * A period in words, by its granularity: "Q4 2025/26" for a quarter, "June 2025" for a month, "2024"
 * or "2025/26" for a calendar or financial year, else the date.
 */
export function periodLabel(start: string, granularity: string): string {
  if (granularity === 'quarter') return financialQuarterLabel(start);
  if (granularity === 'month') {
    // Formatting a date takes microseconds, and a national table asks for the same months thousands of times.
    let label = monthLabels.get(start);
    if (label === undefined) {
      label = monthNames.format(new Date(`${start}T00:00:00Z`));
      if (monthLabels.size >= 4096) monthLabels.clear();
      monthLabels.set(start, label);
    }
    return label;
  }
  if (granularity === 'year') return yearLabel(start);
  return start;
}

/** Options for one series: the engine options plus the series' own facet, target and rebases. */
export interface SpcForSeriesOptions extends SpcOptions {
  readonly facet?: string | null;
  readonly target?: number | null;
  readonly rebase?: readonly SpcRebase[];
}

/**
 * SPC for one series: the unit of work of every `tend spc` mode (a CSV facet, a stored
 * organisation × metric). Returns the series' result; its `warnings` carry any data conditions.
 *
 * @example
 * spcForSeries([{ date: '2024-01-01', value: 93.1 }, …], { improvementDirection: 'increase', target: 95 });
 */
export function spcForSeries(
  points: readonly SpcPointInput[],
  options: SpcForSeriesOptions = {},
): SpcSeriesResult {
  const { facet = null, target = null, rebase = [], ...spcOptions } = options;
  return computeSpc([{ facet, points, target, rebase }], spcOptions).series[0];
}

/** The SPC result of one series, with the metric's improvement direction and the series' stored rebases. */
export function spcOfPoints(
  points: readonly SeriesPoint[],
  metric: MetricRow,
  facet: string,
  rebase: readonly SpcRebase[] = [],
  target: number | null = null,
): SpcSeriesResult {
  // Stored series feed lists, scorecards and readings: no verdict while the limits are trial limits.
  return withoutTrialVerdict(
    spcForSeries(points, { improvementDirection: improvementDirection(metric), facet, rebase, target }),
  );
}

export interface StoredSpc {
  organisation: OrganisationRow;
  metric: MetricRow;
  points: SeriesPoint[];
  series: SpcSeriesResult;
  reading: SpcDescription;
  unit: string | undefined;
  variationLabel: string | null;
  assuranceLabel: string | null;
}

/** One organisation's series of a metric from the store, charted: SPC result, reading and icon labels. */
export async function storedSpc(db: Kysely<Database>, orgCode: string, metricId: string): Promise<StoredSpc> {
  const { organisation, metric, points } = await loadSeries(db, orgCode, metricId);
  const rebases = await seriesRebases(db, organisation.code, metric.id);
  // A team's own indicator may have a target: its chart draws it and reads the assurance icon.
  const target = await teamIndicatorTarget(db, metric.id);
  const series = spcOfPoints(points, metric, `${organisation.code} ${organisation.name}`, rebases, target);
  const unit = displayUnit(metric);
  return {
    organisation,
    metric,
    points,
    series,
    reading: describeSpc(series, { metricName: metric.name, unit }),
    unit,
    variationLabel: series.variationIcon ? variationIconLabels[series.variationIcon] : null,
    assuranceLabel: series.assuranceIcon ? assuranceIconLabels[series.assuranceIcon] : null,
  };
}

/** One row of an organisation's scorecard: a metric it holds, its latest value and SPC icons. */
export interface ScorecardRow {
  metric: MetricRow;
  points: number;
  latestDate: string | null;
  /** The latest period in words: "Q4 2025/26", "June 2025". */
  latestPeriod: string | null;
  latestValue: string;
  /** The latest value as a number, for sorting and downloads. */
  latestNumber: number | null;
  variationIcon: SpcSeriesResult['variationIcon'];
  variationLabel: string | null;
  assuranceIcon: SpcSeriesResult['assuranceIcon'];
  assuranceLabel: string | null;
}

/**
 * Every metric an organisation holds, in metric id order, with its latest value and SPC icons; or
 * only the metrics `only` names (a system page's key metrics for each member), so that a page
 * listing many members charts only what it shows.
 */
export async function organisationScorecard(
  db: Kysely<Database>,
  orgCode: string,
  only?: readonly string[],
): Promise<ScorecardRow[]> {
  const code = orgCode.toUpperCase();
  const rows = { rows: await organisationSeriesRows(db, code, only) };
  if (rows.rows.length === 0) return [];
  const metrics = new Map(
    (await metricsByIds(db, [...new Set(rows.rows.map((row) => row.metric_id))])).map((metric) => [
      metric.id,
      metric,
    ]),
  );
  const rebases = await rebasesOfOrganisation(db, code);
  const byMetric = new Map<string, SeriesPoint[]>();
  const granularities = new Map<string, string>();
  for (const row of rows.rows) {
    granularities.set(row.metric_id, row.granularity);
    const points = byMetric.get(row.metric_id) ?? [];
    points.push({ date: row.period_start, value: row.status === 'reported' ? row.value : null });
    byMetric.set(row.metric_id, points);
  }
  const scorecard: ScorecardRow[] = [];
  for (const [metricId, points] of byMetric) {
    const metric = metrics.get(metricId);
    if (!metric || (only && !only.includes(metricId))) continue;
    const series = spcOfPoints(points, metric, code, rebases.get(metricId));
    const latest = [...points].reverse().find((point) => point.value !== null) ?? null;
    scorecard.push({
      metric,
      points: points.length,
      latestDate: latest?.date ?? null,
      latestPeriod: latest ? periodLabel(latest.date, granularities.get(metricId) ?? '') : null,
      latestValue: formatMetricValue(latest?.value ?? null, metric),
      latestNumber: latest?.value ?? null,
      variationIcon: series.variationIcon,
      variationLabel: series.variationIcon ? variationIconLabels[series.variationIcon] : null,
      assuranceIcon: series.assuranceIcon,
      assuranceLabel: series.assuranceIcon ? assuranceIconLabels[series.assuranceIcon] : null,
    });
  }
  return scorecard;
}
