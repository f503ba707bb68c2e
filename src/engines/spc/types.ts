import type { AssuranceIcon, ChartKind, PointType, SpecialCauseKind, VariationIcon } from './codes.ts';
import type { ImprovementDirection, ResolvedSpcOptions } from './options.ts';
import type { SpcColumns } from './spc-columns.ts';

/** One observation of a series. */
export interface SpcPointInput {
  /** Calendar date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The value; `null`, `undefined`, `NaN` and ±`Infinity` are all treated as missing. */
  readonly value: number | null | undefined;
  /** Target at this date, overriding the series target (MDC allows targets that vary by date). */
  readonly target?: number | null;
  /** Trajectory at this date: drawn as a line, never used in a calculation. */
  readonly trajectory?: number | null;
}

/** A rebase: from `date` on, the series gets a new centre line and limits. */
export interface SpcRebase {
  /** The first date of the new period; it must be the date of one of the series' points. */
  readonly date: string;
  /** Why the process changed (Making Data Count: rebase only once the change is understood). */
  readonly reason: string;
}

/** One series ("facet") to chart. */
export interface SpcSeriesInput {
  /** Name of the series, e.g. an organisation code; `null` or absent for a lone series. */
  readonly facet?: string | null;
  /** Observations in any order; they are sorted by date. */
  readonly points: readonly SpcPointInput[];
  /** Target for every point that has none of its own. */
  readonly target?: number | null;
  /** Rebases of this series. */
  readonly rebase?: readonly SpcRebase[];
  /** Overrides `options.improvementDirection` for this series. */
  readonly improvementDirection?: ImprovementDirection;
}

/** Codes of the data conditions an SPC calculation reports instead of failing. */
export type SpcWarningCode =
  | 'no-data'
  | 'missing-values'
  | 'non-finite-values'
  | 'duplicate-dates'
  | 'rebase-date-not-found'
  | 'rebase-at-first-point'
  | 'rebase-without-reason'
  | 'too-few-points'
  | 'short-group'
  | 'limits-undefined'
  | 'fix-after-too-few';

/** A data condition worth telling the user about. */
export interface SpcWarning {
  readonly code: SpcWarningCode;
  /** A plain-English sentence. */
  readonly message: string;
  /** The series it concerns, or `null` for the whole calculation or a lone series. */
  readonly facet: string | null;
  /** The date it concerns, if one. */
  readonly date?: string;
}

/** Counts of point types. */
export interface SpcPointTypeCounts {
  /** Points not flagged by any rule, including points with no value. */
  readonly commonCause: number;
  readonly improvement: number;
  readonly concern: number;
  readonly neutralHigh: number;
  readonly neutralLow: number;
}

/** One rebase group of a series: a stretch of points sharing a centre line and limits. */
export interface SpcGroupResult extends SpcPointTypeCounts {
  /** 0 for the first group, then 1 after the first rebase, and so on. */
  readonly index: number;
  /** Index of its first point in the series' point columns. */
  readonly startIndex: number;
  /** Index after its last point. */
  readonly endIndex: number;
  readonly startDate: string;
  readonly endDate: string;
  /** Reason given for the rebase that started this group; `null` for the first group. */
  readonly rebaseReason: string | null;
  /** `'xmr'` with process limits, or `'run'` (too few values: median centre line, no limits, no signals). */
  readonly chart: ChartKind;
  readonly rowCount: number;
  readonly valueCount: number;
  /** Rows the centre line and limits were calculated from (the fixed baseline). */
  readonly baselineRowCount: number;
  /** Mean of the baseline (XmR) or median of the group (run chart); `null` if there are no values. */
  readonly centreLine: number | null;
  /** Average moving range after screening; `null` when it cannot be calculated. */
  readonly averageMovingRange: number | null;
  readonly lowerProcessLimit: number | null;
  readonly upperProcessLimit: number | null;
  readonly lowerTwoSigma: number | null;
  readonly upperTwoSigma: number | null;
  readonly lowerOneSigma: number | null;
  readonly upperOneSigma: number | null;
  /** Fewer rows than `minimumPointsWarning`: the limits are trial limits. */
  readonly shortGroupWarning: boolean;
  /** Point type of the group's last point (NHSRplotthedots' `variation_type`). */
  readonly variationType: PointType;
}

/** A per-series summary, for tables of many series. */
export interface SpcSeriesSummary extends SpcPointTypeCounts {
  readonly pointCount: number;
  readonly valueCount: number;
  readonly missingCount: number;
  readonly groupCount: number;
  readonly latestDate: string | null;
  readonly latestValue: number | null;
  readonly latestPointType: PointType | null;
  readonly latestSpecialCause: SpecialCauseKind | null;
  readonly variationIcon: VariationIcon | null;
  readonly assuranceIcon: AssuranceIcon | null;
}

/**
 * The XmR chart of one series. Per-point columns are in date order and share their index;
 * `groupIndex[i]` points into `groups` for the centre line and limits of point `i`.
 */
export interface SpcSeriesResult {
  readonly facet: string | null;
  readonly improvementDirection: ImprovementDirection;
  readonly dates: readonly string[];
  /** Values, `null` where missing (including NaN or ±Infinity in the input). */
  readonly values: readonly (number | null)[];
  readonly targets: readonly (number | null)[];
  readonly trajectories: readonly (number | null)[];
  readonly groupIndex: readonly number[];
  /** Sign of (value − centre line); `null` where the value or the centre line is missing. */
  readonly relativeToMean: readonly (-1 | 0 | 1 | null)[];
  /** Strictly beyond a process limit; `null` where the value or the limits are missing. */
  readonly outsideLimits: readonly (boolean | null)[];
  /** Beyond a 2σ line but within the limits (or beyond, with `twoInThreeIncludeBeyondLimits`); `null` as above. */
  readonly closeToLimits: readonly (boolean | null)[];
  /** The rule that decided each point. */
  readonly specialCause: readonly SpecialCauseKind[];
  readonly pointType: readonly PointType[];
  readonly groups: readonly SpcGroupResult[];
  /** Variation icon of the latest point; `null` with no data or when the latest group is a run chart. */
  readonly variationIcon: VariationIcon | null;
  /** Assurance icon; `null` with no target, a neutral direction or a run chart. */
  readonly assuranceIcon: AssuranceIcon | null;
  /** The target at the latest point, which the assurance icon is based on. */
  readonly target: number | null;
  readonly summary: SpcSeriesSummary;
  readonly warnings: readonly SpcWarning[];
}

/** The result of `computeSpc`: one chart per series, in input order. */
export interface SpcResult {
  readonly options: ResolvedSpcOptions;
  readonly series: readonly SpcSeriesResult[];
  /** Every warning, of every series. */
  readonly warnings: readonly SpcWarning[];
  /** The underlying column-oriented result (series in input order, points sorted by date). */
  readonly columns: SpcColumns;
}
