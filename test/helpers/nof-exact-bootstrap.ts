/**
 * The exact bootstrap distribution of a mean, for checking the NOF engine's Monte Carlo
 * bootstrap: resampling `n` scores with replacement and averaging gives a distribution that can
 * be computed outright by convolving the scores' distribution with itself `n` times. Scores are
 * placed on a 0.001 grid (an error of at most 0.0005 in any mean).
 */
export interface ExactMeanDistribution {
  /** Probability that the resampled mean is at most `value`. */
  atMost(value: number): number;
  /** Probability that the resampled mean is at least `value`. */
  atLeast(value: number): number;
}

export function exactBootstrapMean(scores: readonly number[]): ExactMeanDistribution {
  const count = scores.length;
  const units = scores.map((score) => Math.round(score * 1000));
  const weights = new Map<number, number>();
  for (const unit of units) weights.set(unit, (weights.get(unit) ?? 0) + 1 / count);
  let distribution = new Map<number, number>([[0, 1]]);
  for (let draw = 0; draw < count; draw++) {
    const next = new Map<number, number>();
    for (const [sum, probability] of distribution) {
      for (const [unit, weight] of weights)
        next.set(sum + unit, (next.get(sum + unit) ?? 0) + probability * weight);
    }
    distribution = next;
  }
  const entries = [...distribution].map(([sum, probability]) => ({ mean: sum / count / 1000, probability }));
  return {
    atMost: (value) =>
      entries
        .filter((entry) => entry.mean <= value + 1e-9)
        .reduce((total, entry) => total + entry.probability, 0),
    atLeast: (value) =>
      entries
        .filter((entry) => entry.mean >= value - 1e-9)
        .reduce((total, entry) => total + entry.probability, 0),
  };
}
