import type { MetricBounds, MetricDefinition } from './metric.ts';

/**
 * Metrics from NHS England's other publications: cancer waiting times, diagnostics (DM01), ambulance
 * response times (AmbSYS), the NHS Staff Survey, overnight beds (KH03) and ICB populations. Each
 * names its publication, and its numerator and denominator where the publication gives them.
 * Domains: Access (cancer, diagnostics, ambulance response), Workforce, Capacity, Context.
 */

export const CWT_PUBLICATION = 'NHS England: Cancer Waiting Times, provider data extract (monthly)';
export const DM01_PUBLICATION = 'NHS England: Monthly Diagnostics Waiting Times and Activity (DM01)';
export const AMBSYS_PUBLICATION = 'NHS England: Ambulance Quality Indicators, AmbSYS (monthly)';
export const NSS_PUBLICATION = 'NHS England: NHS Staff Survey 2024, organisational results';
export const KH03_PUBLICATION = 'NHS England: Bed Availability and Occupancy, KH03 overnight (quarterly)';
export const ICB_ALLOCATIONS_PUBLICATION =
  'NHS England: ICB allocations 2025/26, registered and need-weighted populations';

type Definition = Omit<MetricDefinition, 'builtin'> & { bounds: MetricBounds };

const percent: MetricBounds = Object.freeze({ min: 0, max: 100, ratioScale: 100 });
const halvesPercent: MetricBounds = Object.freeze({
  min: 0,
  max: 100,
  ratioScale: 100,
  fractionalCounts: true,
});
const counts: MetricBounds = Object.freeze({ min: 0, max: 5_000_000, whole: true });
/** A response time in minutes: never negative, never more than a day as a monthly mean or centile. */
const minutes: MetricBounds = Object.freeze({ min: 0, max: 1440 });
const seconds: MetricBounds = Object.freeze({ min: 0, max: 86_400 });
const outOf10: MetricBounds = Object.freeze({ min: 0, max: 10 });
const beds: MetricBounds = Object.freeze({ min: 0, max: 50_000 });
/** Occupancy can pass 100% (escalation beds opened above the beds available). */
const occupancy: MetricBounds = Object.freeze({ min: 0, max: 200, ratioScale: 100, fractionalCounts: true });

const cancer = (
  id: string,
  name: string,
  description: string,
  numerator: string,
  denominator: string,
): Definition => ({
  id,
  name,
  description,
  unit: '%',
  direction: 'higher_is_better',
  domain: 'Access',
  subdomain: 'Cancer',
  source_publication: CWT_PUBLICATION,
  numerator_definition: numerator,
  denominator_definition: denominator,
  bounds: halvesPercent,
});

const cancerMetrics: Definition[] = [
  cancer(
    'cwt-fds-28day',
    'Cancer: Faster Diagnosis Standard (28 days)',
    'Percentage of people referred urgently for suspected cancer, for breast symptoms or from screening who were told they have cancer, or that it was ruled out, within 28 days (all routes). Operational standard 75% (80% by March 2026).',
    'People told within 28 days',
    'People told of a diagnosis or of cancer ruled out in the month',
  ),
  cancer(
    'cwt-31day',
    'Cancer: 31-day standard (decision to treat to treatment)',
    'Percentage of treatments for cancer (first and subsequent, all modalities and cancer types) given within 31 days of the decision to treat. Operational standard 96%.',
    'Treatments within 31 days of the decision to treat',
    'Treatments in the month',
  ),
  cancer(
    'cwt-62day',
    'Cancer: 62-day standard (referral to first treatment)',
    'Percentage of people starting a first treatment for cancer within 62 days of an urgent referral, a screening referral or a consultant upgrade (all routes). Operational standard 85% (75% by March 2026). A patient shared between two providers counts half to each.',
    'First treatments within 62 days',
    'First treatments in the month',
  ),
];

const dm01 = (
  id: string,
  name: string,
  description: string,
  unit: string,
  direction: MetricDefinition['direction'],
  numerator: string | null,
  denominator: string | null,
  bounds: MetricBounds,
): Definition => ({
  id,
  name,
  description,
  unit,
  direction,
  domain: 'Access',
  subdomain: 'Diagnostics',
  source_publication: DM01_PUBLICATION,
  numerator_definition: numerator,
  denominator_definition: denominator,
  bounds,
});

const diagnosticsMetrics: Definition[] = [
  dm01(
    'dm01-6wk',
    'Diagnostics: waiting 6 weeks or more',
    'Percentage of patients on the waiting list for one of the 15 key diagnostic tests who had waited 6 weeks or more at the end of the month. Operational standard 1% (5% by March 2025).',
    '%',
    'lower_is_better',
    'Patients waiting 6 weeks or more',
    'Patients on the diagnostic waiting list',
    percent,
  ),
  dm01(
    'dm01-waiting-list',
    'Diagnostics: waiting list',
    'Patients waiting for one of the 15 key diagnostic tests at the end of the month.',
    'count',
    'neutral',
    null,
    null,
    counts,
  ),
  dm01(
    'dm01-13wk',
    'Diagnostics: waiting 13 weeks or more',
    'Patients on the diagnostic waiting list who had waited 13 weeks or more at the end of the month.',
    'count',
    'lower_is_better',
    null,
    null,
    counts,
  ),
  dm01(
    'dm01-activity',
    'Diagnostics: tests done',
    'Tests and procedures done in the month: waiting-list, planned and unscheduled.',
    'count',
    'neutral',
    null,
    null,
    counts,
  ),
];

const ambulance = (
  id: string,
  name: string,
  description: string,
  unit: string,
  direction: MetricDefinition['direction'],
  numerator: string | null,
  denominator: string | null,
  bounds: MetricBounds,
): Definition => ({
  id,
  name,
  description,
  unit,
  direction,
  domain: 'Access',
  subdomain: 'Ambulance response',
  source_publication: AMBSYS_PUBLICATION,
  numerator_definition: numerator,
  denominator_definition: denominator,
  bounds,
});

const responseTime = (id: string, category: string, statistic: 'mean' | '90th centile', code: string) =>
  ambulance(
    id,
    `Ambulance: Category ${category} response, ${statistic}`,
    `${statistic === 'mean' ? 'Mean' : '90th centile'} time from call to the first ambulance resource arriving for Category ${category} incidents, in minutes (AmbSYS ${code}, published in seconds).`,
    'minutes',
    'lower_is_better',
    null,
    null,
    minutes,
  );

const ambulanceMetrics: Definition[] = [
  responseTime('amb-c1-mean', '1', 'mean', 'A25'),
  responseTime('amb-c1-90th', '1', '90th centile', 'A26'),
  responseTime('amb-c2-mean', '2', 'mean', 'A31'),
  responseTime('amb-c2-90th', '2', '90th centile', 'A32'),
  responseTime('amb-c3-90th', '3', '90th centile', 'A35'),
  responseTime('amb-c4-90th', '4', '90th centile', 'A38'),
  ambulance(
    'amb-incidents',
    'Ambulance: incidents',
    'Incidents (all categories) the ambulance service responded to, by telephone or face to face (AmbSYS A7).',
    'count',
    'neutral',
    null,
    null,
    counts,
  ),
  ambulance(
    'amb-call-answer-mean',
    'Ambulance: mean call answer time',
    'Mean time to answer a 999 call, in seconds (AmbSYS A3).',
    'seconds',
    'lower_is_better',
    null,
    null,
    seconds,
  ),
  ambulance(
    'amb-hear-and-treat',
    'Ambulance: incidents resolved by hear and treat',
    'Percentage of incidents closed with telephone advice, without a face-to-face response (AmbSYS A17 ÷ A7).',
    '%',
    'neutral',
    'Incidents with no face-to-face response (A17)',
    'Incidents (A7)',
    percent,
  ),
  ambulance(
    'amb-conveyed-ed',
    'Ambulance: incidents with a patient taken to an emergency department',
    'Percentage of incidents with a patient conveyed to a type 1 or type 2 emergency department (AmbSYS A53 ÷ A7).',
    '%',
    'neutral',
    'Incidents with a patient conveyed to an emergency department (A53)',
    'Incidents (A7)',
    percent,
  ),
  ambulance(
    'amb-handover-over-60',
    'Ambulance: handovers over 60 minutes',
    'Percentage of hospital handovers with a known time that took more than 60 minutes (AmbSYS A146 ÷ A140; published from October 2023).',
    '%',
    'lower_is_better',
    'Handovers taking more than 60 minutes (A146)',
    'Handovers with a known handover time (A140)',
    percent,
  ),
];

/** The Staff Survey scores Tend keeps: code in the publication, Tend's id, name. */
export const staffSurveyScores: readonly { code: string; id: string; name: string }[] = Object.freeze([
  { code: 'Staff_Engagement', id: 'nss-engagement', name: 'Staff engagement' },
  { code: 'Morale', id: 'nss-morale', name: 'Morale' },
  { code: 'PP1', id: 'nss-pp1-compassionate-inclusive', name: 'We are compassionate and inclusive' },
  { code: 'PP2', id: 'nss-pp2-recognised-rewarded', name: 'We are recognised and rewarded' },
  { code: 'PP3', id: 'nss-pp3-voice', name: 'We each have a voice that counts' },
  { code: 'PP3_2', id: 'nss-raising-concerns', name: 'Raising concerns' },
  { code: 'PP4', id: 'nss-pp4-safe-healthy', name: 'We are safe and healthy' },
  { code: 'PP4_2', id: 'nss-burnout', name: 'Burnout (higher is less burnout)' },
  { code: 'PP5', id: 'nss-pp5-learning', name: 'We are always learning' },
  { code: 'PP6', id: 'nss-pp6-flexibly', name: 'We work flexibly' },
  { code: 'PP7', id: 'nss-pp7-team', name: 'We are a team' },
]);

const staffSurveyMetrics: Definition[] = staffSurveyScores.map(({ code, id, name }) => ({
  id,
  name: `Staff survey: ${name}`,
  description: `NHS Staff Survey ${code.startsWith('PP') ? 'People Promise' : 'theme'} score ${code.replace('_score', '')}, from 0 to 10 (weighted; every question scored so that higher is better). Not published where fewer than 10 staff answered.`,
  unit: 'out of 10',
  direction: 'higher_is_better',
  domain: 'Workforce',
  subdomain: 'NHS Staff Survey',
  source_publication: NSS_PUBLICATION,
  numerator_definition: null,
  denominator_definition: null,
  bounds: outOf10,
}));

/** KH03 sectors: the publication's label and Tend's id part. */
export const kh03Sectors: readonly { label: string; id: string; name: string }[] = Object.freeze([
  { label: 'General & Acute', id: 'ga', name: 'general and acute' },
  { label: 'Maternity', id: 'maternity', name: 'maternity' },
  { label: 'Mental Illness', id: 'mental-illness', name: 'mental illness' },
  { label: 'Learning Disabilities', id: 'learning-disabilities', name: 'learning disabilities' },
]);

const bedMetrics: Definition[] = kh03Sectors.flatMap(({ id, name }) => {
  const base = {
    domain: 'Capacity',
    subdomain: 'Beds',
    source_publication: KH03_PUBLICATION,
    numerator_definition: null,
    denominator_definition: null,
  };
  return [
    {
      ...base,
      id: `kh03-${id}-available`,
      name: `Beds available overnight, ${name}`,
      description: `Average daily number of ${name} beds open overnight over the quarter (KH03).`,
      unit: 'beds',
      direction: 'neutral' as const,
      bounds: beds,
    },
    {
      ...base,
      id: `kh03-${id}-occupied`,
      name: `Beds occupied overnight, ${name}`,
      description: `Average daily number of ${name} beds occupied overnight over the quarter (KH03).`,
      unit: 'beds',
      direction: 'neutral' as const,
      bounds: beds,
    },
    {
      ...base,
      id: `kh03-${id}-occupancy`,
      name: `Bed occupancy overnight, ${name}`,
      description: `Overnight ${name} beds occupied as a percentage of those available, averaged over the quarter (KH03). Published only with both figures; above about 92% is widely taken as a risk to flow.`,
      unit: '%',
      direction: 'neutral' as const,
      numerator_definition: `Average ${name} beds occupied overnight`,
      denominator_definition: `Average ${name} beds available overnight`,
      bounds: occupancy,
    },
  ];
});

const context = (id: string, name: string, description: string, unit: string): Definition => ({
  id,
  name,
  description,
  unit,
  direction: 'neutral',
  domain: 'Context',
  subdomain: 'Population and need',
  source_publication: ICB_ALLOCATIONS_PUBLICATION,
  numerator_definition: null,
  denominator_definition: null,
  bounds: unit === 'people' ? { min: 0, max: 20_000_000 } : { min: 0, max: 10 },
});

/** The need indices: the allocation component's column and Tend's id. */
export const icbNeedIndices: readonly { component: string; id: string; name: string }[] = Object.freeze([
  { component: 'Final WP', id: 'icb-need-index-core', name: 'core services (overall)' },
  { component: 'G&A WP', id: 'icb-need-index-general-acute', name: 'general and acute' },
  { component: 'MH WP', id: 'icb-need-index-mental-health', name: 'mental health' },
  { component: 'CS WP', id: 'icb-need-index-community', name: 'community services' },
  { component: 'Health Ineq WP', id: 'icb-need-index-health-inequalities', name: 'health inequalities' },
]);

const contextMetrics: Definition[] = [
  context(
    'icb-registered-population',
    'ICB registered population',
    'People registered with the ICB’s GP practices, projected for the year (fractional: a projection).',
    'people',
  ),
  ...icbNeedIndices.map(({ component, id, name }) =>
    context(
      id,
      `ICB need index, ${name}`,
      `Need per head relative to England (1.0 = England average): the ICB’s ${component.replace(' WP', '')} weighted population per registered person, divided by England’s. The health inequalities index is a ready-made deprivation proxy.`,
      'index',
    ),
  ),
];

const all: Definition[] = [
  ...cancerMetrics,
  ...diagnosticsMetrics,
  ...ambulanceMetrics,
  ...staffSurveyMetrics,
  ...bedMetrics,
  ...contextMetrics,
];

/** Every publication metric, as the catalogue holds it. */
export const publicationMetrics: readonly MetricDefinition[] = Object.freeze(
  all.map(({ bounds: _bounds, ...metric }) => ({ ...metric, builtin: true })),
);

/** Each publication metric's bounds. */
export const publicationMetricBounds: Readonly<Record<string, MetricBounds>> = Object.freeze(
  Object.fromEntries(all.map((metric) => [metric.id, metric.bounds])),
);
