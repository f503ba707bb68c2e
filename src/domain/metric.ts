/** Whether a higher or a lower value is better, or neither (activity counts). */
export type Direction = 'higher_is_better' | 'lower_is_better' | 'neutral';

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
