import type { MetricBounds, MetricDefinition } from './metric.ts';
import { publicationMetricBounds, publicationMetrics } from './publication-metrics.ts';

/**
 * Metrics Tend knows before anything is imported. NHS Oversight Framework metrics (`OF…`)
 * are added from the publication itself when it is imported.
 *
 * A&E percentages follow NHS England's definition: the share of attendances that were admitted,
 * transferred or discharged within 4 hours of arrival, booked appointments included (from 2024 the
 * monthly CSV splits booked and non-booked; Tend adds them). Numerator = within 4 hours,
 * denominator = attendances.
 */
const AE_PUBLICATION = 'NHS England: A&E Attendances and Emergency Admissions (monthly)';

function aeMetric(
  metric: Omit<MetricDefinition, 'builtin' | 'source_publication' | 'domain'>,
): MetricDefinition {
  return {
    ...metric,
    domain: 'Urgent and emergency care',
    source_publication: AE_PUBLICATION,
    builtin: true,
  };
}

const fourHour = (id: string, departments: string, label: string): MetricDefinition =>
  aeMetric({
    id,
    name: `A&E 4-hour performance, ${label}`,
    description: `Percentage of A&E attendances at ${departments} admitted, transferred or discharged within 4 hours of arrival.`,
    unit: '%',
    direction: 'higher_is_better',
    subdomain: '4-hour standard',
    numerator_definition: `Attendances at ${departments} within 4 hours of arrival`,
    denominator_definition: `Attendances at ${departments}`,
  });

const count = (
  id: string,
  name: string,
  description: string,
  direction: MetricDefinition['direction'],
  subdomain: string,
): MetricDefinition =>
  aeMetric({
    id,
    name,
    description,
    unit: 'count',
    direction,
    subdomain,
    numerator_definition: null,
    denominator_definition: null,
  });

const aeMetrics: readonly MetricDefinition[] = Object.freeze([
  fourHour('ae-4hr-type1', 'type 1 (major, consultant-led 24-hour) departments', 'type 1'),
  fourHour('ae-4hr-type2', 'type 2 (single-specialty) departments', 'type 2'),
  fourHour(
    'ae-4hr-other',
    'other A&E departments (types 3 and 4: urgent treatment centres, minor injury units, walk-in centres)',
    'other departments',
  ),
  fourHour('ae-4hr-all', 'all A&E departments (types 1 to 4)', 'all types'),
  count(
    'ae-attendances-type1',
    'A&E attendances, type 1',
    'Attendances at type 1 departments, booked appointments included.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-attendances-type2',
    'A&E attendances, type 2',
    'Attendances at type 2 departments, booked appointments included.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-attendances-other',
    'A&E attendances, other departments',
    'Attendances at type 3 and 4 departments, booked appointments included.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-emergency-admissions-type1',
    'Emergency admissions via type 1 A&E',
    'Emergency admissions via type 1 departments.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-emergency-admissions-type2',
    'Emergency admissions via type 2 A&E',
    'Emergency admissions via type 2 departments.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-emergency-admissions-other',
    'Emergency admissions via other A&E departments',
    'Emergency admissions via type 3 and 4 departments.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-emergency-admissions-not-via-ae',
    'Other emergency admissions',
    'Emergency admissions not via A&E.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-dta-4hr',
    'Decision-to-admit waits over 4 hours',
    'Patients waiting more than 4 hours from decision to admit to admission ("trolley waits"), the 12-hour waits included.',
    'lower_is_better',
    'Waits',
  ),
  count(
    'ae-dta-12hr',
    'Decision-to-admit waits over 12 hours',
    'Patients waiting more than 12 hours from decision to admit to admission.',
    'lower_is_better',
    'Waits',
  ),
  // From April 2026 NHS England's monthly file reports urgent treatment centres and other type 3
  // sites under the acute trust they serve, not under the community trust, independent or GP-led
  // provider that ran them: a provider's "other departments" and "all types" figures change meaning,
  // so they start new series. Type 1 and type 2 series continue (see data/README.md).
  fourHourFrom2026(
    fourHour(
      'ae-4hr-other-from-2026-04',
      'other A&E departments (types 3 and 4), as reported from April 2026 under the acute provider',
      'other departments, from April 2026',
    ),
  ),
  fourHourFrom2026(
    fourHour(
      'ae-4hr-all-from-2026-04',
      'all A&E departments (types 1 to 4), urgent treatment centres reported under the acute provider from April 2026',
      'all types, from April 2026',
    ),
  ),
  count(
    'ae-attendances-other-from-2026-04',
    'A&E attendances, other departments, from April 2026',
    'Attendances at type 3 and 4 departments, booked appointments included, as reported from April 2026: urgent treatment centres under the acute provider they serve. Not comparable, provider by provider, with the series before.',
    'neutral',
    'Activity',
  ),
  count(
    'ae-emergency-admissions-other-from-2026-04',
    'Emergency admissions via other A&E departments, from April 2026',
    'Emergency admissions via type 3 and 4 departments, as reported from April 2026 under the acute provider. Not comparable, provider by provider, with the series before.',
    'neutral',
    'Activity',
  ),
]);

/** A 4-hour series that starts in April 2026, said so in its description. */
function fourHourFrom2026(metric: MetricDefinition): MetricDefinition {
  return {
    ...metric,
    description: `${metric.description} A new series from April 2026: not comparable, provider by provider, with the series before.`,
  };
}

export const NOF_PUBLICATION = 'NHS England: NHS Oversight Framework segmentation and league tables';

/** League-table metrics Tend keeps from the published league table (the published values, for comparison). */
export const nofLeagueMetrics: readonly MetricDefinition[] = Object.freeze(
  (
    [
      ['nof-league-average-score', 'NOF league table: average metric score', 'score', 'lower_is_better'],
      ['nof-league-segment', 'NOF league table: segment', 'segment', 'lower_is_better'],
      ['nof-league-rank', 'NOF league table: rank within trust type', 'rank', 'lower_is_better'],
      [
        'nof-league-financial-deficit',
        'NOF league table: trust in financial deficit (1 yes, 0 no)',
        'flag',
        'neutral',
      ],
    ] as const
  ).map(([id, name, unit, direction]) => ({
    id,
    name,
    description:
      'As published in the NHS Oversight Framework league table; likely ranges are kept with the value.',
    unit,
    direction,
    domain: 'Summary',
    subdomain: 'League table',
    source_publication: NOF_PUBLICATION,
    numerator_definition: null,
    denominator_definition: null,
    builtin: true,
  })),
);

/** Every metric Tend defines itself; the store adds (or refreshes) them each time it opens. */
export const builtinMetrics: readonly MetricDefinition[] = Object.freeze([
  ...aeMetrics,
  ...nofLeagueMetrics,
  ...publicationMetrics,
]);

/**
 * The most a count of one organisation in one period can be: more than England's A&E attendances in
 * a month (about 2.3 million) is a mistake, not a figure.
 */
const LARGEST_COUNT = 5_000_000;

const countBounds: MetricBounds = Object.freeze({ min: 0, max: LARGEST_COUNT, whole: true });
const percentBounds: MetricBounds = Object.freeze({ min: 0, max: 100, ratioScale: 100 });

/**
 * What each built-in metric can take. Change a metric's bounds here; metrics imported with a
 * publication (NHS Oversight Framework `OF…`) take the bounds of their unit (`boundsForUnit`).
 */
export const builtinMetricBounds: Readonly<Record<string, MetricBounds>> = Object.freeze({
  ...Object.fromEntries(
    aeMetrics.map((metric) => [metric.id, metric.unit === '%' ? percentBounds : countBounds]),
  ),
  'nof-league-average-score': { min: 1, max: 4 },
  'nof-league-segment': { min: 1, max: 5, whole: true },
  'nof-league-rank': { min: 1, max: 1000, whole: true },
  'nof-league-financial-deficit': { min: 0, max: 1, whole: true },
  ...publicationMetricBounds,
});

/**
 * Bounds by unit, for metrics the catalogue does not list. Oversight Framework scores run from 1 to
 * 4 and segments from 1 to 5; its percentages are often changes or shares of a plan, so they may be
 * negative or above 100 and only their ratio is checked.
 */
export function boundsForUnit(unit: string | undefined): MetricBounds {
  switch (unit?.trim().toLowerCase()) {
    case 'count':
      return countBounds;
    case 'score':
      return { min: 1, max: 4 };
    case 'segment':
      return { min: 1, max: 5, whole: true };
    case 'flag':
      return { min: 0, max: 1, whole: true };
    case 'out of 10':
      return { min: 0, max: 10 };
    case '%':
      return { ratioScale: 100 };
    default:
      return {};
  }
}

/** The bounds a metric's values are checked against: its own in the catalogue, or its unit's. */
export function metricBounds(id: string, unit: string | undefined): MetricBounds {
  return builtinMetricBounds[id] ?? boundsForUnit(unit);
}
