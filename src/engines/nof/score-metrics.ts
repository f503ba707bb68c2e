import { roundHalfUp } from '../stats/round-half-up.ts';
import { combinedFinanceScore, scoreBand, scoreByThresholds, scoreRating } from './discrete-score.ts';
import type { ResolvedNofOptions } from './options.ts';
import { type RankedEntry, type RankedScoring, scoreRanked } from './ranked-score.ts';
import { reconstructUnroundedScores } from './reconstruct-published-scores.ts';
import type {
  FrameworkDefinition,
  MetricDefinition,
  MetricObservation,
  MetricScore,
  MetricStatus,
  OrganisationType,
  QuarterInput,
  RankedAgainst,
  TrustInput,
} from './types.ts';

/** Step 1's result: every organisation's metric scores, and how each metric was scored. */
export interface QuarterMetricScores {
  readonly byTrust: ReadonlyMap<string, readonly MetricScore[]>;
  readonly statuses: readonly MetricStatus[];
}

const typeNames: Record<OrganisationType, string> = {
  acute: 'acute trusts',
  'mental-health-and-community': 'mental health and community trusts',
  ambulance: 'ambulance trusts',
  icb: 'ICBs',
};

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The ranked set a metric uses, after the `rankedAgainst` option. */
export function rankedScopeOf(metric: MetricDefinition, options: ResolvedNofOptions): RankedAgainst {
  return options.rankedAgainst[metric.id] ?? metric.rankedAgainst;
}

/**
 * Why a ranked metric cannot be recomputed for an organisation type from the input, as a clause
 * ("ranked against all … in England, but the input holds only …"), or null when it can: a national metric needs every organisation type it applies to; a peer-group
 * metric needs the organisation's own type, held in full.
 */
export function rankedSetGap(
  framework: FrameworkDefinition,
  metric: MetricDefinition,
  scope: RankedAgainst,
  organisationType: OrganisationType,
  options: ResolvedNofOptions,
): string | null {
  const held = options.heldOrganisationTypes;
  if (scope === 'peer-group') {
    return held.includes(organisationType)
      ? null
      : `ranked within the peer group, and the input does not hold all ${typeNames[organisationType]}`;
  }
  const needed = framework.organisationTypes.filter((type) => metric.appliesTo.includes(type));
  const missing = needed.filter((type) => !held.includes(type));
  if (missing.length === 0) return null;
  const heldText =
    held.length === 0
      ? 'no organisation type in full'
      : `only ${listInWords(held.map((type) => typeNames[type]))}`;
  return `ranked against all ${listInWords(needed.map((type) => typeNames[type]))} in England, but the input holds ${heldText}`;
}

interface Draft {
  trust: TrustInput;
  observation: MetricObservation;
  score: number | null;
  basis: MetricScore['basis'] | null;
  reason: string | null;
  rankedSet: MetricScore['rankedSet'];
}

function numericValue(observation: MetricObservation): number | null {
  return typeof observation.value === 'number' && Number.isFinite(observation.value)
    ? observation.value
    : null;
}

/** The score a discrete metric's value maps to, or null. */
function discreteScore(
  metric: MetricDefinition,
  value: number | string,
  options: ResolvedNofOptions,
): number | null {
  const scoring = metric.scoring;
  if (scoring.kind === 'thresholds') {
    if (typeof value !== 'number' || metric.direction === undefined) return null;
    return scoreByThresholds(value, options.thresholds[metric.id] ?? scoring.thresholds, metric.direction);
  }
  if (scoring.kind === 'rating') return scoreRating(value, scoring.ratings);
  if (scoring.kind === 'band') return scoreBand(value);
  return null;
}

/**
 * Scores one metric for every organisation holding it (steps of the NOF 2025/26 methodology
 * manual, "metric scoring"): ranked metrics by percent rank within their ranked set, discrete
 * metrics by their bracket map. A score is recomputed from the value where the value and the
 * whole ranked set are held and the `scoreSource` option allows; otherwise NHS England's
 * published score is used and marked as published, unrounded where `publishedScorePrecision`
 * allows. Missing and suppressed values with no published score are left out.
 */
export function scoreMetric(
  framework: FrameworkDefinition,
  metric: MetricDefinition,
  trusts: readonly TrustInput[],
  options: ResolvedNofOptions,
): { readonly scores: ReadonlyMap<string, MetricScore>; readonly status: MetricStatus } | null {
  const holders = trusts.filter((trust) => trust.observations[metric.id] !== undefined);
  if (holders.length === 0) return null;
  const scoring = metric.scoring;
  const scope = rankedScopeOf(metric, options);
  const prefersPublished =
    options.scoreSource === 'published-where-available' ||
    (options.scoreSource === 'recompute-where-verified' &&
      (metric.scoringProvenance === 'inferred' || metric.scoringProvenance === 'provisional'));

  const drafts: Draft[] = holders.map((trust) => ({
    trust,
    observation: trust.observations[metric.id],
    score: null,
    basis: null,
    reason: null,
    rankedSet: null,
  }));

  // Recompute where allowed.
  if (scoring.kind === 'ranked' && metric.direction !== undefined) {
    const groups = new Map<string, Draft[]>();
    for (const draft of drafts) {
      if (numericValue(draft.observation) === null) continue;
      if (rankedSetGap(framework, metric, scope, draft.trust.organisationType, options) !== null) continue;
      const key = scope === 'national' ? 'national' : draft.trust.organisationType;
      const group = groups.get(key) ?? [];
      group.push(draft);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const entries: RankedEntry[] = group.map((draft) => ({
        value: numericValue(draft.observation) as number,
        tieBreak:
          options.tieBreak === 'published-peer-rank' && scope === 'peer-group'
            ? draft.observation.publishedRank
            : null,
      }));
      const ranked = scoreRanked(entries, metric.direction, scoring);
      group.forEach((draft, index) => {
        if (prefersPublished && draft.observation.publishedScore !== null) return;
        const result = ranked[index];
        draft.score = result.score;
        draft.basis = 'recomputed';
        draft.rankedSet =
          result.rank === null
            ? null
            : { rank: result.rank, size: result.rankedCount, inferredFromPublishedScores: false };
      });
    }
  } else if (scoring.kind === 'thresholds' || scoring.kind === 'rating' || scoring.kind === 'band') {
    for (const draft of drafts) {
      if (prefersPublished && draft.observation.publishedScore !== null) continue;
      if (draft.observation.value === null) continue;
      const score = discreteScore(metric, draft.observation.value, options);
      if (score === null) continue;
      draft.score = score;
      draft.basis = 'recomputed';
    }
  }

  // Everything else as published, with the reason.
  for (const draft of drafts) {
    if (draft.basis !== null) continue;
    if (draft.observation.publishedScore === null) continue;
    draft.score = draft.observation.publishedScore;
    draft.basis = 'as-published';
    const value = draft.observation.value;
    if (prefersPublished) {
      draft.reason =
        options.scoreSource === 'published-where-available'
          ? 'published scores are preferred (option scoreSource)'
          : "Tend's scoring rule is inferred";
    } else if (value === null) {
      draft.reason = 'only the score is published, not the value';
    } else if (scoring.kind === 'ranked') {
      draft.reason =
        rankedSetGap(framework, metric, scope, draft.trust.organisationType, options) ??
        'the value is not a number Tend can rank';
    } else {
      draft.reason = `the value "${String(value)}" has no score in Tend's map`;
    }
  }

  // Unround published ranked scores, within the ranked set's scope.
  let inferredRankedSetSize: number | null = null;
  if (scoring.kind === 'ranked' && options.publishedScorePrecision === 'reconstruct-unrounded') {
    const groups = new Map<string, Draft[]>();
    for (const draft of drafts) {
      if (draft.observation.publishedScore === null) continue;
      const key = scope === 'national' ? 'national' : draft.trust.organisationType;
      const group = groups.get(key) ?? [];
      group.push(draft);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      if (!group.some((draft) => draft.basis === 'as-published')) continue;
      const reconstructed = reconstructUnroundedScores(
        group.map((draft) => draft.observation.publishedScore as number),
        scoring as RankedScoring,
      );
      if (!reconstructed) continue;
      inferredRankedSetSize = reconstructed.rankedSetSize;
      group.forEach((draft, index) => {
        if (draft.basis !== 'as-published') return;
        draft.score = reconstructed.scores[index];
        const rank = reconstructed.ranks[index];
        draft.rankedSet =
          rank === null
            ? null
            : { rank, size: reconstructed.rankedSetSize, inferredFromPublishedScores: true };
      });
    }
  }

  const scores = new Map<string, MetricScore>();
  let disagreements = 0;
  const counts = { recomputed: 0, 'as-published': 0, derived: 0 };
  const reasons = new Set<string>();
  for (const draft of drafts) {
    if (draft.score === null || draft.basis === null) continue;
    const displayScore = roundHalfUp(draft.score, 2);
    const published = draft.observation.publishedScore;
    if (
      draft.basis !== 'as-published' &&
      published !== null &&
      Math.round(published * 100) !== Math.round(displayScore * 100)
    ) {
      disagreements++;
    }
    counts[draft.basis]++;
    if (draft.reason) reasons.add(draft.reason);
    scores.set(draft.trust.code, {
      metricId: metric.id,
      scoreId: metric.scoreId,
      name: metric.name,
      domain: metric.domain,
      role: metric.role,
      value: draft.observation.value,
      score: draft.score,
      displayScore,
      weight: metric.weight,
      entersAverage:
        metric.role === 'scored' ||
        (metric.role === 'finance-component' && options.financeScoring === 'separate'),
      basis: draft.basis,
      basisReason: draft.reason,
      publishedScore: published,
      rankedSet: draft.rankedSet,
    });
  }
  const how =
    scoring.kind === 'ranked'
      ? `ranked ${scope === 'national' ? 'over every organisation held' : 'within each peer group'}`
      : 'from its bracket map';
  const parts: string[] = [];
  if (counts.recomputed > 0) parts.push(`Recomputed from the values for ${counts.recomputed} (${how}).`);
  if (counts['as-published'] > 0)
    parts.push(`As published for ${counts['as-published']}: ${[...reasons].join('; ')}.`);
  return {
    scores,
    status: {
      metricId: metric.id,
      name: metric.name,
      rankedAgainst: scoring.kind === 'ranked' ? scope : null,
      scoredCount: scores.size,
      recomputedCount: counts.recomputed,
      asPublishedCount: counts['as-published'],
      derivedCount: 0,
      reason: parts.join(' ') || 'Not scored: no value or published score is usable.',
      inferredRankedSetSize,
      disagreementsWithPublished: disagreements,
    },
  };
}

/**
 * Step 1 for a whole quarter: every metric of the framework, then combined finance from the two
 * finance component scores (verified: it replaces both in the average), then any metric the
 * framework does not list, as published with weight 1.
 */
export function scoreQuarterMetrics(
  framework: FrameworkDefinition,
  input: QuarterInput,
  options: ResolvedNofOptions,
): QuarterMetricScores {
  const byTrust = new Map<string, MetricScore[]>(input.trusts.map((trust) => [trust.code, []]));
  const statuses: MetricStatus[] = [];
  const componentScores = new Map<string, ReadonlyMap<string, MetricScore>>();
  const combined = framework.combinedFinance;
  const listed = new Set(framework.metrics.map((metric) => metric.id));

  const atPublishedPrecision = new Set(
    options.quarterPrecision === 'framework'
      ? (framework.averagedAtPublishedPrecision?.[input.quarter]?.metricIds ?? [])
      : [],
  );
  for (const metric of framework.metrics) {
    if (metric.role === 'combined-finance') continue;
    const metricOptions: ResolvedNofOptions = atPublishedPrecision.has(metric.id)
      ? { ...options, publishedScorePrecision: 'as-published' }
      : options;
    const result = scoreMetric(framework, metric, input.trusts, metricOptions);
    if (!result) continue;
    statuses.push(result.status);
    if (metric.id === combined.plannedMetricId || metric.id === combined.varianceMetricId)
      componentScores.set(metric.id, result.scores);
    for (const [code, score] of result.scores) byTrust.get(code)?.push(score);
  }

  const combinedMetric = framework.metrics.find((metric) => metric.id === combined.metricId);
  if (combinedMetric) {
    let derived = 0;
    let asPublished = 0;
    let disagreements = 0;
    for (const trust of input.trusts) {
      const planned = componentScores.get(combined.plannedMetricId)?.get(trust.code);
      const variance = componentScores.get(combined.varianceMetricId)?.get(trust.code);
      const published = trust.observations[combined.metricId]?.publishedScore ?? null;
      const derivedScore =
        planned && variance && options.scoreSource !== 'published-where-available'
          ? combinedFinanceScore(planned.displayScore, variance.displayScore, combined)
          : null;
      let score: number;
      let basis: MetricScore['basis'];
      let reason: string | null = null;
      if (derivedScore !== null) {
        score = derivedScore;
        basis = 'derived';
        derived++;
        if (published !== null && published !== derivedScore) disagreements++;
      } else if (published !== null) {
        score = published;
        basis = 'as-published';
        asPublished++;
        reason =
          options.scoreSource === 'published-where-available'
            ? 'published scores are preferred (option scoreSource)'
            : 'one of the two finance scores it is built from is missing';
      } else {
        continue;
      }
      byTrust.get(trust.code)?.push({
        metricId: combinedMetric.id,
        scoreId: combinedMetric.scoreId,
        name: combinedMetric.name,
        domain: combinedMetric.domain,
        role: 'combined-finance',
        value: null,
        score,
        displayScore: score,
        weight: combinedMetric.weight,
        entersAverage: options.financeScoring === 'combined',
        basis,
        basisReason: reason,
        publishedScore: published,
        rankedSet: null,
      });
    }
    if (derived + asPublished > 0) {
      statuses.push({
        metricId: combinedMetric.id,
        name: combinedMetric.name,
        rankedAgainst: null,
        scoredCount: derived + asPublished,
        recomputedCount: 0,
        asPublishedCount: asPublished,
        derivedCount: derived,
        reason: `Derived from the planned surplus/deficit and year-to-date variance scores for ${derived} (${combined.rule}).${asPublished > 0 ? ` As published for ${asPublished}.` : ''}`,
        inferredRankedSetSize: null,
        disagreementsWithPublished: disagreements,
      });
    }
  }

  const unlisted = new Map<string, number>();
  for (const trust of options.unlistedMetrics === 'include-as-published' ? input.trusts : []) {
    for (const observation of Object.values(trust.observations)) {
      if (listed.has(observation.metricId) || observation.publishedScore === null) continue;
      unlisted.set(observation.metricId, (unlisted.get(observation.metricId) ?? 0) + 1);
      byTrust.get(trust.code)?.push({
        metricId: observation.metricId,
        scoreId: observation.metricId.replace(/^OF0/, 'OF1'),
        name: observation.metricId,
        domain: null,
        role: 'scored',
        value: observation.value,
        score: observation.publishedScore,
        displayScore: observation.publishedScore,
        weight: 1,
        entersAverage: true,
        basis: 'as-published',
        basisReason: `not in ${framework.id} (used with weight 1)`,
        publishedScore: observation.publishedScore,
        rankedSet: null,
      });
    }
  }
  for (const [metricId, count] of unlisted) {
    statuses.push({
      metricId,
      name: metricId,
      rankedAgainst: null,
      scoredCount: count,
      recomputedCount: 0,
      asPublishedCount: count,
      derivedCount: 0,
      reason: `Not in ${framework.id}: published scores used as they stand, with weight 1.`,
      inferredRankedSetSize: null,
      disagreementsWithPublished: 0,
    });
  }
  return { byTrust, statuses };
}
