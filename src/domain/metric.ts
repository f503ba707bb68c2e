/** Whether a higher or a lower value is better, or neither (activity counts). */
export type Direction = 'higher_is_better' | 'lower_is_better' | 'neutral';

export const metricDirections: readonly Direction[] = ['higher_is_better', 'lower_is_better', 'neutral'];

/**
 * Whether values of a metric can be ranked: only where a higher or a lower value is better. Flags,
 * activity counts and anything else without a better direction get no rank, anywhere.
 */
export function hasBetterDirection(direction: string): boolean {
  return direction === 'higher_is_better' || direction === 'lower_is_better';
}

/** What a page shows in place of a rank for a metric with no better direction. */
export const noBetterDirection = 'No better direction';

/** A metric as Tend defines it; `id` is stable and used in URLs, files and the CLI. */
export interface MetricDefinition {
  id: string;
  name: string;
  description: string | null;
  unit: string;
  direction: Direction;
  domain: string | null;
  subdomain: string | null;
  source_publication: string | null;
  numerator_definition: string | null;
  denominator_definition: string | null;
  builtin: boolean;
}

/** What an observation's value means: a gap is never a zero. */
export type ObservationStatus = 'reported' | 'missing' | 'suppressed' | 'not_applicable';

export const observationStatuses: readonly ObservationStatus[] = [
  'reported',
  'missing',
  'suppressed',
  'not_applicable',
];

/**
 * The values a metric can take, checked on every import. A value outside them refuses the file,
 * with the row and column. Every number must also be finite and within ±1e15 (what a double holds
 * exactly), whatever the metric.
 */
export interface MetricBounds {
  /** Smallest value (inclusive). */
  readonly min?: number;
  /** Largest value (inclusive). */
  readonly max?: number;
  /** Whole numbers only (counts, ranks, flags). */
  readonly whole?: boolean;
  /**
   * For a rate with a numerator and denominator: value = ratioScale × numerator ÷ denominator
   * (100 for a percentage), to within rounding (half a unit of the value's last whole figure:
   * ±0.5 for a percentage).
   */
  readonly ratioScale?: number;
  /**
   * The numerator and denominator may be fractions: cancer breaches shared between two providers
   * are counted as halves, and beds are averaged over a quarter. They must still not be negative.
   */
  readonly fractionalCounts?: boolean;
}
