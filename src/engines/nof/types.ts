/**
 * Types of Tend's NHS Oversight Framework (NOF) engine: the framework definition (the method as
 * versioned data), the engine's per-quarter input, and what each step returns.
 *
 * Source of the method: NHS England, NHS Oversight Framework 2025/26 methodology manual and the
 * segmentation and league table publications, as summarised (claim by claim, marked documented,
 * verified or inferred) in Tend's methodology note; see docs/nof.md.
 */

/** Organisation types the framework assesses. ICBs are segmented from 2026/27 only. */
export type OrganisationType = 'acute' | 'mental-health-and-community' | 'ambulance' | 'icb';

/** The five scored domains (a sixth, improving health and reducing inequalities, is contextual only). */
export type DomainId =
  | 'access-to-services'
  | 'patient-safety'
  | 'finance-and-productivity'
  | 'people-and-workforce'
  | 'effectiveness-and-experience';

/** How a claim about the method is known: NHS England states it, Tend reproduced it from the data, or it fits the data but is unstated. */
export type Provenance = 'documented' | 'verified' | 'inferred' | 'provisional';

export type Direction = 'higher-is-better' | 'lower-is-better';

export type Segment = 1 | 2 | 3 | 4;

/** Segment 5 is the Recovery Support Programme (the Provider Improvement Programme), a regional decision. */
export type FinalSegment = Segment | 5;

export type CutPoints = readonly [number, number, number];

/**
 * How a metric becomes a score from 1.00 (best) to 4.00 (worst).
 *
 * - `ranked`: the standard ranking model. `no-standard` ranks everyone from 1.00 to 4.00;
 *   `standard` gives 1.00 to everyone meeting it and ranks the rest from 2.00 to 4.00; `floor`
 *   gives 4.00 to everyone failing it and ranks the rest from 1.00 to 3.00.
 * - `thresholds`: discrete brackets. Thresholds are listed best first; the score is 1 plus the
 *   number of thresholds the value falls short of (below, for higher-is-better metrics).
 * - `rating`: a published rating label (or its number 1–4) maps straight to a score.
 * - `band`: the published value is already a band from 1 to 4, which is the score.
 * - `combined-finance`: derived from the two finance component scores (see `CombinedFinance`).
 */
export type MetricScoring =
  | { readonly kind: 'ranked'; readonly case: 'no-standard' }
  | { readonly kind: 'ranked'; readonly case: 'standard'; readonly standard: number }
  | { readonly kind: 'ranked'; readonly case: 'floor'; readonly floor: number }
  | { readonly kind: 'thresholds'; readonly thresholds: readonly number[] }
  | {
      readonly kind: 'rating';
      readonly ratings: readonly { readonly label: string; readonly score: number }[];
    }
  | { readonly kind: 'band' }
  | { readonly kind: 'combined-finance' };

/**
 * A metric's part in the average. `scored` metrics enter it; the two finance components enter
 * it only when finance is scored separately (the manual's worked example), and combined finance
 * only when it is combined (the published data).
 */
export type MetricRole = 'scored' | 'finance-component' | 'combined-finance';

/** Which organisations a metric is ranked against: the league-table peer group (trust type), or every organisation it applies to. */
export type RankedAgainst = 'peer-group' | 'national';

export interface MetricDefinition {
  /** The value's id in NHS England's files, e.g. `OF0082`. */
  readonly id: string;
  /** The score's id, e.g. `OF1082`. */
  readonly scoreId: string;
  readonly name: string;
  readonly domain: DomainId;
  readonly subDomain: string;
  readonly appliesTo: readonly OrganisationType[];
  /** Undefined for metrics whose value is not ordered (combined finance). */
  readonly direction: Direction | undefined;
  /** The period the published value covers, in words. */
  readonly basis: string;
  readonly units: string;
  readonly scoring: MetricScoring;
  /** Weight in the average: 1, or 1/3 for each of the three infection metrics. */
  readonly weight: number;
  readonly rankedAgainst: RankedAgainst;
  readonly role: MetricRole;
  /** How the scoring rule is known; `inferred` rules are used only when no published score is held, unless options say otherwise. */
  readonly scoringProvenance: Provenance;
  /** Fields of this definition that are inferred rather than documented or verified. */
  readonly inferred: readonly string[];
  readonly notes: string;
}

export interface DomainDefinition {
  readonly id: DomainId;
  readonly name: string;
  /** Domain score id in NHS England's files, e.g. `OF4000`. */
  readonly scoreId: string;
  /** Domain segment id, e.g. `OF4100`. */
  readonly segmentId: string;
}

/**
 * Combined finance: one score built from the planned surplus or deficit score and the
 * year-to-date variance score, which replaces both in the average. `matrix[planned − 1][variance − 1]`.
 */
export interface CombinedFinance {
  readonly metricId: string;
  readonly plannedMetricId: string;
  readonly varianceMetricId: string;
  readonly matrix: readonly (readonly number[])[];
  /** Cells seen in published data, as `[planned, variance]` score pairs; the rest follow the inferred rule. */
  readonly observedCells: readonly (readonly [number, number])[];
  readonly rule: string;
}

/** Metrics that entered one quarter's published averages at their 2 d.p. published score. */
export interface AveragedAtPublishedPrecision {
  readonly metricIds: readonly string[];
  readonly provenance: Provenance;
  /** What in the published data shows it. */
  readonly evidence: string;
}

export interface PublishedCutPoints {
  /** The cut points Tend uses: the midpoint of each interval. */
  readonly values: CutPoints;
  /**
   * For each boundary, the highest average published in the better segment and the lowest in
   * the worse one: the true cut point lies between them.
   */
  readonly intervals: readonly (readonly [number, number])[];
  readonly source: string;
}

export type Segmentation =
  | {
      readonly method: 'quartiles';
      /** NHS England computes one set of quartiles over every provider together (inferred). */
      readonly provenance: Provenance;
    }
  | {
      readonly method: 'fixed-thresholds';
      readonly thresholds: CutPoints;
      readonly provenance: Provenance;
    };

/** NHS England's ids for the published summary fields, used by the long-row adapter. */
export interface SummaryIds {
  readonly adjustedSegment: string;
  readonly averageMetricScore: string;
  readonly unadjustedSegment: string;
  readonly financialOverride: string;
  readonly finalSegment: string;
  readonly recoverySupportProgramme: string;
}

export interface FrameworkDefinition {
  readonly id: string;
  /** Financial year, e.g. `2025/26`. */
  readonly year: string;
  readonly name: string;
  readonly status: 'published' | 'provisional';
  readonly sources: readonly string[];
  readonly organisationTypes: readonly OrganisationType[];
  readonly segmentedOrganisationTypes: readonly OrganisationType[];
  /** How NHS England's files name each organisation type. */
  readonly organisationTypeLabels: Readonly<Record<OrganisationType, string>>;
  /**
   * How many organisations of each type NHS England assesses. An input holding at least this
   * many of a type holds it in full, so metrics ranked against it can be recomputed.
   */
  readonly organisationCounts: Readonly<Partial<Record<OrganisationType, number>>>;
  readonly domains: readonly DomainDefinition[];
  readonly metrics: readonly MetricDefinition[];
  readonly combinedFinance: CombinedFinance;
  readonly segmentation: Segmentation;
  /** Cut points for each published quarter, keyed by quarter label ("Q4 2025/26"). */
  readonly publishedCutPoints: Readonly<Record<string, PublishedCutPoints>>;
  /**
   * Ranked metrics whose 2 d.p. published score, not the unrounded one, entered a quarter's
   * published averages, keyed by quarter label. Absent or empty: every reconstructed score
   * enters unrounded.
   */
  readonly averagedAtPublishedPrecision?: Readonly<Record<string, AveragedAtPublishedPrecision>>;
  /** Segments a provider in deficit (or receiving deficit support) may not sit in; it is moved to `cap`. */
  readonly financialOverride: { readonly cap: Segment; readonly provenance: Provenance };
  readonly summaryIds: SummaryIds;
  readonly notes: readonly string[];
}

/** Published context for one metric observation, kept as details. */
export interface ObservationDetails {
  readonly median: number | null;
  readonly lowerQuartile: number | null;
  readonly upperQuartile: number | null;
  readonly units: string | null;
  readonly reportingDate: string | null;
}

/** One organisation's value and published score for one metric in one quarter. */
export interface MetricObservation {
  /** The metric definition's id (`OF0082`), or the score id of a metric the framework does not list. */
  readonly metricId: string;
  /** The published value: a number, a rating label, or null when suppressed or missing. */
  readonly value: number | string | null;
  /** NHS England's published score (OF1…), when held. */
  readonly publishedScore: number | null;
  /** NHS England's published rank of the value within the trust type (1 = best), when held. */
  readonly publishedRank: number | null;
  readonly details: ObservationDetails | null;
}

/** NHS England's published results for a trust, kept for comparison; the engine never reads them. */
export interface PublishedSummary {
  readonly averageMetricScore: number | null;
  readonly unadjustedSegment: number | null;
  readonly adjustedSegment: number | null;
  readonly finalSegment: number | null;
  readonly rank: number | null;
  readonly domainScores: Readonly<Partial<Record<DomainId, number>>>;
  readonly domainSegments: Readonly<Partial<Record<DomainId, number>>>;
}

export interface TrustInput {
  readonly code: string;
  readonly name: string;
  readonly organisationType: OrganisationType;
  /** The type as the source named it, e.g. "Mental health and community trust". */
  readonly organisationTypeLabel: string;
  readonly subtype: string | null;
  readonly region: string | null;
  /** Keyed by `MetricObservation.metricId`. */
  readonly observations: Readonly<Record<string, MetricObservation>>;
  /** In deficit or receiving deficit support, as NHS England publishes it; null when unknown. */
  readonly deficit: boolean | null;
  /** In the Recovery Support Programme (segment 5), where given; null when unknown. */
  readonly recoverySupportProgramme: boolean | null;
  readonly published: PublishedSummary | null;
}

/** Everything the engine needs for one quarter: plain data, never mutated. */
export interface QuarterInput {
  readonly quarter: string;
  readonly trusts: readonly TrustInput[];
}

/** Where a metric score came from. */
export type ScoreBasis = 'recomputed' | 'as-published' | 'derived';

export interface MetricScore {
  readonly metricId: string;
  readonly scoreId: string;
  readonly name: string;
  readonly domain: DomainId | null;
  readonly role: MetricRole;
  readonly value: number | string | null;
  /** The score used in averages: unrounded where Tend recomputed or reconstructed it. */
  readonly score: number;
  /** The score to 2 d.p., as NHS England publishes it. */
  readonly displayScore: number;
  readonly weight: number;
  /** Whether the score enters the average (finance components do only when finance is scored separately). */
  readonly entersAverage: boolean;
  readonly basis: ScoreBasis;
  /**
   * Why the score is NHS England's published one, as a clause ("ranked against all acute trusts
   * … in England, but the input holds only …"); null when Tend recomputed or derived it.
   */
  readonly basisReason: string | null;
  readonly publishedScore: number | null;
  /** Competition rank within the ranked set (1 = best) and the set's size, where known. */
  readonly rankedSet: {
    readonly rank: number;
    readonly size: number;
    readonly inferredFromPublishedScores: boolean;
  } | null;
}

/** How each metric was scored this quarter, across the input. */
export interface MetricStatus {
  readonly metricId: string;
  readonly name: string;
  /** The ranked set used (ranked metrics only). */
  readonly rankedAgainst: RankedAgainst | null;
  /** Organisations scored on the metric. */
  readonly scoredCount: number;
  readonly recomputedCount: number;
  readonly asPublishedCount: number;
  readonly derivedCount: number;
  /** In words: how the metric was scored and, where scores are as published, why. */
  readonly reason: string;
  /** Ranked-set size inferred from the published scores, for ranked metrics scored as published. */
  readonly inferredRankedSetSize: number | null;
  /** Recomputed or derived scores that differ from a held published score at 2 d.p. */
  readonly disagreementsWithPublished: number;
}
