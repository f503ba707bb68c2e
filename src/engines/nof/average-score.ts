import { roundHalfUp } from '../stats/round-half-up.ts';
import type { ResolvedNofOptions } from './options.ts';
import type { DomainDefinition, DomainId, MetricScore } from './types.ts';

export interface AverageScore {
  /** Rounded to 2 d.p., as published; segments and ranks use this. */
  readonly average: number;
  readonly unrounded: number;
  /** Sum of the weights (the number of metrics, with the three infection metrics counting one third each). */
  readonly weightTotal: number;
  readonly metricCount: number;
}

/**
 * Weighted mean of metric scores, rounded half up to 2 d.p. (NOF 2025/26 methodology manual:
 * the sum of metric scores divided by the number of metrics with a non-zero score, rounded to
 * 2 d.p.; the three infection metrics weigh one third each). Missing, suppressed and
 * not-applicable metrics are simply absent. Returns null when there are no scores.
 *
 * @example
 * averageOfScores([{ score: 1.0, weight: 1 }, { score: 2.27, weight: 1 }]); // => { average: 1.64, unrounded: 1.635, … }
 */
export function averageOfScores(
  scores: readonly { readonly score: number; readonly weight: number }[],
): AverageScore | null {
  let weighted = 0;
  let weightTotal = 0;
  for (const { score, weight } of scores) {
    weighted += score * weight;
    weightTotal += weight;
  }
  if (scores.length === 0 || weightTotal <= 0) return null;
  const unrounded = weighted / weightTotal;
  return { average: roundHalfUp(unrounded, 2), unrounded, weightTotal, metricCount: scores.length };
}

/**
 * The scores that enter a trust's average, with their weights: combined finance in place of
 * the two finance scores unless finance is scored separately, and, with the `share-one` option,
 * the infection metrics present sharing a weight of one.
 */
export function scoresEnteringAverage(
  metricScores: readonly MetricScore[],
  options: Pick<ResolvedNofOptions, 'partialInfectionWeight'>,
): { readonly metricId: string; readonly score: number; readonly weight: number }[] {
  const entering = metricScores.filter((metric) => metric.entersAverage);
  const partial = entering.filter((metric) => metric.weight < 1);
  const sharedWeight =
    options.partialInfectionWeight === 'share-one' && partial.length > 0 ? 1 / partial.length : null;
  return entering.map((metric) => ({
    metricId: metric.metricId,
    score: metric.score,
    weight: sharedWeight !== null && metric.weight < 1 ? sharedWeight : metric.weight,
  }));
}

/**
 * Step 2: the average metric score of one trust. Verified on the 2025/26 mental health and
 * community data: the mean of the published scores, with combined finance in place of the two
 * finance scores, equals the published average (OF5002) to ±0.01 in all 244 trust-quarters.
 */
export function averageMetricScore(
  metricScores: readonly MetricScore[],
  options: Pick<ResolvedNofOptions, 'partialInfectionWeight'>,
): AverageScore | null {
  return averageOfScores(scoresEnteringAverage(metricScores, options));
}

/**
 * The five domain scores: each the average of that domain's scores that enter the overall
 * average (documented: computed the same way as the overall score, over the domain's metrics;
 * verified to ±0.01 on the 2025/26 data). Null where a trust has no score in the domain.
 */
export function domainScores(
  metricScores: readonly MetricScore[],
  domains: readonly DomainDefinition[],
  options: Pick<ResolvedNofOptions, 'partialInfectionWeight'>,
): Readonly<Record<DomainId, AverageScore | null>> {
  const entering = scoresEnteringAverage(metricScores, options);
  const domainOf = new Map(metricScores.map((metric) => [metric.metricId, metric.domain]));
  const result = {} as Record<DomainId, AverageScore | null>;
  for (const domain of domains) {
    result[domain.id] = averageOfScores(
      entering.filter((entry) => domainOf.get(entry.metricId) === domain.id),
    );
  }
  return result;
}
