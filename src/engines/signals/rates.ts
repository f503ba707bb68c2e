/** What the rate rule needs of a metric's definition. */
export interface RateRuleMetric {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  readonly numerator_definition: string | null;
  readonly denominator_definition: string | null;
}

function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.]$/, '');
}

/**
 * Counts that are read through a rate: a metric with unit `count` whose name is the numerator
 * definition of a rate (a metric with both a numerator and a denominator definition). Signals read
 * the rate — a count rises with activity, a rate does not — so the count raises only questions
 * about its data. Returns each such count's id with the id of its rate.
 *
 * @example
 * countsReadAsRates([{ id: 'falls', name: 'Falls', unit: 'count', … }, { id: 'falls-rate', numerator_definition: 'Falls', denominator_definition: 'Occupied bed days', … }]);
 * // => Map { 'falls' => 'falls-rate' }
 */
export function countsReadAsRates(metrics: readonly RateRuleMetric[]): Map<string, string> {
  const counts = new Map<string, string>();
  for (const metric of metrics) if (metric.unit === 'count') counts.set(normalise(metric.name), metric.id);
  const read = new Map<string, string>();
  for (const rate of metrics) {
    if (!rate.numerator_definition || !rate.denominator_definition) continue;
    const count = counts.get(normalise(rate.numerator_definition));
    if (count !== undefined && count !== rate.id) read.set(count, rate.id);
  }
  return read;
}
