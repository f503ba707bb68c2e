import { type Kysely, sql } from 'kysely';
import { latestBatchId } from '../../../app/assessment-cache.ts';
import { metricCoverage } from '../../../app/catalogue.ts';
import { type Distribution, distributionOf } from '../../../app/distribution.ts';
import { loadSeriesForAll } from '../../../app/series.ts';
import { formatMetricValue, periodLabel, spcOfPoints } from '../../../app/spc-view.ts';
import { escapeMarkup } from '../../../charts/index.ts';
import { findMetric, listMetrics } from '../../../store/repos/metric-repo.ts';
import type { Database, MetricRow } from '../../../store/tables.ts';
import { metricIdPattern } from '../organisations/present.ts';

const directionWords: Record<string, string> = {
  higher_is_better: 'Higher is better',
  lower_is_better: 'Lower is better',
  neutral: 'Neither higher nor lower is better',
};

/** A metric's direction in words. */
export function directionText(direction: string): string {
  return directionWords[direction] ?? direction;
}

/** The link to a metric's page. */
export function metricHref(id: string): string {
  return `/metrics/${encodeURIComponent(id)}`;
}

/** The catalogue grouped by domain (domains in name order, "Other" last), metrics in id order. */
export async function presentMetricList(db: Kysely<Database>) {
  const groups = new Map<string, MetricRow[]>();
  for (const metric of await listMetrics(db)) {
    const domain = metric.domain?.trim() || 'Other';
    groups.set(domain, [...(groups.get(domain) ?? []), metric]);
  }
  const domains = [...groups.keys()].sort((a, b) =>
    a === 'Other' ? 1 : b === 'Other' ? -1 : a.localeCompare(b),
  );
  return {
    count: [...groups.values()].reduce((total, metrics) => total + metrics.length, 0),
    domains: domains.map((domain) => ({
      domain,
      metrics: (groups.get(domain) ?? [])
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((metric) => ({
          ...metric,
          directionText: directionText(metric.direction),
          href: metricHref(metric.id),
        })),
    })),
  };
}

/** The latest period's spread and the organisations improving by special cause, for one metric. */
interface MetricAcrossOrganisations {
  granularity: string;
  latestPeriod: string | null;
  latestPeriodLabel: string | null;
  values: { code: string; name: string; value: number }[];
  distribution: Distribution | null;
  improving: { code: string; name: string; latestValue: string; latestPeriod: string; href: string }[];
  organisationsCharted: number;
}

/**
 * Every organisation's series of a metric charted: the distribution of the latest period's values,
 * and which organisations' latest point is special-cause improvement. Loading and charting about 200
 * organisations' series takes 150–300 ms on PGlite, so the result is kept per metric until the next import.
 */
async function acrossOrganisations(
  db: Kysely<Database>,
  metricId: string,
): Promise<MetricAcrossOrganisations> {
  const { metric, series } = await loadSeriesForAll(db, metricId);
  const granularity = (
    await sql<{ granularity: string }>`
      select granularity from observation where metric_id = ${metric.id}
      group by granularity order by count(*) desc limit 1`.execute(db)
  ).rows[0]?.granularity;
  let latestPeriod: string | null = null;
  for (const entry of series.values())
    for (const point of entry.points)
      if (point.value !== null && (latestPeriod === null || point.date > latestPeriod))
        latestPeriod = point.date;
  const values: MetricAcrossOrganisations['values'] = [];
  const improving: MetricAcrossOrganisations['improving'] = [];
  for (const [code, entry] of series) {
    const atLatest = entry.points.find((point) => point.date === latestPeriod);
    if (atLatest && atLatest.value !== null) values.push({ code, name: entry.name, value: atLatest.value });
    const result = spcOfPoints(entry.points, metric, code);
    if (result.summary.latestPointType === 'special_cause_improvement' && result.summary.latestDate) {
      improving.push({
        code,
        name: entry.name,
        latestValue: formatMetricValue(result.summary.latestValue, metric),
        latestPeriod: periodLabel(result.summary.latestDate, granularity ?? ''),
        href: `/organisations/${encodeURIComponent(code)}/metrics/${encodeURIComponent(metric.id)}`,
      });
    }
  }
  improving.sort((a, b) => a.name.localeCompare(b.name));
  return {
    granularity: granularity ?? '',
    latestPeriod,
    latestPeriodLabel: latestPeriod ? periodLabel(latestPeriod, granularity ?? '') : null,
    values,
    distribution: distributionOf(values.map((row) => row.value)),
    improving,
    organisationsCharted: series.size,
  };
}

const maxEntries = 32;
const caches = new WeakMap<object, Map<string, Promise<MetricAcrossOrganisations>>>();

/** `acrossOrganisations`, remembered per metric until the next import. */
async function cachedAcrossOrganisations(db: Kysely<Database>, metricId: string) {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const key = `${await latestBatchId(db)}|${metricId}`;
  const held = cache.get(key);
  if (held) return held;
  const pending = acrossOrganisations(db, metricId);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  return pending;
}

/**
 * A dot strip: one dot per organisation's latest value on a shared axis, with the quartiles marked.
 * Server-rendered SVG with a title and description, for readers of the table beside it.
 */
export function renderDotStrip(
  values: readonly { value: number }[],
  distribution: Distribution,
  options: { id: string; title: string; description: string; format: (value: number) => string },
): string {
  const width = 640;
  const height = 72;
  const left = 16;
  const right = width - 16;
  const axisY = 36;
  const span = distribution.max - distribution.min;
  const x = (value: number) =>
    span === 0 ? (left + right) / 2 : left + ((value - distribution.min) / span) * (right - left);
  const round = (value: number) => value.toFixed(1);
  const dots = values
    .map(
      (row) => `<circle cx="${round(x(row.value))}" cy="${axisY}" r="4" fill="#005eb8" fill-opacity="0.45"/>`,
    )
    .join('');
  const marks = [
    [distribution.lowerQuartile, 'LQ'],
    [distribution.median, 'Median'],
    [distribution.upperQuartile, 'UQ'],
  ]
    .map(
      ([value, label]) =>
        `<line x1="${round(x(value as number))}" x2="${round(x(value as number))}" y1="${axisY - 14}" y2="${axisY + 14}" stroke="#212b32" stroke-width="2"/>` +
        `<text x="${round(x(value as number))}" y="${axisY - 18}" text-anchor="middle" font-size="11" fill="#212b32">${escapeMarkup(label as string)}</text>`,
    )
    .join('');
  const titleId = `${options.id}-title`;
  const descId = `${options.id}-desc`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${options.id}" class="tend-dot-strip" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId} ${descId}">` +
    `<title id="${titleId}">${escapeMarkup(options.title)}</title>` +
    `<desc id="${descId}">${escapeMarkup(options.description)}</desc>` +
    `<line x1="${left}" x2="${right}" y1="${axisY}" y2="${axisY}" stroke="#768692"/>` +
    dots +
    marks +
    `<text x="${left}" y="${height - 6}" font-size="11" fill="#4c6272">${escapeMarkup(options.format(distribution.min))}</text>` +
    `<text x="${right}" y="${height - 6}" text-anchor="end" font-size="11" fill="#4c6272">${escapeMarkup(options.format(distribution.max))}</text>` +
    '</svg>'
  );
}

/** Everything the metric page shows, or `null` when no metric has the id. */
export async function presentMetric(db: Kysely<Database>, id: string) {
  if (!metricIdPattern.test(id)) return null;
  const found = await findMetric(db, id);
  if (!found) return null;
  const coverage = await metricCoverage(db, found.id);
  const metric = coverage.metric;
  const format = (value: number) => formatMetricValue(value, metric);
  const base = {
    metric,
    directionText: directionText(metric.direction),
    organisationCount: coverage.organisations.length,
    firstPeriod: coverage.periods.first,
    lastPeriod: coverage.periods.last,
    periodCount: coverage.periods.count,
    metricsWithData: coverage.metricsWithData.map((row) => ({ ...row, href: metricHref(row.id) })),
  };
  if (coverage.organisations.length === 0)
    return { ...base, across: null, distribution: null, dotStripSvg: null };
  const across = await cachedAcrossOrganisations(db, metric.id);
  const label = (date: string | null) => (date ? periodLabel(date, across.granularity) : null);
  const distribution = across.distribution && {
    count: across.distribution.count,
    min: format(across.distribution.min),
    lowerQuartile: format(across.distribution.lowerQuartile),
    median: format(across.distribution.median),
    upperQuartile: format(across.distribution.upperQuartile),
    max: format(across.distribution.max),
  };
  const dotStripSvg =
    across.distribution &&
    renderDotStrip(across.values, across.distribution, {
      id: 'distribution-strip',
      title: `${metric.name}, ${across.latestPeriodLabel}: one dot per organisation`,
      description: `${across.distribution.count} organisations, from ${distribution?.min} to ${distribution?.max}; lower quartile ${distribution?.lowerQuartile}, median ${distribution?.median}, upper quartile ${distribution?.upperQuartile}.`,
      format,
    });
  return {
    ...base,
    firstPeriod: label(base.firstPeriod),
    lastPeriod: label(base.lastPeriod),
    across,
    distribution,
    dotStripSvg,
  };
}
