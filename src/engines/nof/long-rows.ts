import { parseQuarterLabel } from '../../domain/quarter.ts';
import { findMetric } from './frameworks.ts';
import type {
  DomainId,
  FrameworkDefinition,
  MetricObservation,
  OrganisationType,
  PublishedSummary,
  QuarterInput,
  TrustInput,
} from './types.ts';

/**
 * One observation as the store holds it: one organisation × one `OF…` metric id × one quarter,
 * shaped like a row of NHS England's NOF data file, with the extra columns kept as details.
 */
export interface NofLongRow {
  readonly quarter: string;
  readonly trustCode: string;
  readonly trustName: string;
  readonly trustType: string;
  readonly trustSubtype: string | null;
  readonly region: string | null;
  readonly metricId: string;
  /** A number, a rating label for rating metrics, or null when suppressed or missing. */
  readonly value: number | string | null;
  readonly median: number | null;
  readonly lowerQuartile: number | null;
  readonly upperQuartile: number | null;
  readonly rank: number | null;
  readonly units: string | null;
  readonly reportingDate: string | null;
}

/** Something in the rows the adapter could not use as it stands; the rest of the quarter is still read. */
export interface LongRowIssue {
  readonly code: 'unknown-organisation-type' | 'duplicate-row' | 'unlisted-metric' | 'unknown-metric-id';
  readonly trustCode: string;
  readonly metricId: string | null;
  readonly message: string;
}

/**
 * The organisation type a label names ("Mental health and community trust" →
 * `mental-health-and-community`), matching the framework's own labels first and then key words.
 * Returns undefined for a label it cannot place.
 */
export function organisationTypeFromLabel(
  framework: FrameworkDefinition,
  label: string,
): OrganisationType | undefined {
  const text = label.trim().toLowerCase();
  for (const type of framework.organisationTypes) {
    if (framework.organisationTypeLabels[type].toLowerCase() === text) return type;
  }
  if (/ambulance/.test(text)) return 'ambulance';
  if (/integrated care board|^icb\b/.test(text)) return 'icb';
  if (/non-acute|mental health|community/.test(text)) return 'mental-health-and-community';
  if (/acute/.test(text)) return 'acute';
  return undefined;
}

interface TrustDraft {
  code: string;
  name: string;
  organisationType: OrganisationType;
  organisationTypeLabel: string;
  subtype: string | null;
  region: string | null;
  observations: Map<
    string,
    {
      value: number | string | null;
      publishedScore: number | null;
      publishedRank: number | null;
      details: MetricObservation['details'];
    }
  >;
  summary: Map<string, { value: number | string | null; rank: number | null }>;
}

const asNumber = (value: number | string | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function toPublishedSummary(framework: FrameworkDefinition, draft: TrustDraft): PublishedSummary | null {
  if (draft.summary.size === 0) return null;
  const ids = framework.summaryIds;
  const domainScores: Partial<Record<DomainId, number>> = {};
  const domainSegments: Partial<Record<DomainId, number>> = {};
  for (const domain of framework.domains) {
    const score = asNumber(draft.summary.get(domain.scoreId)?.value);
    if (score !== null) domainScores[domain.id] = score;
    const segment = asNumber(draft.summary.get(domain.segmentId)?.value);
    if (segment !== null) domainSegments[domain.id] = segment;
  }
  return {
    averageMetricScore: asNumber(draft.summary.get(ids.averageMetricScore)?.value),
    unadjustedSegment: asNumber(draft.summary.get(ids.unadjustedSegment)?.value),
    adjustedSegment: asNumber(draft.summary.get(ids.adjustedSegment)?.value),
    finalSegment: asNumber(draft.summary.get(ids.finalSegment)?.value),
    rank: draft.summary.get(ids.adjustedSegment)?.rank ?? null,
    domainScores,
    domainSegments,
  };
}

function flag(value: number | string | null | undefined): boolean | null {
  const number = asNumber(value);
  return number === null ? null : number === 1;
}

/**
 * Turns long rows (all quarters, all metric families) into the engine's input for one quarter.
 *
 * - `OF0…` rows give a metric's value, with NHS England's within-peer-group rank and the
 *   median and quartiles as details; `OF1…` rows give its published score.
 * - A score id the framework does not list is kept as an unlisted metric, scored as published.
 * - `OF5004` (in deficit or receiving deficit support) and `OF5007` (in the Recovery Support
 *   Programme; or `OF5005` = 5) become inputs; the other `OF4…`/`OF5…` results are kept as the
 *   trust's published summary, for comparison only.
 * - Rows of other quarters are skipped. Problems are returned as issues, never thrown.
 *
 * @throws `invalid quarter: <label>` when the label is not like "Q4 2025/26"
 */
export function longRowsToQuarterInput(
  framework: FrameworkDefinition,
  quarterLabel: string,
  rows: readonly NofLongRow[],
): { readonly input: QuarterInput; readonly issues: readonly LongRowIssue[] } {
  const quarter = parseQuarterLabel(quarterLabel);
  if (!quarter) throw new Error(`invalid quarter: ${quarterLabel}`);
  const wanted = `Q${quarter.quarter} ${quarter.year}`;
  const issues: LongRowIssue[] = [];
  const drafts = new Map<string, TrustDraft>();
  const unknownTypes = new Set<string>();
  const unlisted = new Set<string>();
  const summaryIds = new Set<string>([
    ...Object.values(framework.summaryIds),
    ...framework.domains.flatMap((domain) => [domain.scoreId, domain.segmentId]),
  ]);

  for (const row of rows) {
    if (row.quarter.trim() !== wanted) continue;
    const code = row.trustCode.trim().toUpperCase();
    let draft = drafts.get(code);
    if (!draft) {
      const organisationType = organisationTypeFromLabel(framework, row.trustType);
      if (!organisationType) {
        if (!unknownTypes.has(code)) {
          unknownTypes.add(code);
          issues.push({
            code: 'unknown-organisation-type',
            trustCode: code,
            metricId: null,
            message: `${code}: the organisation type "${row.trustType}" is not one Tend assesses; its rows are left out`,
          });
        }
        continue;
      }
      draft = {
        code,
        name: row.trustName.trim(),
        organisationType,
        organisationTypeLabel: row.trustType.trim(),
        subtype: row.trustSubtype?.trim() || null,
        region: row.region?.trim() || null,
        observations: new Map(),
        summary: new Map(),
      };
      drafts.set(code, draft);
    }
    const metricId = row.metricId.trim().toUpperCase();
    if (summaryIds.has(metricId)) {
      if (draft.summary.has(metricId)) {
        issues.push({
          code: 'duplicate-row',
          trustCode: code,
          metricId,
          message: `${code} ${metricId}: a second row for ${wanted} is ignored`,
        });
      } else {
        draft.summary.set(metricId, { value: row.value, rank: row.rank });
      }
      continue;
    }
    const family = /^OF([01])(\d{3})$/.exec(metricId);
    if (!family) {
      issues.push({
        code: 'unknown-metric-id',
        trustCode: code,
        metricId,
        message: `${code} ${metricId}: not a metric value (OF0…) or score (OF1…); ignored`,
      });
      continue;
    }
    const metric = findMetric(framework, metricId);
    const key = metric ? metric.id : `OF0${family[2]}`;
    if (!metric && !unlisted.has(key)) {
      unlisted.add(key);
      issues.push({
        code: 'unlisted-metric',
        trustCode: code,
        metricId,
        message: `${metricId} is not in ${framework.id}; its published score is used as it stands, with weight 1`,
      });
    }
    let observation = draft.observations.get(key);
    if (!observation) {
      observation = { value: null, publishedScore: null, publishedRank: null, details: null };
      draft.observations.set(key, observation);
    }
    const isScore = family[1] === '1';
    if (isScore ? observation.publishedScore !== null : observation.details !== null) {
      issues.push({
        code: 'duplicate-row',
        trustCode: code,
        metricId,
        message: `${code} ${metricId}: a second row for ${wanted} is ignored`,
      });
      continue;
    }
    if (isScore) {
      observation.publishedScore = asNumber(row.value);
    } else {
      observation.value = row.value;
      observation.publishedRank = row.rank;
      observation.details = {
        median: row.median,
        lowerQuartile: row.lowerQuartile,
        upperQuartile: row.upperQuartile,
        units: row.units,
        reportingDate: row.reportingDate,
      };
    }
  }

  const trusts: TrustInput[] = [...drafts.values()]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((draft) => {
      const observations: Record<string, MetricObservation> = {};
      for (const [metricId, observation] of draft.observations) {
        if (observation.value === null && observation.publishedScore === null) continue;
        observations[metricId] = { metricId, ...observation };
      }
      const ids = framework.summaryIds;
      const finalSegment = asNumber(draft.summary.get(ids.finalSegment)?.value);
      const recoveryFlag = flag(draft.summary.get(ids.recoverySupportProgramme)?.value);
      return {
        code: draft.code,
        name: draft.name,
        organisationType: draft.organisationType,
        organisationTypeLabel: draft.organisationTypeLabel,
        subtype: draft.subtype,
        region: draft.region,
        observations,
        deficit: flag(draft.summary.get(ids.financialOverride)?.value),
        recoverySupportProgramme: recoveryFlag ?? (finalSegment === null ? null : finalSegment === 5),
        published: toPublishedSummary(framework, draft),
      };
    });
  return { input: { quarter: wanted, trusts }, issues };
}
