import type { QuantileMethod } from '../stats/quantile-sorted.ts';
import type { CutPoints, FrameworkDefinition, OrganisationType, RankedAgainst } from './types.ts';

/**
 * Options of the NOF engine. Every part of the method that NHS England has not stated (the
 * methodology note marks it inferred) is a named option here, with the default that best fits
 * the published data. Leave an option out to take its default.
 */
export interface NofOptions {
  /**
   * Where the segment cut points come from. `framework` (default where the framework carries
   * the quarter): the cut points inside the intervals the published segments imply. `computed`:
   * quartiles (2025/26) or fixed thresholds (2026/27) over the input. Or three numbers to use.
   */
  readonly cutPoints?: 'framework' | 'computed' | CutPoints;
  /** Who the quartiles are computed over: every organisation in the input together (inferred, default), or each peer group separately. */
  readonly quartilePopulation?: 'all-organisations' | 'peer-group';
  /** Quantile definition for the quartiles (not published): `linear` (R type 7, default), `weibull` (type 6), `inverted-cdf` (type 1). */
  readonly quartileMethod?: QuantileMethod;
  /** Which segment an average exactly on a cut point falls in (not published): `better-segment` (default) or `worse-segment`. */
  readonly onCutPoint?: 'better-segment' | 'worse-segment';
  /** Per-metric override of the ranked set (`{ OF0082: 'peer-group' }`); the framework's values are inferred for most metrics. */
  readonly rankedAgainst?: Readonly<Record<string, RankedAgainst>>;
  /**
   * Organisation types the input holds in full. A metric is recomputed from its values only
   * when its whole ranked set is held (the peer group, or every type a national metric applies
   * to); otherwise its published score is used, marked as published. Default: the types with at
   * least as many organisations in the input as the framework assesses (`organisationCounts`).
   */
  readonly heldOrganisationTypes?: readonly OrganisationType[];
  /** A score id the framework does not list: used as published with weight 1 (default), or left out. */
  readonly unlistedMetrics?: 'include-as-published' | 'leave-out';
  /**
   * When to recompute a score from its value rather than use NHS England's published score:
   * `recompute-where-verified` (default) recomputes metrics whose scoring rule is verified or
   * documented and uses the published score otherwise; `recompute-where-possible` recomputes
   * whenever the value and ranked set are held; `published-where-available` uses every published score it has.
   */
  readonly scoreSource?:
    | 'recompute-where-verified'
    | 'recompute-where-possible'
    | 'published-where-available';
  /**
   * Values are published to 2 d.p. but ranked unrounded. `published-peer-rank` (default) orders
   * values that tie at 2 d.p. by NHS England's published within-peer-group rank, for metrics
   * ranked within the peer group; `none` lets them tie.
   */
  readonly tieBreak?: 'published-peer-rank' | 'none';
  /**
   * Published scores are rounded to 2 d.p. `reconstruct-unrounded` (default) recovers the
   * unrounded score of a ranked metric from the ranked-set size that fits all its published
   * scores, so averages are taken over unrounded scores as NHS England takes them;
   * `as-published` averages the 2 d.p. scores.
   */
  readonly publishedScorePrecision?: 'reconstruct-unrounded' | 'as-published';
  /**
   * `framework` (default): a quarter's metrics that the framework finds entered that quarter's
   * published averages at 2 d.p. (`averagedAtPublishedPrecision`, inferred; in 2025/26 three
   * metrics in Q1) are taken as published; `uniform`: `publishedScorePrecision` for every metric.
   */
  readonly quarterPrecision?: 'framework' | 'uniform';
  /** `combined` (default, verified): combined finance enters the average; `separate`: the two finance scores do (the manual's worked example). */
  readonly financeScoring?: 'combined' | 'separate';
  /** Override the thresholds of a threshold-scored metric (`{ OF0079: [0, -1, -2] }`), best first. */
  readonly thresholds?: Readonly<Record<string, readonly number[]>>;
  /** With only some of the three infection metrics: each keeps one third (default), or those present share a weight of one. */
  readonly partialInfectionWeight?: 'one-third-each' | 'share-one';
  /** Segment 5 from the Recovery Support Programme flag where given (default), or never. */
  readonly segmentFive?: 'from-recovery-support-flag' | 'never';
  /** Bootstrap replicates for the likely ranges; 0 leaves them out. Default 4,000. */
  readonly replicates?: number;
  /** Seed of the bootstrap's random numbers. Default 1. */
  readonly seed?: number;
  /** Coverage of the likely ranges. Default 0.95 (the 2.5th to 97.5th percentiles). */
  readonly likelyRangeCoverage?: number;
  /**
   * How a change in average score since the previous quarter is judged: a signal when the
   * previous average lies outside this quarter's likely range (default), or only when the two
   * quarters' likely ranges do not overlap.
   */
  readonly changeTest?: 'previous-outside-likely-range' | 'likely-ranges-do-not-overlap';
}

export type ResolvedNofOptions = {
  readonly [Key in keyof NofOptions]-?: Exclude<NofOptions[Key], undefined>;
};

const defaults: Omit<ResolvedNofOptions, 'cutPoints' | 'heldOrganisationTypes'> = {
  quartilePopulation: 'all-organisations',
  quartileMethod: 'linear',
  onCutPoint: 'better-segment',
  rankedAgainst: {},
  scoreSource: 'recompute-where-verified',
  tieBreak: 'published-peer-rank',
  publishedScorePrecision: 'reconstruct-unrounded',
  quarterPrecision: 'framework',
  financeScoring: 'combined',
  thresholds: {},
  partialInfectionWeight: 'one-third-each',
  unlistedMetrics: 'include-as-published',
  segmentFive: 'from-recovery-support-flag',
  replicates: 4000,
  seed: 1,
  likelyRangeCoverage: 0.95,
  changeTest: 'previous-outside-likely-range',
};

function keyword<T extends string>(
  name: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new Error(`invalid ${name}: ${value}`);
  return value;
}

/**
 * Checks options once, at the door, and fills in defaults.
 *
 * @param framework the framework being applied
 * @param options what the caller set
 * @param heldByDefault organisation types the input holds in full (the default for `heldOrganisationTypes`)
 * @throws `invalid <option>: <value>` for a value the option does not accept
 */
export function resolveNofOptions(
  framework: FrameworkDefinition,
  options: NofOptions = {},
  heldByDefault: readonly OrganisationType[] = [],
): ResolvedNofOptions {
  const cutPoints: ResolvedNofOptions['cutPoints'] = options.cutPoints ?? 'framework';
  if (Array.isArray(cutPoints)) {
    const [first, second, third] = cutPoints as CutPoints;
    if (
      cutPoints.length !== 3 ||
      !cutPoints.every(Number.isFinite) ||
      !(first <= second && second <= third)
    ) {
      throw new Error(`invalid cutPoints: ${cutPoints.join(', ')}`);
    }
  } else if (cutPoints !== 'framework' && cutPoints !== 'computed') {
    throw new Error(`invalid cutPoints: ${String(cutPoints)}`);
  }
  const replicates = options.replicates ?? defaults.replicates;
  if (!Number.isInteger(replicates) || replicates < 0) throw new Error(`invalid replicates: ${replicates}`);
  const seed = options.seed ?? defaults.seed;
  if (!Number.isSafeInteger(seed)) throw new Error(`invalid seed: ${seed}`);
  const coverage = options.likelyRangeCoverage ?? defaults.likelyRangeCoverage;
  if (!(coverage > 0 && coverage < 1)) throw new Error(`invalid likelyRangeCoverage: ${coverage}`);
  for (const [metricId, scope] of Object.entries(options.rankedAgainst ?? {})) {
    if (scope !== 'peer-group' && scope !== 'national')
      throw new Error(`invalid rankedAgainst: ${metricId}=${scope}`);
  }
  for (const [metricId, thresholds] of Object.entries(options.thresholds ?? {})) {
    if (thresholds.length !== 3 || !thresholds.every(Number.isFinite)) {
      throw new Error(`invalid thresholds: ${metricId}=${thresholds.join(', ')}`);
    }
  }
  const heldOrganisationTypes = options.heldOrganisationTypes ?? heldByDefault;
  for (const type of heldOrganisationTypes) {
    if (!framework.organisationTypes.includes(type))
      throw new Error(`invalid heldOrganisationTypes: ${type}`);
  }
  return {
    cutPoints,
    quartilePopulation: keyword(
      'quartilePopulation',
      options.quartilePopulation,
      ['all-organisations', 'peer-group'],
      defaults.quartilePopulation,
    ),
    quartileMethod: keyword(
      'quartileMethod',
      options.quartileMethod,
      ['linear', 'weibull', 'inverted-cdf'],
      defaults.quartileMethod,
    ),
    onCutPoint: keyword(
      'onCutPoint',
      options.onCutPoint,
      ['better-segment', 'worse-segment'],
      defaults.onCutPoint,
    ),
    rankedAgainst: options.rankedAgainst ?? defaults.rankedAgainst,
    heldOrganisationTypes,
    scoreSource: keyword(
      'scoreSource',
      options.scoreSource,
      ['recompute-where-verified', 'recompute-where-possible', 'published-where-available'],
      defaults.scoreSource,
    ),
    tieBreak: keyword('tieBreak', options.tieBreak, ['published-peer-rank', 'none'], defaults.tieBreak),
    publishedScorePrecision: keyword(
      'publishedScorePrecision',
      options.publishedScorePrecision,
      ['reconstruct-unrounded', 'as-published'],
      defaults.publishedScorePrecision,
    ),
    quarterPrecision: keyword(
      'quarterPrecision',
      options.quarterPrecision,
      ['framework', 'uniform'],
      defaults.quarterPrecision,
    ),
    financeScoring: keyword(
      'financeScoring',
      options.financeScoring,
      ['combined', 'separate'],
      defaults.financeScoring,
    ),
    thresholds: options.thresholds ?? defaults.thresholds,
    partialInfectionWeight: keyword(
      'partialInfectionWeight',
      options.partialInfectionWeight,
      ['one-third-each', 'share-one'],
      defaults.partialInfectionWeight,
    ),
    unlistedMetrics: keyword(
      'unlistedMetrics',
      options.unlistedMetrics,
      ['include-as-published', 'leave-out'],
      defaults.unlistedMetrics,
    ),
    segmentFive: keyword(
      'segmentFive',
      options.segmentFive,
      ['from-recovery-support-flag', 'never'],
      defaults.segmentFive,
    ),
    replicates,
    seed,
    likelyRangeCoverage: coverage,
    changeTest: keyword(
      'changeTest',
      options.changeTest,
      ['previous-outside-likely-range', 'likely-ranges-do-not-overlap'],
      defaults.changeTest,
    ),
  };
}
