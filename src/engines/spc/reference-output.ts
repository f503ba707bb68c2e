import type { SpecialCauseKind } from './codes.ts';
import { computeSpc } from './compute-spc.ts';
import type { ImprovementDirection, ResolvedSpcOptions, SpcOptions } from './options.ts';
import type { SpcRebase, SpcResult, SpcSeriesInput } from './types.ts';

/**
 * A case in the SPC conformance format (one JSON file per case): input values and dates, the
 * NHSRplotthedots options, and the reference output. See the conformance README for the schema.
 */
export interface SpcCase {
  readonly name: string;
  readonly description?: string;
  readonly options: {
    readonly improvement_direction?: ImprovementDirection;
    readonly screen_outliers?: boolean;
    readonly fix_after_n_points?: number | null;
    readonly rebase?: string | readonly string[] | Readonly<Record<string, string | readonly string[]>>;
    readonly target?: number | Readonly<Record<string, number>>;
    readonly facet_field?: string;
    readonly trajectory?: string;
  };
  readonly values: readonly (number | null)[];
  readonly dates: readonly string[];
  readonly facets?: readonly string[];
  readonly trajectory?: readonly (number | null)[];
  readonly expected?: unknown;
}

/** Per-point output, column-wise, with NHSRplotthedots' column names. */
export interface ReferencePerPoint {
  date: string[];
  facet?: string[];
  value: (number | null)[];
  rebase_group: number[];
  short_group_warning: boolean[];
  mean: (number | null)[];
  lpl: (number | null)[];
  upl: (number | null)[];
  amr_derived: (number | null)[];
  nlpl_2sigma_derived: (number | null)[];
  nupl_2sigma_derived: (number | null)[];
  outside_limits: (boolean | null)[];
  relative_to_mean: (number | null)[];
  close_to_limits: (boolean | null)[];
  special_cause_type: string[];
  special_cause_flag: boolean[];
  point_type: string[];
  target: (number | null)[];
  trajectory?: (number | null)[];
}

/** One icon, as NHSRplotthedots' `ptd_get_icons()` lists it. */
export interface ReferenceIcon {
  facet: string;
  type: 'variation' | 'assurance';
  icon: string;
}

/** One row of NHSRplotthedots' `summary()`. */
export interface ReferenceSummaryRow {
  f?: string;
  rebase_group?: number;
  mean_col: number | null;
  lpl: number | null;
  upl: number | null;
  n: number;
  common_cause: number;
  special_cause_improvement: number;
  special_cause_concern: number;
  variation_type: string;
  assurance_type?: string | null;
}

/** What `tend spc --case` prints for a case: the reference output's shape and vocabulary. */
export interface ReferenceOutput {
  name: string;
  per_point: ReferencePerPoint;
  icons: ReferenceIcon[];
  summary: ReferenceSummaryRow[];
}

/** The facet name NHSRplotthedots gives a series when there is no facet column. */
export const noFacetName = 'no facet';

/**
 * Turns a conformance case into `computeSpc` input. Rows are grouped by facet (facets in
 * sorted order, as NHSRplotthedots arranges them); rebase dates and targets, given for all
 * facets or per facet, go to their series. Rebases carry the reason "rebase given in the case".
 * `fix_after_n_points` is passed through even below 12: the cases test the calculation, and the
 * engine then only warns.
 */
export function spcCaseInput(spcCase: SpcCase): { series: SpcSeriesInput[]; options: SpcOptions } {
  if (spcCase === null || typeof spcCase !== 'object' || !Array.isArray(spcCase.values)) {
    throw new Error('invalid case: expected an object with values and dates');
  }
  if (!Array.isArray(spcCase.dates) || spcCase.dates.length !== spcCase.values.length) {
    throw new Error(`invalid case ${spcCase.name}: dates and values differ in length`);
  }
  const caseOptions = spcCase.options ?? {};
  const hasFacets = caseOptions.facet_field !== undefined && Array.isArray(spcCase.facets);
  const facetOf = (index: number): string => (hasFacets ? String(spcCase.facets?.[index]) : noFacetName);
  const facetNames = [...new Set(spcCase.values.map((_, index) => facetOf(index)))].sort(compareText);

  const series: SpcSeriesInput[] = facetNames.map((facet) => {
    const points = [];
    for (let index = 0; index < spcCase.values.length; index++) {
      if (facetOf(index) !== facet) continue;
      points.push({
        date: spcCase.dates[index],
        value: spcCase.values[index],
        trajectory: spcCase.trajectory?.[index] ?? null,
      });
    }
    return {
      facet,
      points,
      target: targetFor(caseOptions.target, facet),
      rebase: rebaseFor(caseOptions.rebase, facet),
    };
  });

  const options: SpcOptions = {
    improvementDirection: caseOptions.improvement_direction ?? 'increase',
    screenMovingRanges: caseOptions.screen_outliers ?? true,
    fixAfterPoints: caseOptions.fix_after_n_points ?? null,
  };
  return { series, options };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function targetFor(target: SpcCase['options']['target'], facet: string): number | null {
  if (target === undefined || target === null) return null;
  if (typeof target === 'number') return target;
  return Object.hasOwn(target, facet) ? target[facet] : null;
}

function rebaseFor(rebase: SpcCase['options']['rebase'], facet: string): SpcRebase[] {
  if (rebase === undefined || rebase === null) return [];
  let dates: string | readonly string[] | undefined;
  if (typeof rebase === 'string' || Array.isArray(rebase)) dates = rebase as string | readonly string[];
  else dates = (rebase as Readonly<Record<string, string | readonly string[]>>)[facet];
  if (dates === undefined) return [];
  const list = typeof dates === 'string' ? [dates] : dates;
  return list.map((date) => ({ date, reason: 'rebase given in the case' }));
}

/** NHSRplotthedots' label for a special-cause kind, e.g. "7 Point Trend (Increasing)". */
export function referenceSpecialCauseLabel(kind: SpecialCauseKind, options: ResolvedSpcOptions): string {
  switch (kind) {
    case 'above_upper_limit':
      return 'Above UCL';
    case 'below_lower_limit':
      return 'Below LCL';
    case 'trend_increasing':
      return `${options.trendPoints} Point Trend (Increasing)`;
    case 'trend_decreasing':
      return `${options.trendPoints} Point Trend (Decreasing)`;
    case 'two_in_three_above':
      return '2 in 3 Above CL';
    case 'two_in_three_below':
      return '2 in 3 Below CL';
    case 'shift_above':
      return `${options.shiftPoints} Points Above CL`;
    case 'shift_below':
      return `${options.shiftPoints} Points Below CL`;
    default:
      return 'Common Cause';
  }
}

const assuranceSummaryNames = {
  pass: 'consistent_pass',
  fail: 'consistent_fail',
  inconsistent: 'inconsistent',
};

/**
 * Lays a result out as NHSRplotthedots does: per-point columns sorted by (facet, date), the
 * icons (variation for every facet, then assurance), and `summary()` rows per facet and rebase
 * group. `amr_derived` and the 2σ lines are derived from the limits exactly as the conformance
 * cases derive them. Keys that NHSRplotthedots drops (facet, rebase group, assurance) are
 * dropped under the same conditions.
 */
export function toReferenceOutput(spcCase: SpcCase, result: SpcResult): ReferenceOutput {
  const caseOptions = spcCase.options ?? {};
  const withFacet = caseOptions.facet_field !== undefined;
  const withTrajectory = caseOptions.trajectory !== undefined;
  const withRebase = caseOptions.rebase !== undefined && caseOptions.rebase !== null;
  const withTarget = caseOptions.target !== undefined && caseOptions.target !== null;
  const sigma = result.options.sigmaConstant;

  const perPoint: ReferencePerPoint = {
    date: [],
    ...(withFacet ? { facet: [] } : {}),
    value: [],
    rebase_group: [],
    short_group_warning: [],
    mean: [],
    lpl: [],
    upl: [],
    amr_derived: [],
    nlpl_2sigma_derived: [],
    nupl_2sigma_derived: [],
    outside_limits: [],
    relative_to_mean: [],
    close_to_limits: [],
    special_cause_type: [],
    special_cause_flag: [],
    point_type: [],
    target: [],
    ...(withTrajectory ? { trajectory: [] } : {}),
  };
  const variation: ReferenceIcon[] = [];
  const assurance: ReferenceIcon[] = [];
  const summary: ReferenceSummaryRow[] = [];

  for (const series of result.series) {
    const facet = series.facet ?? noFacetName;
    for (let index = 0; index < series.dates.length; index++) {
      const group = series.groups[series.groupIndex[index]];
      const mean = group.centreLine;
      const upper = group.upperProcessLimit;
      const averageMovingRange = mean !== null && upper !== null ? (upper - mean) / sigma : null;
      const nearWidth = averageMovingRange === null ? null : ((2 * sigma) / 3) * averageMovingRange;
      perPoint.date.push(series.dates[index]);
      perPoint.facet?.push(facet);
      perPoint.value.push(series.values[index]);
      perPoint.rebase_group.push(group.index);
      perPoint.short_group_warning.push(group.shortGroupWarning);
      perPoint.mean.push(mean);
      perPoint.lpl.push(group.lowerProcessLimit);
      perPoint.upl.push(upper);
      perPoint.amr_derived.push(averageMovingRange);
      perPoint.nlpl_2sigma_derived.push(mean === null || nearWidth === null ? null : mean - nearWidth);
      perPoint.nupl_2sigma_derived.push(mean === null || nearWidth === null ? null : mean + nearWidth);
      perPoint.outside_limits.push(series.outsideLimits[index]);
      perPoint.relative_to_mean.push(series.relativeToMean[index]);
      perPoint.close_to_limits.push(series.closeToLimits[index]);
      perPoint.special_cause_type.push(
        referenceSpecialCauseLabel(series.specialCause[index], result.options),
      );
      perPoint.special_cause_flag.push(series.specialCause[index] !== 'common_cause');
      perPoint.point_type.push(series.pointType[index]);
      perPoint.target.push(series.targets[index]);
      perPoint.trajectory?.push(series.trajectories[index]);
    }
    if (series.variationIcon !== null)
      variation.push({ facet, type: 'variation', icon: series.variationIcon });
    if (series.assuranceIcon !== null)
      assurance.push({ facet, type: 'assurance', icon: series.assuranceIcon });
    series.groups.forEach((group, groupNumber) => {
      const isLast = groupNumber === series.groups.length - 1;
      const row: ReferenceSummaryRow = {
        ...(withFacet ? { f: facet } : {}),
        ...(withRebase ? { rebase_group: group.index } : {}),
        mean_col: group.centreLine,
        lpl: group.lowerProcessLimit,
        upl: group.upperProcessLimit,
        n: group.rowCount,
        common_cause: group.commonCause,
        special_cause_improvement: group.improvement,
        special_cause_concern: group.concern,
        variation_type: group.variationType,
      };
      if (withTarget) {
        row.assurance_type =
          isLast && series.assuranceIcon !== null ? assuranceSummaryNames[series.assuranceIcon] : null;
      }
      summary.push(row);
    });
  }
  return { name: spcCase.name, per_point: perPoint, icons: [...variation, ...assurance], summary };
}

/**
 * Runs one conformance case through `computeSpc` and lays the result out like its
 * `expected.reference_output`. This is what `tend spc --case` prints, one JSON line per case.
 */
export function runSpcCase(spcCase: SpcCase): ReferenceOutput {
  const { series, options } = spcCaseInput(spcCase);
  return toReferenceOutput(spcCase, computeSpc(series, options));
}
