import type { Kysely } from 'kysely';
import { onTrialLimits } from '../../engines/spc/trial-limits.ts';
import { AppError } from '../../errors.ts';
import { reviewOfferMetricIds } from '../../store/repos/follow-up-repo.ts';
import type { Database } from '../../store/tables.ts';
import { improvementDirection, loadSeries, type SeriesPoint } from '../series.ts';
import { spcForSeries } from '../spc-view.ts';

/** What the chart shows since a claimed change: the reading and its sentence. */
export interface ChangeClaimReading {
  readonly metricId: string;
  readonly metricName: string;
  readonly since: string;
  readonly verdict: 'improvement' | 'no_change' | 'no_points_yet' | 'trial_limits' | 'no_direction';
  readonly sentence: string;
  /** Points on or after the change date. */
  readonly pointsSince: number;
  readonly href: string;
}

/** Points before the change that settle the limits (Making Data Count asks for 12 or more). */
export const settledBaselinePoints = 12;

/**
 * Reads a series for a claimed change (`readChangeOnSeries`): the limits are fixed on the points
 * before `since` (the baseline), and the points on or after it are read against them — any point of
 * special-cause improvement (a point beyond the limits, a shift, a trend, two of three near a limit,
 * on the improvement side) counts. With fewer than 12 baseline points the limits are trial limits
 * and there is no verdict; a metric with no better direction has none either.
 */
export function readChangeOnSeries(
  points: readonly SeriesPoint[],
  direction: 'increase' | 'decrease' | 'neutral',
  since: string,
): Pick<ChangeClaimReading, 'verdict' | 'pointsSince'> {
  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const baseline = sorted.filter((point) => point.date < since).length;
  const pointsSince = sorted.length - baseline;
  if (direction === 'neutral') return { verdict: 'no_direction', pointsSince };
  if (pointsSince === 0) return { verdict: 'no_points_yet', pointsSince };
  if (baseline < settledBaselinePoints) return { verdict: 'trial_limits', pointsSince };
  const series = spcForSeries(sorted, { improvementDirection: direction, fixAfterPoints: baseline });
  if (onTrialLimits(series)) return { verdict: 'trial_limits', pointsSince };
  const improved = series.pointType.some(
    (type, index) => index >= baseline && type === 'special_cause_improvement',
  );
  return { verdict: improved ? 'improvement' : 'no_change', pointsSince };
}

function sentenceFor(verdict: ChangeClaimReading['verdict'], since: string, metricName: string): string {
  switch (verdict) {
    case 'improvement':
      return `The chart of ${metricName} shows special-cause improvement since ${since}.`;
    case 'no_change':
      return `The chart of ${metricName} shows no change yet since ${since}: only common-cause variation against the limits before it.`;
    case 'no_points_yet':
      return `The chart of ${metricName} has no points since ${since} yet.`;
    case 'trial_limits':
      return `The chart of ${metricName} has too few points before ${since} to settle its limits (trial limits), so it gives no verdict yet.`;
    case 'no_direction':
      return `${metricName} has no better direction, so the chart gives no verdict on improvement.`;
  }
}

/**
 * What the charts show since a follow-up's claimed change (`changeClaimReadings`): one reading per
 * metric the action is linked to — its own offer's metric, or else the metrics of the review's
 * offers of help. Empty when no change was claimed.
 */
export async function changeClaimReadings(
  db: Kysely<Database>,
  followUp: {
    review_id: number | null;
    action_offer_id: number | null;
    org_code: string;
    change_made_on: string | null;
  },
): Promise<ChangeClaimReading[]> {
  const since = followUp.change_made_on;
  if (!since) return [];
  // A peer review's action has no offers of help, so no metrics to read a change on.
  if (followUp.review_id === null) return [];
  const metricIds = await reviewOfferMetricIds(db, followUp.review_id, followUp.action_offer_id);
  const readings: ChangeClaimReading[] = [];
  for (const metricId of metricIds) {
    let series: Awaited<ReturnType<typeof loadSeries>>;
    try {
      series = await loadSeries(db, followUp.org_code, metricId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') continue;
      throw error;
    }
    const reading = readChangeOnSeries(series.points, improvementDirection(series.metric), since);
    readings.push({
      metricId,
      metricName: series.metric.name,
      since,
      ...reading,
      sentence: sentenceFor(reading.verdict, since, series.metric.name),
      href: `/organisations/${encodeURIComponent(followUp.org_code)}/metrics/${encodeURIComponent(metricId)}`,
    });
  }
  return readings;
}
