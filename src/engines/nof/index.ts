/**
 * Tend's NHS Oversight Framework engine: segmentation and league tables reproduced from NHS
 * England's published data, with likely ranges and explanations. Pure functions over plain
 * data; see docs/nof.md.
 */

export { formatQuarterLabel, parseQuarterLabel, previousQuarterLabel } from '../../domain/quarter.ts';
export type { CutPointsUsed, LeagueRow, QuarterAssessment, TrustAssessment } from './assess.ts';
// Entry points (the CLI's `tend assess` and `tend explain`, and the API)
export { assessQuarter, assessQuarterInput, formatRange } from './assess.ts';
export { averageMetricScore, averageOfScores, domainScores, scoresEnteringAverage } from './average-score.ts';
export type { SegmentChange } from './changes.ts';
export { segmentChanges } from './changes.ts';
export type { NofCoverage } from './coverage.ts';
export { nhsEnglandLeagueTablesHref, nofCoverage, whyNoSegment } from './coverage.ts';
export { combinedFinanceScore, scoreBand, scoreByThresholds, scoreRating } from './discrete-score.ts';
export type {
  BoundaryDistance,
  ChangeFromPrevious,
  CombinedMove,
  MetricExplanation,
  OverrideEffect,
  SegmentMove,
  TrustExplanation,
} from './explain.ts';
export { explainAssessedTrust, explainTrust, ordinal } from './explain.ts';
export { applyFinancialOverride, finalSegment } from './financial-override.ts';
// The method as versioned data, and its options
export { findMetric, frameworkForQuarter, frameworks, getFramework } from './frameworks.ts';
export { leagueRanks } from './league-rank.ts';
export { likelyRanges } from './likely-ranges.ts';
export type { LongRowIssue, NofLongRow } from './long-rows.ts';
// Input: long rows as the store holds them
export { longRowsToQuarterInput, organisationTypeFromLabel } from './long-rows.ts';
export { nof202526 } from './nof-2025-26.ts';
export { nof202627 } from './nof-2026-27.ts';
export type { NofOptions, ResolvedNofOptions } from './options.ts';
export { resolveNofOptions } from './options.ts';
export { scoreRanked } from './ranked-score.ts';
export { reconstructUnroundedScores } from './reconstruct-published-scores.ts';
// The steps, one pure function each
export { scoreMetric, scoreQuarterMetrics } from './score-metrics.ts';
export { distancesToCutPoints, quartileCutPoints, segmentFromAverage } from './segment.ts';
export { describeSegment, segmentDescriptions } from './segment-descriptions.ts';

export type * from './types.ts';
