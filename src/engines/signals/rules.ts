import type { PointType } from '../spc/codes.ts';
import type { SpcSeriesResult } from '../spc/types.ts';

/**
 * The reading rules every list of signals shares — the home page's new concerns, a metric across
 * organisations, `/signals` — so that each says the same thing about the same chart.
 */

/**
 * Whether a chart's latest limits rest on enough points to act on: an XmR chart whose latest rebase
 * group has at least the engine's `minimumPointsWarning` (13) rows. Shorter series have trial limits;
 * their special causes are shown on their charts but never raised as signals.
 */
export function hasSettledLimits(series: Pick<SpcSeriesResult, 'groups'>): boolean {
  const lastGroup = series.groups.at(-1);
  return lastGroup !== undefined && lastGroup.chart === 'xmr' && !lastGroup.shortGroupWarning;
}

/**
 * A concern is new when the latest point is special-cause concern and the point before it was not:
 * the moment a conversation should start, not a verdict.
 */
export function isNewConcern(latest: PointType | null, previous: PointType | null): boolean {
  return latest === 'special_cause_concern' && previous !== 'special_cause_concern';
}

/** What `readsCurrent` needs of one organisation's series. */
export interface CurrentReading {
  readonly settledLimits: boolean;
  /** The date of the latest point with a value, if any. */
  readonly latestValueDate: string | null;
  /** The date of the series' last point, with or without a value. */
  readonly lastPointDate: string | null;
}

/**
 * Whether a series' latest signal counts in lists gathered across organisations: its chart has
 * settled limits, and the organisation still reports (a value for the metric's latest period).
 */
export function readsCurrent(reading: CurrentReading, latestPeriod: string | null): boolean {
  return (
    reading.settledLimits &&
    latestPeriod !== null &&
    reading.latestValueDate === latestPeriod &&
    reading.lastPointDate === latestPeriod
  );
}
