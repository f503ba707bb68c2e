import type { SpcAnnotation } from '../../charts/spc-chart.ts';
import { renderSpcChart } from '../../charts/spc-chart.ts';
import { escapeMarkup } from '../../charts/svg.ts';
import { describeSpc } from '../../engines/spc/describe-spc.ts';
import type { ImprovementDirection } from '../../engines/spc/options.ts';
import type { SpcRebase, SpcSeriesResult } from '../../engines/spc/types.ts';

/** What `tend spc` prints, in every mode (a CSV, a conformance case, series from the store). */

/** Output formats of `tend spc`. */
export type SpcOutputFormat = 'json' | 'csv' | 'svg';

/** Options of `tend spc`, as commander parses them. */
export interface SpcCommandOptions {
  readonly case?: readonly string[];
  readonly value?: string;
  readonly date?: string;
  readonly facet?: string;
  readonly direction: ImprovementDirection;
  readonly target?: number;
  readonly rebase: readonly SpcRebase[];
  readonly fixAfter?: number;
  readonly format: SpcOutputFormat;
  readonly unit?: string;
  readonly annotate: readonly SpcAnnotation[];
  readonly org?: string;
  readonly metric?: string;
  readonly all?: boolean;
}

/** What to print for a set of series results. */
export interface SpcOutputOptions {
  readonly metricName?: string;
  readonly unit?: string;
  readonly annotations?: readonly SpcAnnotation[];
}

/**
 * Formats SPC results for output: `json` (every series with its points, groups, icons, summary,
 * reading and warnings), `csv` (one row per point) or `svg` (the charts, stacked).
 */
export function formatSpcOutput(
  series: readonly SpcSeriesResult[],
  format: SpcOutputFormat,
  options: SpcOutputOptions = {},
): string {
  if (format === 'csv') return spcCsv(series);
  if (format === 'svg') return spcSvg(series, options);
  return `${JSON.stringify({ series: series.map((item) => spcJson(item, options)) }, null, 2)}\n`;
}

function spcJson(series: SpcSeriesResult, options: SpcOutputOptions) {
  const description = describeSpc(series, { metricName: options.metricName, unit: options.unit });
  return {
    facet: series.facet,
    improvementDirection: series.improvementDirection,
    variationIcon: series.variationIcon,
    assuranceIcon: series.assuranceIcon,
    description: { variation: description.variation, assurance: description.assurance },
    summary: series.summary,
    groups: series.groups,
    points: series.dates.map((date, index) => {
      const group = series.groups[series.groupIndex[index]];
      return {
        date,
        value: series.values[index],
        rebaseGroup: group.index,
        centreLine: group.centreLine,
        lowerProcessLimit: group.lowerProcessLimit,
        upperProcessLimit: group.upperProcessLimit,
        target: series.targets[index],
        specialCause: series.specialCause[index],
        pointType: series.pointType[index],
      };
    }),
    warnings: series.warnings,
  };
}

const csvHeader = [
  'facet',
  'date',
  'value',
  'rebase_group',
  'centre_line',
  'lower_process_limit',
  'upper_process_limit',
  'lower_two_sigma',
  'upper_two_sigma',
  'lower_one_sigma',
  'upper_one_sigma',
  'target',
  'special_cause',
  'point_type',
];

function spcCsv(series: readonly SpcSeriesResult[]): string {
  const lines = [csvHeader.join(',')];
  for (const item of series) {
    item.dates.forEach((date, index) => {
      const group = item.groups[item.groupIndex[index]];
      lines.push(
        [
          item.facet ?? '',
          date,
          item.values[index],
          group.index,
          group.centreLine,
          group.lowerProcessLimit,
          group.upperProcessLimit,
          group.lowerTwoSigma,
          group.upperTwoSigma,
          group.lowerOneSigma,
          group.upperOneSigma,
          item.targets[index],
          item.specialCause[index],
          item.pointType[index],
        ]
          .map(csvCell)
          .join(','),
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(cell: string | number | null): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function spcSvg(series: readonly SpcSeriesResult[], options: SpcOutputOptions): string {
  const charts = series.map((item, index) =>
    renderSpcChart(item, {
      id: `spc-chart-${index + 1}`,
      metricName: options.metricName,
      unit: options.unit,
      annotations: options.annotations,
    }),
  );
  if (charts.length === 1) return `${charts[0]}\n`;
  const height = 400;
  const total = Math.max(1, charts.length) * height;
  const stacked = charts
    .map((chart, index) => `<g transform="translate(0 ${index * height})">${chart}</g>`)
    .join('');
  const title = escapeMarkup(`${options.metricName ?? 'SPC'} charts for ${charts.length} series`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${total}" viewBox="0 0 760 ${total}" role="group" aria-label="${title}"><title>${title}</title>${stacked}</svg>\n`;
}
