import { isFlatOrAllZero, reachesZeroInOneStep } from './data-quality.ts';

/** Why a series' improvement is not counted, or null when it is. */
export type ImprovementExclusion = 'no_improvement' | 'trial_limits' | 'flat_or_all_zero' | 'drop_to_zero';

/** What the rule reads of one organisation's charted series. */
export interface ImprovementReading {
  /** Whether the chart's latest point is special-cause improvement. */
  readonly improving: boolean;
  /** Whether its limits are settled (enough points), not trial limits. */
  readonly settledLimits: boolean;
  /** The series' values, in date order (missing values left out). */
  readonly values: readonly number[];
}

/**
 * Whether a series counts as having improved, for "who has improved" wherever it is listed: its
 * chart shows special-cause improvement on settled limits, and the data rules raise no question —
 * never a flat or all-zero series (nothing varies, so nothing improved) and never a series that
 * reached zero in one step after a sustained run (a stopped return or changed definition is a
 * question about the data, not an improvement). Returns null when it counts, else the reason it
 * does not, checked in that order.
 *
 * @example
 * improvementExclusion({ improving: true, settledLimits: true, values: [649, 445, 485, 617, 692, 503, 0] }); // => 'drop_to_zero'
 */
export function improvementExclusion(reading: ImprovementReading): ImprovementExclusion | null {
  if (!reading.improving) return 'no_improvement';
  if (!reading.settledLimits) return 'trial_limits';
  if (isFlatOrAllZero(reading.values)) return 'flat_or_all_zero';
  if (reachesZeroInOneStep(reading.values)) return 'drop_to_zero';
  return null;
}

/** The reasons in plain English, for pages that say why an organisation is not listed. */
export const improvementExclusionText: Readonly<Record<ImprovementExclusion, string>> = {
  no_improvement: 'its chart shows no special-cause improvement at its latest point',
  trial_limits: 'its chart has too few points for settled limits (trial limits only)',
  flat_or_all_zero: 'its series does not vary (every value the same, or all zero)',
  drop_to_zero: 'its series fell to zero in one step, which is a question about the data, not an improvement',
};
