import type { SpcSeriesResult } from './types.ts';

/**
 * Whether a chart's latest limits are trial limits: its latest rebase group is an XmR chart with
 * fewer rows than the settled minimum (`minimumPointsWarning`, 13 by default; Making Data Count
 * asks for at least 12 to 15 points before limits are read). Such a chart may be drawn, its limits
 * labelled as trial limits, but gives no variation or assurance verdict: no icon in a list,
 * scorecard or reading.
 */
export function onTrialLimits(series: Pick<SpcSeriesResult, 'groups'>): boolean {
  const latest = series.groups.at(-1);
  return latest !== undefined && latest.chart === 'xmr' && latest.shortGroupWarning;
}

/**
 * The series with no verdict while its limits are trial limits: the variation and assurance icons
 * (and the summary's) removed; points, limits and each point's type kept for the chart itself.
 * Returns the series unchanged when its limits are settled.
 *
 * @example
 * withoutTrialVerdict(fourQuarters).variationIcon; // => null
 */
export function withoutTrialVerdict(series: SpcSeriesResult): SpcSeriesResult {
  if (!onTrialLimits(series)) return series;
  return {
    ...series,
    variationIcon: null,
    assuranceIcon: null,
    summary: { ...series.summary, variationIcon: null, assuranceIcon: null },
  };
}
