/** Small factories and helpers for the NOF engine's unit tests. */
import type { NofLongRow } from '../../src/engines/nof/long-rows.ts';
import type { MetricObservation, OrganisationType, TrustInput } from '../../src/engines/nof/types.ts';

/** Freezes an object and everything inside it, to prove a function does not change its input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A metric observation with only a value (and optionally a published score). */
export function observation(
  metricId: string,
  value: number | string | null,
  publishedScore: number | null = null,
): MetricObservation {
  return { metricId, value, publishedScore, publishedRank: null, details: null };
}

/** A trust with the given observations; everything else defaulted. */
export function buildTrust(
  code: string,
  observations: readonly MetricObservation[],
  overrides: Partial<Omit<TrustInput, 'observations'>> & { organisationType?: OrganisationType } = {},
): TrustInput {
  return {
    code,
    name: `${code} NHS Trust`,
    organisationType: 'mental-health-and-community',
    organisationTypeLabel: 'Mental health and community trust',
    subtype: null,
    region: null,
    deficit: false,
    recoverySupportProgramme: null,
    published: null,
    ...overrides,
    observations: Object.fromEntries(observations.map((entry) => [entry.metricId, entry])),
  };
}

/** A long row with defaults, as the store holds them. */
export function buildRow(
  trustCode: string,
  metricId: string,
  value: number | null,
  overrides: Partial<NofLongRow> = {},
): NofLongRow {
  return {
    quarter: 'Q4 2025/26',
    trustCode,
    trustName: `${trustCode} NHS Trust`,
    trustType: 'Mental health and community trust',
    trustSubtype: 'Community',
    region: 'London',
    metricId,
    value,
    median: null,
    lowerQuartile: null,
    upperQuartile: null,
    rank: null,
    units: null,
    reportingDate: null,
    ...overrides,
  };
}
