import { parseQuarterLabel, previousQuarterLabel } from '../../domain/quarter.ts';
import { roundHalfUp } from '../stats/round-half-up.ts';
import { assessQuarter, type QuarterAssessment, type TrustAssessment } from './assess.ts';
import { averageOfScores, scoresEnteringAverage } from './average-score.ts';
import { combinedFinanceScore, scoreByThresholds } from './discrete-score.ts';
import { frameworkForQuarter, getFramework } from './frameworks.ts';
import type { NofLongRow } from './long-rows.ts';
import type { NofOptions } from './options.ts';
import { scoreRanked } from './ranked-score.ts';
import { rankedScopeOf } from './score-metrics.ts';
import { segmentFromAverage } from './segment.ts';
import type {
  CutPoints,
  DomainId,
  FrameworkDefinition,
  MetricDefinition,
  MetricScore,
  OrganisationType,
  ScoreBasis,
  Segment,
} from './types.ts';

/** One metric's part in a trust's result. */
export interface MetricExplanation {
  readonly metricId: string;
  readonly name: string;
  readonly domain: DomainId | null;
  readonly value: number | string | null;
  readonly units: string | null;
  /** 2 d.p., as published. */
  readonly score: number;
  readonly unroundedScore: number;
  readonly weight: number;
  readonly entersAverage: boolean;
  /**
   * How far the metric moves the average: the average minus the average without it. Positive
   * pulls the average up (worse), negative down (better); null when it does not enter the average.
   */
  readonly pull: number | null;
  readonly basis: ScoreBasis;
  /** Why the score is as published; null when Tend recomputed it. */
  readonly basisReason: string | null;
  readonly rankedSet: MetricScore['rankedSet'];
}

export interface BoundaryDistance {
  /** 1 is the boundary between segments 1 and 2, and so on. */
  readonly boundary: 1 | 2 | 3;
  readonly cutPoint: number;
  /** Average minus cut point: negative on the better side. */
  readonly distance: number;
}

/** The smallest change in one metric that would change the (unadjusted) segment. */
export interface SegmentMove {
  readonly metricId: string;
  readonly name: string;
  readonly towards: 'better' | 'worse';
  readonly targetSegment: Segment;
  readonly possible: boolean;
  readonly currentScore: number;
  /** The worst score that still reaches a better segment, or the best score that reaches a worse one (2 d.p.). */
  readonly scoreNeeded: number | null;
  readonly currentValue: number | string | null;
  /** The value that gets there, where Tend can work it out from the values held. */
  readonly valueNeeded: number | string | null;
  /** How the value must compare with `valueNeeded`. */
  readonly comparison: 'at-least' | 'at-most' | 'above' | 'below' | 'equal-to' | null;
  readonly valueChange: number | null;
  /** Why no value is given, or anything else to know. */
  readonly note: string | null;
}

/**
 * The fewest metrics that together would change the (unadjusted) segment when no single metric
 * can: the metrics with the most room to move, all but the last at the best (or worst) score and
 * the last at the score needed, the cut points held fixed.
 */
export interface CombinedMove {
  readonly towards: 'better' | 'worse';
  readonly targetSegment: Segment;
  /** False when even every metric at the best (or worst) score would not reach the segment. */
  readonly possible: boolean;
  readonly metrics: readonly {
    readonly metricId: string;
    readonly name: string;
    readonly currentScore: number;
    readonly scoreNeeded: number;
  }[];
}

/** What the financial override does to this trust, or would do if its finances changed. */
export interface OverrideEffect {
  /** The segment it would be in if it went into deficit or received deficit support (null when that changes nothing). */
  readonly ifInDeficit: Segment | null;
  /** The segment its average alone gives, where the override holds it lower. */
  readonly withoutDeficit: Segment | null;
  /** The segment the override caps a trust in deficit at. */
  readonly cap: Segment;
}

export interface ChangeFromPrevious {
  readonly previousQuarter: string;
  readonly previousAverage: number;
  readonly currentAverage: number;
  readonly change: number;
  readonly previousSegment: Segment | null;
  readonly currentSegment: Segment | null;
  readonly likelyRange: readonly [number, number] | null;
  readonly previousLikelyRange: readonly [number, number] | null;
  readonly test: 'previous-outside-likely-range' | 'likely-ranges-do-not-overlap';
  /** `signal`: larger than the likely range explains; `noise`: within it; `not-tested` without likely ranges. */
  readonly verdict: 'signal' | 'noise' | 'not-tested';
}

export interface TrustExplanation {
  readonly quarter: string;
  readonly framework: string;
  readonly trust: {
    readonly code: string;
    readonly name: string;
    readonly organisationType: OrganisationType;
    readonly organisationTypeLabel: string;
  };
  readonly averageMetricScore: number | null;
  readonly unroundedAverage: number | null;
  readonly unadjustedSegment: Segment | null;
  readonly adjustedSegment: Segment | null;
  readonly finalSegment: number | null;
  readonly rank: number | null;
  readonly peerGroupSize: number;
  readonly likelyRange: TrustAssessment['likelyRange'];
  readonly cutPoints: CutPoints | null;
  readonly metrics: readonly MetricExplanation[];
  readonly boundaries: readonly BoundaryDistance[];
  readonly financialOverride: {
    readonly deficit: boolean | null;
    readonly applied: boolean;
    readonly unadjustedSegment: Segment | null;
    readonly adjustedSegment: Segment | null;
  };
  readonly moves: readonly SegmentMove[];
  /** Where no single metric can change the segment in a direction: the smallest combination that can. */
  readonly combinedMoves: readonly CombinedMove[];
  readonly overrideEffect: OverrideEffect | null;
  readonly change: ChangeFromPrevious | null;
  /** Metrics whose score is NHS England's published one rather than Tend's recomputation. */
  readonly asPublished: readonly string[];
  /** The explanation in plain English, one sentence per entry. */
  readonly sentences: readonly string[];
}

interface AssessedTrust {
  readonly quarter: string;
  readonly trust: TrustAssessment;
}

const typeNames: Record<OrganisationType, string> = {
  acute: 'acute trusts',
  'mental-health-and-community': 'mental health and community trusts',
  ambulance: 'ambulance trusts',
  icb: 'ICBs',
};

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(value: number): string {
  const lastTwo = value % 100;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][value % 10] ?? 'th');
  return `${value}${suffix}`;
}

const twoPlaces = (value: number) => roundHalfUp(value, 2).toFixed(2);

function formatValue(value: number | string | null, units: string | null): string {
  if (value === null) return 'no value';
  if (typeof value === 'string') return value;
  const number = String(roundHalfUp(value, 2));
  if (units === '%') return `${number}%`;
  if (units === '% of income') return `${number}% of income`;
  if (!units || units === 'score' || units === 'band' || units === 'rating') return number;
  return `${number} ${units}`;
}

interface Context {
  readonly definition: FrameworkDefinition;
  readonly assessment: QuarterAssessment;
  readonly trust: TrustAssessment;
  readonly cutPoints: CutPoints;
  readonly onCutPoint: 'better-segment' | 'worse-segment';
}

/** The trust's unadjusted segment if one metric's score became `newScore` (finance components flow through combined finance). */
function segmentWithScore(context: Context, metric: MetricScore, newScore: number): Segment | null {
  const { definition, assessment, trust } = context;
  const options = assessment.options;
  const combined = definition.combinedFinance;
  let scores = trust.metricScores.map((entry) =>
    entry.metricId === metric.metricId ? { ...entry, score: newScore } : entry,
  );
  if (
    metric.role === 'finance-component' &&
    options.financeScoring === 'combined' &&
    (metric.metricId === combined.plannedMetricId || metric.metricId === combined.varianceMetricId)
  ) {
    const planned = scores.find((entry) => entry.metricId === combined.plannedMetricId);
    const variance = scores.find((entry) => entry.metricId === combined.varianceMetricId);
    const current = scores.find((entry) => entry.metricId === combined.metricId);
    if (!planned || !variance || !current || current.basis !== 'derived') return null;
    const derived = combinedFinanceScore(planned.score, variance.score, combined);
    if (derived === null) return null;
    scores = scores.map((entry) =>
      entry.metricId === combined.metricId ? { ...entry, score: derived } : entry,
    );
  }
  const average = averageOfScores(scoresEnteringAverage(scores, options));
  return average ? segmentFromAverage(average.average, context.cutPoints, context.onCutPoint) : null;
}

function reaches(segment: Segment | null, target: Segment, towards: 'better' | 'worse'): boolean {
  return segment !== null && (towards === 'better' ? segment <= target : segment >= target);
}

/** The threshold score for a metric on a continuous scale (bisection; the segment is monotone in the score). */
function scoreThreshold(
  context: Context,
  metric: MetricScore,
  target: Segment,
  towards: 'better' | 'worse',
): number | null {
  const extreme = towards === 'better' ? 1 : 4;
  if (!reaches(segmentWithScore(context, metric, extreme), target, towards)) return null;
  let reached = extreme;
  let notReached = metric.score;
  for (let step = 0; step < 40; step++) {
    const middle = (reached + notReached) / 2;
    if (reaches(segmentWithScore(context, metric, middle), target, towards)) reached = middle;
    else notReached = middle;
  }
  // Report a 2 d.p. score that is on the reaching side.
  const rounded =
    towards === 'better' ? Math.floor(reached * 100 + 1e-9) / 100 : Math.ceil(reached * 100 - 1e-9) / 100;
  return reaches(segmentWithScore(context, metric, rounded), target, towards)
    ? rounded
    : roundHalfUp(reached, 2);
}

interface Candidate {
  readonly value: number | string;
  readonly score: number;
  readonly comparison: SegmentMove['comparison'];
  readonly distance: number;
}

/** Values the metric could take, with the score each gives the trust (others' values held fixed). */
function valueCandidates(
  context: Context,
  metric: MetricScore,
  definition: MetricDefinition,
  towards: 'better' | 'worse',
): Candidate[] | null {
  const { assessment, trust } = context;
  const options = assessment.options;
  const scoring = definition.scoring;
  const direction = definition.direction;
  const current = metric.value;
  if (metric.basis !== 'recomputed' || direction === undefined) return null;
  const better = (a: number, b: number) => (direction === 'higher-is-better' ? a > b : a < b);
  const nudge = (value: number) => {
    const step = Math.max(1e-9, Math.abs(value) * 1e-12);
    return towards === 'worse' ? (direction === 'higher-is-better' ? value - step : value + step) : value;
  };
  const atLeast = direction === 'higher-is-better' ? 'at-least' : 'at-most';
  const beyond = direction === 'higher-is-better' ? 'below' : 'above';

  if (scoring.kind === 'ranked' && typeof current === 'number') {
    const scope = rankedScopeOf(definition, options);
    const group = assessment.input.trusts.filter(
      (other) =>
        typeof other.observations[definition.id]?.value === 'number' &&
        (scope === 'national' || other.organisationType === trust.organisationType),
    );
    const ownIndex = group.findIndex((other) => other.code === trust.code);
    if (ownIndex < 0) return null;
    const values = group.map((other) => other.observations[definition.id].value as number);
    const scoreAt = (value: number) => {
      const entries = values.map((held, index) => ({
        value: index === ownIndex ? value : held,
        tieBreak: null,
      }));
      return scoreRanked(entries, direction, scoring)[ownIndex].score;
    };
    const targets = new Set<number>(values.filter((_, index) => index !== ownIndex));
    if (scoring.case === 'standard') targets.add(scoring.standard);
    if (scoring.case === 'floor') targets.add(scoring.floor);
    const candidates: Candidate[] = [];
    for (const target of targets) {
      if (towards === 'better' ? !better(target, current) : better(target, current)) continue;
      candidates.push({
        value: target,
        score: scoreAt(nudge(target)),
        comparison: towards === 'better' ? atLeast : beyond,
        distance: Math.abs(target - current),
      });
    }
    return candidates;
  }
  if (scoring.kind === 'thresholds' && typeof current === 'number') {
    const thresholds = options.thresholds[definition.id] ?? scoring.thresholds;
    const meets = (threshold: number) =>
      direction === 'higher-is-better' ? current >= threshold : current <= threshold;
    return thresholds
      .filter((threshold) => (towards === 'better' ? !meets(threshold) : meets(threshold)))
      .map((threshold) => ({
        value: threshold,
        score: scoreByThresholds(nudge(threshold), thresholds, direction),
        comparison: towards === 'better' ? atLeast : beyond,
        distance: Math.abs(threshold - current),
      }));
  }
  if (scoring.kind === 'rating' || scoring.kind === 'band') {
    const bands =
      scoring.kind === 'rating'
        ? scoring.ratings.map((rating) => ({ value: rating.label, score: rating.score }))
        : [1, 2, 3, 4].map((band) => ({ value: band, score: band }));
    return bands
      .filter((band) => (towards === 'better' ? band.score < metric.score : band.score > metric.score))
      .map((band) => ({
        value: band.value,
        score: band.score,
        comparison: 'equal-to' as const,
        distance: Math.abs(band.score - metric.score),
      }));
  }
  return null;
}

function moveFor(context: Context, metric: MetricScore, towards: 'better' | 'worse'): SegmentMove | null {
  const current = context.trust.unadjustedSegment;
  if (current === null) return null;
  const target = (towards === 'better' ? current - 1 : current + 1) as Segment;
  if (target < 1 || target > 4) return null;
  const definition = context.definition.metrics.find((entry) => entry.id === metric.metricId);
  const base = {
    metricId: metric.metricId,
    name: metric.name,
    towards,
    targetSegment: target,
    currentScore: metric.displayScore,
    currentValue: metric.value,
  };
  const isComponent = metric.role === 'finance-component' && !metric.entersAverage;
  const candidates = definition ? valueCandidates(context, metric, definition, towards) : null;
  if (candidates) {
    const reaching = candidates
      .filter((candidate) => reaches(segmentWithScore(context, metric, candidate.score), target, towards))
      .sort((a, b) => a.distance - b.distance);
    const best = reaching[0];
    if (!best) {
      return {
        ...base,
        possible: false,
        scoreNeeded: null,
        valueNeeded: null,
        comparison: null,
        valueChange: null,
        note: `No value of this metric alone would move the trust to segment ${target}.`,
      };
    }
    return {
      ...base,
      possible: true,
      scoreNeeded: roundHalfUp(best.score, 2),
      valueNeeded: best.value,
      comparison: best.comparison,
      valueChange:
        typeof best.value === 'number' && typeof metric.value === 'number'
          ? roundHalfUp(best.value - metric.value, 4)
          : null,
      note: isComponent ? 'Through combined finance, which this score feeds.' : null,
    };
  }
  if (!metric.entersAverage) return null;
  const scoreNeeded = scoreThreshold(context, metric, target, towards);
  const why =
    metric.basis === 'as-published'
      ? `The value needed cannot be worked out: the score is as published (${metric.basisReason ?? 'no reason recorded'}).`
      : metric.role === 'combined-finance'
        ? 'Combined finance follows from the planned surplus/deficit and year-to-date variance scores.'
        : null;
  return {
    ...base,
    possible: scoreNeeded !== null,
    scoreNeeded,
    valueNeeded: null,
    comparison: null,
    valueChange: null,
    note:
      scoreNeeded === null ? `No score on this metric alone would move the trust to segment ${target}.` : why,
  };
}

/** The unadjusted segment with some entering scores replaced (combined finance moved as a score). */
function segmentWithScores(context: Context, replaced: ReadonlyMap<string, number>): Segment | null {
  const entering = scoresEnteringAverage(context.trust.metricScores, context.assessment.options).map(
    (entry) => ({ ...entry, score: replaced.get(entry.metricId) ?? entry.score }),
  );
  const average = averageOfScores(entering);
  return average ? segmentFromAverage(average.average, context.cutPoints, context.onCutPoint) : null;
}

/**
 * The smallest combination of metrics that would move the trust to the next segment in a
 * direction: take the metrics with the most room to move first (weight × distance to the best or
 * worst score), since the average is linear in each score the fewest metrics that can get there
 * are the first k; the last of them moves only as far as needed (bisection, reported at 2 d.p.
 * on the reaching side).
 */
function combinedMoveFor(context: Context, towards: 'better' | 'worse'): CombinedMove | null {
  const current = context.trust.unadjustedSegment;
  if (current === null) return null;
  const target = (towards === 'better' ? current - 1 : current + 1) as Segment;
  if (target < 1 || target > 4) return null;
  const extreme = towards === 'better' ? 1 : 4;
  const names = new Map(context.trust.metricScores.map((metric) => [metric.metricId, metric.name]));
  const room = scoresEnteringAverage(context.trust.metricScores, context.assessment.options)
    .map((entry) => ({ ...entry, room: entry.weight * Math.abs(entry.score - extreme) }))
    .filter((entry) => entry.room > 1e-9)
    .sort((a, b) => b.room - a.room || (a.metricId < b.metricId ? -1 : 1));
  const describe = (entry: (typeof room)[number], scoreNeeded: number) => ({
    metricId: entry.metricId,
    name: names.get(entry.metricId) ?? entry.metricId,
    currentScore: roundHalfUp(entry.score, 2),
    scoreNeeded,
  });
  for (let count = 1; count <= room.length; count++) {
    const chosen = room.slice(0, count);
    const replaced = new Map(chosen.map((entry) => [entry.metricId, extreme]));
    if (!reaches(segmentWithScores(context, replaced), target, towards)) continue;
    const last = chosen[count - 1];
    let reached = extreme;
    let notReached = last.score;
    for (let step = 0; step < 40; step++) {
      const middle = (reached + notReached) / 2;
      replaced.set(last.metricId, middle);
      if (reaches(segmentWithScores(context, replaced), target, towards)) reached = middle;
      else notReached = middle;
    }
    // A discretely scored metric (brackets, ratings, combined finance) takes whole scores only.
    const lastDefinition = context.definition.metrics.find((metric) => metric.id === last.metricId);
    const discrete = lastDefinition !== undefined && lastDefinition.scoring.kind !== 'ranked';
    const places = discrete ? 1 : 100;
    const rounded =
      towards === 'better'
        ? Math.floor(reached * places + 1e-9) / places
        : Math.ceil(reached * places - 1e-9) / places;
    replaced.set(last.metricId, rounded);
    const lastScore = reaches(segmentWithScores(context, replaced), target, towards) ? rounded : extreme;
    return {
      towards,
      targetSegment: target,
      possible: true,
      metrics: chosen.map((entry, index) => describe(entry, index === count - 1 ? lastScore : extreme)),
    };
  }
  return { towards, targetSegment: target, possible: false, metrics: [] };
}

/** What the financial override does, or would do: segments 1 and 2 are closed to a trust in deficit. */
function overrideEffectFor(trust: TrustAssessment, cap: Segment): OverrideEffect | null {
  const unadjusted = trust.unadjustedSegment;
  if (unadjusted === null) return null;
  return {
    ifInDeficit: trust.deficit !== true && unadjusted < cap ? cap : null,
    withoutDeficit: trust.financialOverrideApplied ? unadjusted : null,
    cap,
  };
}

function metricExplanations(context: Context): MetricExplanation[] {
  const { trust, definition, assessment } = context;
  const entering = scoresEnteringAverage(trust.metricScores, assessment.options);
  const weightTotal = entering.reduce((sum, entry) => sum + entry.weight, 0);
  const weighted = entering.reduce((sum, entry) => sum + entry.weight * entry.score, 0);
  const average = weightTotal > 0 ? weighted / weightTotal : null;
  return trust.metricScores.map((metric) => {
    const entry = entering.find((candidate) => candidate.metricId === metric.metricId);
    let pull: number | null = null;
    if (entry && average !== null) {
      pull =
        weightTotal - entry.weight > 0
          ? average - (weighted - entry.weight * entry.score) / (weightTotal - entry.weight)
          : 0;
    }
    return {
      metricId: metric.metricId,
      name: metric.name,
      domain: metric.domain,
      value: metric.value,
      units: definition.metrics.find((candidate) => candidate.id === metric.metricId)?.units ?? null,
      score: metric.displayScore,
      unroundedScore: metric.score,
      weight: entry?.weight ?? metric.weight,
      entersAverage: entry !== undefined,
      pull,
      basis: metric.basis,
      basisReason: metric.basisReason,
      rankedSet: metric.rankedSet,
    };
  });
}

/** A trust's change since the previous quarter, tested against its likely range (`changeTest`). */
export function changeFromPrevious(
  trust: TrustAssessment,
  previous: AssessedTrust | null,
  test: ChangeFromPrevious['test'],
): ChangeFromPrevious | null {
  if (!previous?.trust.average || !trust.average) return null;
  const range = trust.likelyRange?.average ?? null;
  const previousRange = previous.trust.likelyRange?.average ?? null;
  const previousAverage = previous.trust.average.average;
  let verdict: ChangeFromPrevious['verdict'] = 'not-tested';
  if (test === 'previous-outside-likely-range' && range) {
    verdict = previousAverage < range[0] || previousAverage > range[1] ? 'signal' : 'noise';
  } else if (test === 'likely-ranges-do-not-overlap' && range && previousRange) {
    verdict = previousRange[1] < range[0] || previousRange[0] > range[1] ? 'signal' : 'noise';
  }
  return {
    previousQuarter: previous.quarter,
    previousAverage,
    currentAverage: trust.average.average,
    change: roundHalfUp(trust.average.average - previousAverage, 2),
    previousSegment: previous.trust.adjustedSegment,
    currentSegment: trust.adjustedSegment,
    likelyRange: range,
    previousLikelyRange: previousRange,
    test,
    verdict,
  };
}

function describeMove(move: SegmentMove, units: string | null): string {
  if (move.valueNeeded !== null && move.comparison !== null) {
    const words = {
      'at-least': 'at least',
      'at-most': 'at most',
      above: 'above',
      below: 'below',
      'equal-to': 'of',
    }[move.comparison];
    return `${move.name} ${words} ${formatValue(move.valueNeeded, units)} (now ${formatValue(move.currentValue, units)})`;
  }
  const words = move.towards === 'better' ? 'or better' : 'or worse';
  return `${move.name} scoring ${twoPlaces(move.scoreNeeded as number)} ${words} (now ${twoPlaces(move.currentScore)})`;
}

/** A number with at least 2 and at most 3 decimal places: 2.3 → "2.30", 2.065 → "2.065". */
function formatCutPoint(value: number): string {
  const text = String(roundHalfUp(value, 3));
  const decimals = text.split('.')[1]?.length ?? 0;
  return decimals >= 2 ? text : roundHalfUp(value, 3).toFixed(2);
}

function rangeText(range: readonly [number, number] | null): string {
  return range ? `${twoPlaces(range[0])} to ${twoPlaces(range[1])}` : '';
}

function sentencesFor(
  explanation: Omit<TrustExplanation, 'sentences'>,
  definition: FrameworkDefinition,
): string[] {
  const sentences: string[] = [];
  const { trust } = explanation;
  const unitsOf = (metricId: string) =>
    definition.metrics.find((metric) => metric.id === metricId)?.units ?? null;
  if (explanation.averageMetricScore === null) {
    sentences.push(
      `${trust.name} (${trust.code}) has no scored metrics in ${explanation.quarter}, so it has no average score, segment or rank.`,
    );
    return sentences;
  }
  const scored = explanation.metrics.filter((metric) => metric.entersAverage).length;
  const segmentText =
    explanation.adjustedSegment === null
      ? 'is not segmented'
      : `is in segment ${explanation.adjustedSegment}`;
  sentences.push(
    `${trust.name} (${trust.code}) has an average metric score of ${twoPlaces(explanation.averageMetricScore)} in ${explanation.quarter} (1.00 is best, 4.00 worst), from ${scored} scored metrics, and ${segmentText}.`,
  );
  if (explanation.rank !== null) {
    const range = explanation.likelyRange;
    const likely = range
      ? `; Tend's estimate of its likely range of rank is ${ordinal(range.rank[0])} to ${ordinal(range.rank[1])} and of average score ${rangeText(range.average)}`
      : '';
    sentences.push(
      `It ranks ${ordinal(explanation.rank)} of ${explanation.peerGroupSize} ${typeNames[trust.organisationType]}${likely}.`,
    );
  }
  const override = explanation.financialOverride;
  const cap = definition.financialOverride.cap;
  if (override.applied) {
    sentences.push(
      `Its average alone would put it in segment ${override.unadjustedSegment}, but it is in deficit or receiving deficit support, so the financial override moves it to segment ${override.adjustedSegment}.`,
    );
  } else if (override.deficit === true) {
    sentences.push(
      `It is in deficit or receiving deficit support, but the financial override does not bite: its average already puts it in segment ${override.unadjustedSegment}.`,
    );
  }
  const effect = explanation.overrideEffect;
  if (effect?.ifInDeficit) {
    sentences.push(
      `If it went into deficit or received deficit support, the financial override would cap it at segment ${effect.ifInDeficit}, whatever its average.`,
    );
  }
  if (explanation.finalSegment === 5) {
    sentences.push(
      'It is in the Recovery Support Programme, which places it in segment 5; the league table shows its adjusted segment.',
    );
  }
  const segment = explanation.unadjustedSegment;
  if (segment !== null) {
    const better = explanation.boundaries.find((boundary) => boundary.boundary === segment - 1);
    const worse = explanation.boundaries.find((boundary) => boundary.boundary === segment);
    const parts: string[] = [];
    if (better) {
      parts.push(
        `${formatCutPoint(better.distance)} above the segment ${segment - 1}/${segment} boundary (${formatCutPoint(better.cutPoint)})`,
      );
    }
    if (worse) {
      parts.push(
        `${formatCutPoint(-worse.distance)} below the segment ${segment}/${segment + 1} boundary (${formatCutPoint(worse.cutPoint)})`,
      );
    }
    if (parts.length > 0) sentences.push(`Its average is ${parts.join(' and ')}.`);
  }
  const pulling = explanation.metrics
    .filter((metric) => metric.pull !== null)
    .sort((a, b) => (b.pull as number) - (a.pull as number));
  const worst = pulling.filter((metric) => (metric.pull as number) > 0.005).slice(0, 2);
  const best = pulling
    .filter((metric) => (metric.pull as number) < -0.005)
    .slice(-2)
    .reverse();
  const pullText = (metric: MetricExplanation) =>
    `${metric.name} (score ${twoPlaces(metric.score)}, ${(metric.pull as number) > 0 ? '+' : ''}${twoPlaces(metric.pull as number)})`;
  if (worst.length > 0) {
    sentences.push(
      `The scores pulling its average up (worse) most are ${worst.map(pullText).join(' and ')}.`,
    );
  }
  if (best.length > 0) {
    sentences.push(`The scores pulling it down (better) most are ${best.map(pullText).join(' and ')}.`);
  }
  const asPublished = explanation.metrics.filter((metric) => metric.basis === 'as-published');
  if (asPublished.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const metric of asPublished) {
      const reason = metric.basisReason ?? 'no reason recorded';
      byReason.set(reason, [...(byReason.get(reason) ?? []), metric.name]);
    }
    const groups = [...byReason].map(([reason, names]) => `${names.join(', ')} (${reason})`);
    sentences.push(
      `${asPublished.length === 1 ? 'One score is' : `${asPublished.length} scores are`} as published by NHS England, not recomputed by Tend: ${groups.join('; ')}.`,
    );
  }
  for (const towards of ['better', 'worse'] as const) {
    const moves = explanation.moves.filter((move) => move.towards === towards && move.possible);
    const target = segment === null ? null : towards === 'better' ? segment - 1 : segment + 1;
    if (target === null || target < 1 || target > 4) continue;
    if (moves.length === 0) {
      const combined = explanation.combinedMoves.find((move) => move.towards === towards);
      if (!combined?.possible) {
        sentences.push(`No change in its scores would take its average to segment ${target}.`);
        continue;
      }
      const capped =
        override.deficit === true && target < cap
          ? ` (the financial override would still keep it in segment ${cap})`
          : '';
      const listed = combined.metrics.map(
        (metric) =>
          `${metric.name} from ${twoPlaces(metric.currentScore)} to ${twoPlaces(metric.scoreNeeded)}`,
      );
      const joined =
        listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}` : listed[0];
      sentences.push(
        combined.metrics.length === 1
          ? `No change in a single metric's value would take its average to segment ${target}, but its ${joined} would${capped}.`
          : `No change in a single metric would take its average to segment ${target}; the fewest that would are ${combined.metrics.length}, moving together${capped}: ${joined}.`,
      );
      continue;
    }
    const ordered = [...moves].sort(
      (a, b) =>
        Math.abs((a.scoreNeeded ?? 0) - a.currentScore) - Math.abs((b.scoreNeeded ?? 0) - b.currentScore),
    );
    const capped =
      override.deficit === true && target < cap
        ? ` (the financial override would keep it in segment ${cap})`
        : '';
    const others = ordered.length > 3 ? `; or ${ordered.length - 3} other single-metric changes` : '';
    sentences.push(
      `Its average would ${towards === 'better' ? 'reach' : 'fall to'} segment ${target}${capped} with any one of: ${ordered
        .slice(0, 3)
        .map((move) => describeMove(move, unitsOf(move.metricId)))
        .join('; ')}${others}.`,
    );
  }
  const change = explanation.change;
  if (change) {
    const moved =
      change.previousSegment !== null &&
      change.currentSegment !== null &&
      change.previousSegment !== change.currentSegment
        ? `, and its segment went from ${change.previousSegment} to ${change.currentSegment}`
        : '';
    const what =
      change.change === 0
        ? `its average did not change (${twoPlaces(change.currentAverage)})`
        : `its average ${change.change < 0 ? 'improved' : 'worsened'} from ${twoPlaces(change.previousAverage)} to ${twoPlaces(change.currentAverage)}`;
    let verdict = 'Without likely ranges Tend cannot say whether that is more than noise.';
    if (change.verdict === 'signal') {
      verdict = `That is more than its likely range of average score (${rangeText(change.likelyRange)}, Tend's estimate) explains: a signal.`;
    } else if (change.verdict === 'noise') {
      verdict = `That is within what its likely range of average score (${rangeText(change.likelyRange)}, Tend's estimate) explains: noise, not a signal.`;
    }
    sentences.push(`Since ${change.previousQuarter} ${what}${moved}. ${verdict}`);
  }
  return sentences;
}

/**
 * Step 7: explains one trust's result in an assessed quarter (plain data and plain-English
 * sentences): each metric's score and its pull on the average; the distance to each segment
 * boundary; the financial override if it bit; the smallest change in a single metric that
 * would change the segment, per metric, with the cut points held fixed (for a metric scored as
 * published, the score needed, since the values it is ranked against are not held); and, given
 * the previous quarter, whether the change in average is larger than the likely range explains
 * (signal) or within it (noise) — the `changeTest` option.
 *
 * @param current the quarter's assessment
 * @param trustCode the trust's code
 * @param previous the previous quarter's assessment, if held
 * @returns the explanation, or null when the trust is not in the assessment
 */
export function explainAssessedTrust(
  current: QuarterAssessment,
  trustCode: string,
  previous?: QuarterAssessment | null,
): TrustExplanation | null {
  const code = trustCode.trim().toUpperCase();
  const trust = current.details.find((detail) => detail.code === code);
  if (!trust) return null;
  const definition = current.definition;
  const cutPoints = trust.cutPoints;
  const context: Context | null = cutPoints
    ? { definition, assessment: current, trust, cutPoints, onCutPoint: current.options.onCutPoint }
    : null;
  const metrics = context ? metricExplanations(context) : [];
  const boundaries: BoundaryDistance[] =
    cutPoints && trust.average
      ? cutPoints.map((cutPoint, index) => ({
          boundary: (index + 1) as 1 | 2 | 3,
          cutPoint,
          distance: roundHalfUp(trust.average?.average as number, 2) - cutPoint,
        }))
      : [];
  const moves: SegmentMove[] = [];
  if (context) {
    for (const metric of trust.metricScores) {
      if (metric.role === 'combined-finance' && metric.basis === 'derived') continue;
      for (const towards of ['better', 'worse'] as const) {
        const move = moveFor(context, metric, towards);
        if (move) moves.push(move);
      }
    }
  }
  const combinedMoves: CombinedMove[] = [];
  if (context) {
    for (const towards of ['better', 'worse'] as const) {
      if (moves.some((move) => move.towards === towards && move.possible)) continue;
      const combined = combinedMoveFor(context, towards);
      if (combined) combinedMoves.push(combined);
    }
  }
  const previousTrust = previous?.details.find((detail) => detail.code === code);
  const explanation: Omit<TrustExplanation, 'sentences'> = {
    quarter: current.quarter,
    framework: current.framework.id,
    trust: {
      code: trust.code,
      name: trust.name,
      organisationType: trust.organisationType,
      organisationTypeLabel: trust.organisationTypeLabel,
    },
    averageMetricScore: trust.average?.average ?? null,
    unroundedAverage: trust.average?.unrounded ?? null,
    unadjustedSegment: trust.unadjustedSegment,
    adjustedSegment: trust.adjustedSegment,
    finalSegment: trust.finalSegment,
    rank: trust.rank,
    peerGroupSize: trust.peerGroupSize,
    likelyRange: trust.likelyRange,
    cutPoints,
    metrics,
    boundaries,
    financialOverride: {
      deficit: trust.deficit,
      applied: trust.financialOverrideApplied,
      unadjustedSegment: trust.unadjustedSegment,
      adjustedSegment: trust.adjustedSegment,
    },
    moves,
    combinedMoves,
    overrideEffect: overrideEffectFor(trust, definition.financialOverride.cap),
    change: changeFromPrevious(
      trust,
      previous && previousTrust ? { quarter: previous.quarter, trust: previousTrust } : null,
      current.options.changeTest,
    ),
    asPublished: metrics.filter((metric) => metric.basis === 'as-published').map((metric) => metric.metricId),
  };
  return { ...explanation, sentences: sentencesFor(explanation, definition) };
}

/**
 * Explains one trust straight from long rows: assesses the quarter and, when the rows hold it,
 * the previous quarter (with the framework of its year), then calls `explainAssessedTrust`.
 * This is the entry point for `tend explain` and the API.
 *
 * @param framework a framework definition or its id (`nof-2025-26`)
 * @param quarterLabel e.g. "Q4 2025/26"
 * @param rows long rows, all quarters; not changed
 * @param trustCode e.g. "RYY"
 * @param options named options, see `NofOptions`
 * @returns the explanation, or null when the trust has no rows in the quarter
 */
export function explainTrust(
  framework: FrameworkDefinition | string,
  quarterLabel: string,
  rows: readonly NofLongRow[],
  trustCode: string,
  options: NofOptions = {},
): TrustExplanation | null {
  const definition = getFramework(framework);
  const current = assessQuarter(definition, quarterLabel, rows, options);
  const code = trustCode.trim().toUpperCase();
  if (!current.details.some((detail) => detail.code === code)) return null;
  const previousLabel = previousQuarterLabel(quarterLabel);
  const previousFramework =
    parseQuarterLabel(previousLabel)?.year === definition.year
      ? definition
      : frameworkForQuarter(previousLabel);
  const holdsPrevious = rows.some(
    (row) => row.quarter.trim() === previousLabel && row.trustCode.trim().toUpperCase() === code,
  );
  const previous =
    previousFramework && holdsPrevious
      ? assessQuarter(previousFramework, previousLabel, rows, options)
      : null;
  return explainAssessedTrust(current, code, previous);
}
