import type { Kysely } from 'kysely';
import { rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { metricCoverage } from '../../../app/catalogue.ts';
import { type Distribution, distributionOf } from '../../../app/distribution.ts';
import {
  bestFirst,
  improvingOrganisationsOn,
  keptSignalsStamp,
  latestValuesOf,
  type MetricReadings,
  metricReadings,
} from '../../../app/metric-across.ts';
import { formatMetricValue, periodLabel } from '../../../app/spc-view.ts';
import { rateReadInsteadOf } from '../../../app/who-has-improved.ts';
import { escapeMarkup, renderIconSvg } from '../../../charts/index.ts';
import { hasBetterDirection, noBetterDirection } from '../../../domain/metric.ts';
import { variationIconLabels } from '../../../engines/spc/labels.ts';
import { competitionRanks } from '../../../engines/stats/competition-rank.ts';
import { findMetric, listMetrics } from '../../../store/repos/metric-repo.ts';
import type { Database, MetricRow } from '../../../store/tables.ts';
import { cell, type DataTable, nationalTableRows } from '../../data-table.ts';
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
    domains: domains.map((domain, index): { domain: string; headingId: string; table: DataTable } => ({
      domain,
      headingId: `domain-${index + 1}`,
      table: {
        id: `metrics-${index + 1}`,
        caption: `${domain} metrics`,
        captionHidden: true,
        fileName: `tend-metrics-${domain}`,
        columns: [
          { label: 'Metric', sort: true },
          { label: 'Id', sort: true },
          { label: 'Unit', sort: true },
          { label: 'Direction', sort: true },
          { label: 'Description', csvOnly: true },
          { label: 'Source publication', csvOnly: true },
        ],
        rows: (groups.get(domain) ?? [])
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((metric) => ({
            key: metric.id,
            cells: [
              cell(metric.name, { href: metricHref(metric.id) }),
              cell(metric.id),
              cell(metric.unit),
              cell(directionText(metric.direction)),
              cell(metric.description ?? ''),
              cell(metric.source_publication ?? ''),
            ],
          })),
      },
    })),
  };
}

/** A dot's own opacity on the strip. */
const dotOpacity = 0.45;

/**
 * Dots at the same position, to half a pixel, drawn as one (`stackedDots`): its opacity is what that
 * many dots of `dotOpacity` laid over one another show, 1 − 0.55ⁿ, so the strip looks as it would with
 * every dot drawn, while at the scale of GP practices (6,300 organisations) it holds at most one
 * circle per half pixel of its width rather than one per organisation. Positions in, circles' `cx` →
 * opacity out.
 */
export function stackedDots(positions: readonly number[]): Map<string, string> {
  const counts = new Map<number, number>();
  for (const position of positions) {
    const at = Math.round(position * 2) / 2;
    counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  const dots = new Map<string, string>();
  for (const [at, count] of [...counts].sort((a, b) => a[0] - b[0]))
    dots.set(at.toFixed(1), (1 - (1 - dotOpacity) ** count).toFixed(count === 1 ? 2 : 3));
  return dots;
}

/**
 * A dot strip: one dot per organisation's latest value on a shared axis, with the quartiles marked.
 * Server-rendered SVG with a title and description, for readers of the table beside it.
 */
export function renderDotStrip(
  values: readonly { value: number }[],
  distribution: Distribution,
  options: {
    id: string;
    title: string;
    description: string;
    format: (value: number) => string;
    /** Drawn 320 wide with 12 px text, for a phone (default 640 wide, 11 px text). */
    narrow?: boolean;
  },
): string {
  const width = options.narrow ? 320 : 640;
  const fontSize = options.narrow ? 12 : 11;
  const height = 72;
  const left = 16;
  const right = width - 16;
  const axisY = 36;
  const span = distribution.max - distribution.min;
  const x = (value: number) =>
    span === 0 ? (left + right) / 2 : left + ((value - distribution.min) / span) * (right - left);
  const round = (value: number) => value.toFixed(1);
  const dots = [...stackedDots(values.map((row) => x(row.value)))]
    .map(
      ([cx, opacity]) => `<circle cx="${cx}" cy="${axisY}" r="4" fill="#005eb8" fill-opacity="${opacity}"/>`,
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
        `<text x="${round(x(value as number))}" y="${axisY - 18}" text-anchor="middle" font-size="${fontSize}" fill="#212b32">${escapeMarkup(label as string)}</text>`,
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
    `<text x="${left}" y="${height - 6}" font-size="${fontSize}" fill="#4c6272">${escapeMarkup(options.format(distribution.min))}</text>` +
    `<text x="${right}" y="${height - 6}" text-anchor="end" font-size="${fontSize}" fill="#4c6272">${escapeMarkup(options.format(distribution.max))}</text>` +
    '</svg>'
  );
}

/**
 * Everything the metric page shows, or `null` when no metric has the id; remembered until the next
 * import or signal computation (who is improving is read from the kept signals).
 */
export async function presentMetric(db: Kysely<Database>, id: string): ReturnType<typeof buildMetricPage> {
  return rememberUntilNextImport(db, `metric-page|${id}|${await keptSignalsStamp(db)}`, () =>
    buildMetricPage(db, id),
  );
}

async function buildMetricPage(db: Kysely<Database>, id: string) {
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
    return {
      ...base,
      across: null,
      distribution: null,
      distributionTable: null,
      valuesTable: null,
      dotStripSvg: null,
      dotStripSvgNarrow: null,
    };
  const across = await metricReadings(db, metric.id);
  const label = (date: string | null) => (date ? periodLabel(date, across.granularity) : null);
  const latestPeriodLabel = label(across.latestPeriod);
  const values = latestValuesOf(across);
  const spread = distributionOf(values.map((row) => row.value));
  const distribution = spread && {
    count: spread.count,
    min: format(spread.min),
    lowerQuartile: format(spread.lowerQuartile),
    median: format(spread.median),
    upperQuartile: format(spread.upperQuartile),
    max: format(spread.max),
  };
  const dotStripSvg =
    spread &&
    renderDotStrip(values, spread, {
      id: 'distribution-strip',
      title: `${metric.name}, ${latestPeriodLabel}: one dot per organisation`,
      description: `${spread.count} organisations, from ${distribution?.min} to ${distribution?.max}; lower quartile ${distribution?.lowerQuartile}, median ${distribution?.median}, upper quartile ${distribution?.upperQuartile}.`,
      format,
    });
  /** The same strip drawn for a phone (text at least 12 px), shown there instead. */
  const dotStripSvgNarrow =
    spread &&
    renderDotStrip(values, spread, {
      id: 'distribution-strip-narrow',
      title: `${metric.name}, ${latestPeriodLabel}: one dot per organisation`,
      description: `${spread.count} organisations, from ${distribution?.min} to ${distribution?.max}; lower quartile ${distribution?.lowerQuartile}, median ${distribution?.median}, upper quartile ${distribution?.upperQuartile}.`,
      format,
      narrow: true,
    });
  const chartHref = (code: string) =>
    `/organisations/${encodeURIComponent(code)}/metrics/${encodeURIComponent(metric.id)}`;
  // A count with a rate in the catalogue is read through the rate: a count moves with activity.
  const readAsRate = await rateReadInsteadOf(db, metric.id);
  const improving = (readAsRate ? [] : await improvingOrganisationsOn(db, metric.id, null)).map(
    (reading) => ({
      code: reading.code,
      name: reading.name,
      latestValue: format(reading.latest?.value ?? Number.NaN),
      latestPeriod: label(reading.latest?.date ?? null) ?? '',
      href: chartHref(reading.code),
    }),
  );
  const trialOnly = across.organisations.filter((reading) => !reading.settledLimits).length;
  return {
    ...base,
    firstPeriod: label(base.firstPeriod),
    lastPeriod: label(base.lastPeriod),
    across: {
      latestPeriodLabel,
      improving,
      readAsRate: readAsRate ? { id: readAsRate.id, name: readAsRate.name } : null,
      organisationsCharted: across.organisations.length,
      trialOnly,
    },
    coverageTable: coverageTable(metric, coverage.organisations, across.granularity),
    distribution,
    distributionTable: distribution && distributionTable(metric, latestPeriodLabel ?? '', spread),
    valuesTable: valuesTable(metric, across, latestPeriodLabel ?? '', chartHref),
    dotStripSvg,
    dotStripSvgNarrow,
  };
}

/** Which organisations hold the metric, over which periods, and how many of their periods are gaps. */
function coverageTable(
  metric: MetricRow,
  organisations: Awaited<ReturnType<typeof metricCoverage>>['organisations'],
  granularity: string,
): DataTable {
  return {
    id: 'coverage-by-organisation',
    caption: `${metric.name}: periods held for each organisation`,
    pageRows: nationalTableRows,
    fileName: `tend-coverage-${metric.id}`,
    columns: [
      { label: 'Organisation', sort: 'ascending' },
      { label: 'ODS code', csvOnly: true },
      { label: 'First period', sort: true },
      { label: 'Last period', sort: true },
      { label: 'Values reported', numeric: true, sort: true },
      { label: 'Gaps (missing or suppressed)', numeric: true, sort: true },
    ],
    rows: [...organisations]
      .sort((a, b) => a.org_name.localeCompare(b.org_name))
      .map((row) => ({
        key: row.org_code,
        cells: [
          cell(row.org_name, {
            href: `/organisations/${encodeURIComponent(row.org_code)}/metrics/${encodeURIComponent(metric.id)}`,
          }),
          cell(row.org_code),
          cell(row.first_period ? periodLabel(row.first_period, granularity) : '', {
            sortValue: row.first_period ?? '',
            csv: row.first_period,
          }),
          cell(row.last_period ? periodLabel(row.last_period, granularity) : '', {
            sortValue: row.last_period ?? '',
            csv: row.last_period,
          }),
          cell(row.reported),
          cell(row.not_reported),
        ],
      })),
  };
}

/** The quartiles of the latest period as a one-row table. */
function distributionTable(metric: MetricRow, periodText: string, spread: Distribution | null): DataTable {
  const numbers = spread
    ? [spread.min, spread.lowerQuartile, spread.median, spread.upperQuartile, spread.max]
    : [];
  return {
    id: 'distribution',
    caption: `${metric.name}: distribution across organisations, ${periodText}`,
    rowHeaderColumn: null,
    fileName: `tend-distribution-${metric.id}`,
    columns: [
      ...['Lowest', 'Lower quartile', 'Median', 'Upper quartile', 'Highest'].map((label) => ({
        label,
        numeric: true,
      })),
      { label: 'Organisations', numeric: true },
    ],
    rows: spread
      ? [
          {
            cells: [
              ...numbers.map((value) => cell(formatMetricValue(value, metric), { csv: value })),
              cell(spread.count),
            ],
          },
        ]
      : [],
  };
}

/**
 * Every organisation's value for the latest period, ranked among ALL organisations reporting it
 * (1 is best; ties share a rank) — not among peers, which is what the chart page and the API's
 * `peer_rank` give — with the variation its chart shows: the distribution, organisation by organisation.
 */
function valuesTable(
  metric: MetricRow,
  across: MetricReadings,
  periodText: string,
  chartHref: (code: string) => string,
): DataTable {
  const values = latestValuesOf(across);
  // Ranks only where a direction is better: otherwise rows run highest first, unranked.
  const ranked = hasBetterDirection(metric.direction);
  const ranks = competitionRanks(values, bestFirst(metric.direction));
  const rows = values
    .map((row, index) => ({ ...row, rank: ranks[index] }))
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  const rankLabel = ranked ? 'Rank among all reporting (1 is best)' : 'Rank among all reporting';
  return {
    id: 'latest-values',
    caption: `${metric.name}: each organisation's value, ${periodText}`,
    pageRows: nationalTableRows,
    fileName: `tend-latest-values-${metric.id}`,
    rowHeaderColumn: 1,
    columns: [
      { label: rankLabel, numeric: true, sort: 'ascending' },
      { label: 'Organisation', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Value', numeric: true, sort: true },
      { label: 'Variation', sort: true },
    ],
    rows: rows.map((row) => {
      const icon = row.reading.variationIcon;
      return {
        key: row.code,
        cells: [
          ranked
            ? cell(row.rank, { sortValue: row.rank })
            : cell(noBetterDirection, { sortValue: row.rank, csv: null }),
          cell(row.name, { href: chartHref(row.code) }),
          cell(row.code),
          cell(formatMetricValue(row.value, metric), { sortValue: row.value, csv: row.value }),
          icon
            ? cell(variationIconLabels[icon], { svg: renderIconSvg({ type: 'variation', icon }, 24) })
            : cell('Too few points to read'),
        ],
      };
    }),
  };
}
