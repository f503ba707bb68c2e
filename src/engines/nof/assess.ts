import { parseQuarterLabel } from '../../domain/quarter.ts';
import {
  type AverageScore,
  averageMetricScore,
  domainScores,
  scoresEnteringAverage,
} from './average-score.ts';
import { applyFinancialOverride, finalSegment } from './financial-override.ts';
import { getFramework } from './frameworks.ts';
import { leagueRanks } from './league-rank.ts';
import { type LikelyRange, likelyRanges } from './likely-ranges.ts';
import { type LongRowIssue, longRowsToQuarterInput, type NofLongRow } from './long-rows.ts';
import { type NofOptions, type ResolvedNofOptions, resolveNofOptions } from './options.ts';
import { scoreQuarterMetrics } from './score-metrics.ts';
import { quartileCutPoints, segmentFromAverage } from './segment.ts';
import type {
  CutPoints,
  DomainId,
  FinalSegment,
  FrameworkDefinition,
  MetricScore,
  MetricStatus,
  OrganisationType,
  PublishedSummary,
  QuarterInput,
  Segment,
} from './types.ts';

/** One row of the league table, with NHS England's published column names (plus the unadjusted segment). */
export interface LeagueRow {
  readonly Quarter: string;
  readonly Region: string | null;
  readonly Trust_type: string;
  readonly Trust_subtype: string | null;
  readonly Trust_code: string;
  readonly Trust_name: string;
  readonly Average_score: number | null;
  /** "a to b", as published. */
  readonly Likely_range_of_average_score: string | null;
  /** The adjusted segment (after the financial override); the league table never shows 5. */
  readonly Segment: number | null;
  readonly Unadjusted_segment: number | null;
  readonly Trust_in_financial_deficit: 'Yes' | 'No' | 'Unknown';
  readonly Rank: number | null;
  readonly Likely_range_of_rank: string | null;
}

/** Everything the engine worked out for one trust. */
export interface TrustAssessment {
  readonly code: string;
  readonly name: string;
  readonly organisationType: OrganisationType;
  readonly organisationTypeLabel: string;
  readonly subtype: string | null;
  readonly region: string | null;
  /** `no-scored-metrics` when nothing could be scored; `not-segmented` for types the framework does not segment (ICBs in 2025/26). */
  readonly status: 'assessed' | 'no-scored-metrics' | 'not-segmented';
  readonly metricScores: readonly MetricScore[];
  readonly average: AverageScore | null;
  readonly domainScores: Readonly<Record<DomainId, AverageScore | null>>;
  readonly cutPoints: CutPoints | null;
  readonly unadjustedSegment: Segment | null;
  readonly deficit: boolean | null;
  readonly financialOverrideApplied: boolean;
  readonly adjustedSegment: Segment | null;
  readonly finalSegment: FinalSegment | null;
  readonly rank: number | null;
  /** Trusts ranked in the same league table. */
  readonly peerGroupSize: number;
  readonly likelyRange: LikelyRange | null;
  readonly published: PublishedSummary | null;
}

export interface CutPointsUsed {
  readonly source: 'framework' | 'computed-quartiles' | 'fixed-thresholds' | 'supplied';
  readonly byOrganisationType: Readonly<Partial<Record<OrganisationType, CutPoints>>>;
  readonly note: string;
}

export interface QuarterAssessment {
  readonly framework: {
    readonly id: string;
    readonly name: string;
    readonly status: FrameworkDefinition['status'];
  };
  /** The definition applied, for explanations. */
  readonly definition: FrameworkDefinition;
  readonly quarter: string;
  readonly status: 'assessed' | 'no-data';
  readonly options: ResolvedNofOptions;
  readonly cutPoints: CutPointsUsed;
  /** League tables, one organisation type after another, each in rank order. */
  readonly trusts: readonly LeagueRow[];
  readonly details: readonly TrustAssessment[];
  readonly metrics: readonly MetricStatus[];
  readonly issues: readonly LongRowIssue[];
  /** The input assessed, for explanations; never changed. */
  readonly input: QuarterInput;
}

/** Formats a likely range as NHS England writes it: "1.2 to 1.89". */
export function formatRange(range: readonly [number, number]): string {
  return `${range[0]} to ${range[1]}`;
}

function resolveCutPoints(
  framework: FrameworkDefinition,
  quarter: string,
  averagesByType: ReadonlyMap<OrganisationType, readonly number[]>,
  options: ResolvedNofOptions,
): CutPointsUsed {
  const types = [...averagesByType.keys()];
  const same = (cutPoints: CutPoints) => Object.fromEntries(types.map((type) => [type, cutPoints]));
  const choice = options.cutPoints;
  if (Array.isArray(choice)) {
    return {
      source: 'supplied',
      byOrganisationType: same(choice as CutPoints),
      note: 'Cut points supplied by the caller.',
    };
  }
  const segmentation = framework.segmentation;
  if (segmentation.method === 'fixed-thresholds') {
    return {
      source: 'fixed-thresholds',
      byOrganisationType: same(segmentation.thresholds),
      note: `Fixed thresholds of ${framework.id} (${segmentation.provenance}).`,
    };
  }
  const published = framework.publishedCutPoints[quarter];
  if (choice === 'framework' && published) {
    return {
      source: 'framework',
      byOrganisationType: same(published.values),
      note: `Cut points inside the intervals ${quarter}'s published segments imply (${published.source}).`,
    };
  }
  const byOrganisationType: Partial<Record<OrganisationType, CutPoints>> = {};
  if (options.quartilePopulation === 'all-organisations') {
    const pooled = quartileCutPoints([...averagesByType.values()].flat(), options.quartileMethod);
    if (pooled) for (const type of types) byOrganisationType[type] = pooled;
  } else {
    for (const [type, averages] of averagesByType) {
      const cutPoints = quartileCutPoints(averages, options.quartileMethod);
      if (cutPoints) byOrganisationType[type] = cutPoints;
    }
  }
  const held = [...averagesByType.values()].reduce((sum, averages) => sum + averages.length, 0);
  return {
    source: 'computed-quartiles',
    byOrganisationType,
    note: `Quartiles of the ${held} averages held (${options.quartilePopulation === 'all-organisations' ? 'all organisation types together' : 'each peer group separately'}); NHS England computes them over every provider in England, so with a partial input they can differ from the published cut points.`,
  };
}

/**
 * Assesses one quarter from the engine's plain input: steps 1–6 of the NHS Oversight Framework
 * segmentation (metric scores, average and domain scores, segment, financial override and
 * segment 5, league rank, likely ranges). Pure: the input is not changed, and the same input and
 * options always give the same result.
 *
 * @param framework a framework definition or its id (`nof-2025-26`)
 * @param input one quarter's trusts and observations
 * @param options named options, see `NofOptions`; inferred parts of the method are options
 * @throws `invalid quarter: <label>` when the quarter is not in the framework's year, and
 *   `invalid <option>: <value>` for a bad option
 */
export function assessQuarterInput(
  framework: FrameworkDefinition | string,
  input: QuarterInput,
  options: NofOptions = {},
  issues: readonly LongRowIssue[] = [],
): QuarterAssessment {
  const definition = getFramework(framework);
  const quarter = parseQuarterLabel(input.quarter);
  if (!quarter || quarter.year !== definition.year) throw new Error(`invalid quarter: ${input.quarter}`);
  const trusts = [...input.trusts].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const presentTypes = [...new Set(trusts.map((trust) => trust.organisationType))];
  const heldInFull = presentTypes.filter(
    (type) =>
      trusts.filter((trust) => trust.organisationType === type).length >=
      (definition.organisationCounts[type] ?? 0),
  );
  const resolved = resolveNofOptions(definition, options, heldInFull);

  const { byTrust, statuses } = scoreQuarterMetrics(definition, { quarter: input.quarter, trusts }, resolved);
  const averages = trusts.map((trust) => averageMetricScore(byTrust.get(trust.code) ?? [], resolved));
  const segmented = trusts.map(
    (trust, index) =>
      averages[index] !== null && definition.segmentedOrganisationTypes.includes(trust.organisationType),
  );

  const averagesByType = new Map<OrganisationType, number[]>();
  trusts.forEach((trust, index) => {
    const average = averages[index];
    if (!segmented[index] || !average) return;
    const list = averagesByType.get(trust.organisationType) ?? [];
    list.push(average.average);
    averagesByType.set(trust.organisationType, list);
  });
  const cutPoints = resolveCutPoints(definition, input.quarter, averagesByType, resolved);
  const cap = definition.financialOverride.cap;

  const unadjusted = trusts.map((trust, index) => {
    const average = averages[index];
    const trustCutPoints = cutPoints.byOrganisationType[trust.organisationType];
    return segmented[index] && average && trustCutPoints
      ? segmentFromAverage(average.average, trustCutPoints, resolved.onCutPoint)
      : null;
  });
  const adjusted = trusts.map((trust, index) => {
    const segment = unadjusted[index];
    return segment === null ? null : applyFinancialOverride(segment, trust.deficit, cap);
  });

  const ranks = new Array<number | null>(trusts.length).fill(null);
  const peerGroupSizes = new Array<number>(trusts.length).fill(0);
  for (const type of presentTypes) {
    const members = trusts
      .map((_, index) => index)
      .filter((index) => trusts[index].organisationType === type && adjusted[index] !== null);
    const memberRanks = leagueRanks(
      members.map((index) => ({
        segment: adjusted[index]?.adjusted as number,
        average: averages[index]?.average as number,
      })),
    );
    members.forEach((index, position) => {
      ranks[index] = memberRanks[position];
      peerGroupSizes[index] = members.length;
    });
  }

  const ranges: (LikelyRange | null)[] = trusts.map(() => null);
  if (resolved.replicates >= 2) {
    const bootstrapIndexes = trusts.map((_, index) => index).filter((index) => unadjusted[index] !== null);
    const bootstrapRanges = likelyRanges(
      bootstrapIndexes.map((index) => {
        const entering = scoresEnteringAverage(byTrust.get(trusts[index].code) ?? [], resolved);
        return {
          scores: entering.map((entry) => entry.score),
          weights: entering.map((entry) => entry.weight),
          deficit: trusts[index].deficit,
          group: trusts[index].organisationType,
          cutPoints: cutPoints.byOrganisationType[trusts[index].organisationType] as CutPoints,
        };
      }),
      {
        replicates: resolved.replicates,
        seed: resolved.seed,
        coverage: resolved.likelyRangeCoverage,
        onCutPoint: resolved.onCutPoint,
        cap,
      },
    );
    bootstrapIndexes.forEach((index, position) => {
      ranges[index] = bootstrapRanges[position];
    });
  }

  const details: TrustAssessment[] = trusts.map((trust, index) => {
    const metricScores = byTrust.get(trust.code) ?? [];
    const average = averages[index];
    const adjustment = adjusted[index];
    return {
      code: trust.code,
      name: trust.name,
      organisationType: trust.organisationType,
      organisationTypeLabel: trust.organisationTypeLabel,
      subtype: trust.subtype,
      region: trust.region,
      status: !average ? 'no-scored-metrics' : segmented[index] ? 'assessed' : 'not-segmented',
      metricScores,
      average,
      domainScores: domainScores(metricScores, definition.domains, resolved),
      cutPoints:
        unadjusted[index] === null ? null : (cutPoints.byOrganisationType[trust.organisationType] ?? null),
      unadjustedSegment: unadjusted[index],
      deficit: trust.deficit,
      financialOverrideApplied: adjustment?.applied ?? false,
      adjustedSegment: adjustment?.adjusted ?? null,
      finalSegment: adjustment
        ? finalSegment(adjustment.adjusted, trust.recoverySupportProgramme, resolved.segmentFive)
        : null,
      rank: ranks[index],
      peerGroupSize: peerGroupSizes[index],
      likelyRange: ranges[index],
      published: trust.published,
    };
  });

  const typeOrder = definition.organisationTypes;
  const ordered = [...details].sort(
    (a, b) =>
      typeOrder.indexOf(a.organisationType) - typeOrder.indexOf(b.organisationType) ||
      (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const rows: LeagueRow[] = ordered.map((detail) => ({
    Quarter: input.quarter,
    Region: detail.region,
    Trust_type: detail.organisationTypeLabel,
    Trust_subtype: detail.subtype,
    Trust_code: detail.code,
    Trust_name: detail.name,
    Average_score: detail.average?.average ?? null,
    Likely_range_of_average_score: detail.likelyRange ? formatRange(detail.likelyRange.average) : null,
    Segment: detail.adjustedSegment,
    Unadjusted_segment: detail.unadjustedSegment,
    Trust_in_financial_deficit: detail.deficit === null ? 'Unknown' : detail.deficit ? 'Yes' : 'No',
    Rank: detail.rank,
    Likely_range_of_rank: detail.likelyRange ? formatRange(detail.likelyRange.rank) : null,
  }));

  return {
    framework: { id: definition.id, name: definition.name, status: definition.status },
    definition,
    quarter: input.quarter,
    status: trusts.length === 0 ? 'no-data' : 'assessed',
    options: resolved,
    cutPoints,
    trusts: rows,
    details,
    metrics: statuses,
    issues,
    input: { quarter: input.quarter, trusts },
  };
}

/**
 * Assesses one quarter straight from long rows as the store holds them (one organisation ×
 * `OF…` metric id × quarter; rows of other quarters are ignored). This is the entry point for
 * `tend assess` and the API.
 *
 * @param framework a framework definition or its id (`nof-2025-26`)
 * @param quarterLabel e.g. "Q4 2025/26"
 * @param rows long rows; not changed
 * @param options named options, see `NofOptions`
 * @returns the league table rows (`trusts`), per-trust details, how each metric was scored, and any issues with the rows
 * @example
 * const { trusts } = assessQuarter('nof-2025-26', 'Q4 2025/26', rows);
 * trusts[0]; // => { Quarter: 'Q4 2025/26', Trust_code: 'RYY', Average_score: 1.53, Segment: 1, Rank: 1, … }
 */
export function assessQuarter(
  framework: FrameworkDefinition | string,
  quarterLabel: string,
  rows: readonly NofLongRow[],
  options: NofOptions = {},
): QuarterAssessment {
  const definition = getFramework(framework);
  const { input, issues } = longRowsToQuarterInput(definition, quarterLabel, rows);
  return assessQuarterInput(definition, input, options, issues);
}
