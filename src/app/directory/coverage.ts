import { NOF_PUBLICATION } from '../../domain/metric-catalogue.ts';
import {
  metricIdsOfPublication,
  openConcerns,
  publishedEntriesByMetric,
} from '../../store/repos/directory-repo.ts';
import { metricsByIds } from '../../store/repos/metric-repo.ts';
import type { UseCaseContext } from '../context.ts';
import { toCsv } from '../csv.ts';
import { candidatesForEveryMetric, computeMetricCandidates } from './candidates.ts';

/** Published entries every scored metric, and every metric with a concern, should have. */
export const coverageGoal = 3;

/** One metric's coverage. */
export interface MetricCoverage {
  readonly metricId: string;
  readonly metricName: string;
  readonly scored: boolean;
  readonly openConcerns: number;
  /** Published (and stale) entries on the metric. */
  readonly publishedEntries: number;
  /** How many more entries reach the goal (0 when met). */
  readonly gap: number;
  /** The best candidates to ask, where there is a gap (at most five), and how many there are. */
  readonly candidates: readonly { code: string; name: string }[];
  readonly candidateCount: number;
  /** Open concerns on the metric with at least three offers of help (entries, then candidates). */
  readonly concernsWithThreeOffers: number;
}

/** The directory's coverage (`directoryCoverage`). */
export interface DirectoryCoverage {
  readonly goal: number;
  readonly metrics: readonly MetricCoverage[];
  readonly openConcerns: number;
  readonly concernsWithThreeOffers: number;
  /** `concernsWithThreeOffers / openConcerns`, null with no open concerns. */
  readonly shareWithThreeOffers: number | null;
  readonly metricsMeetingGoal: number;
}

/**
 * Coverage of the directory per metric that is scored (the NHS Oversight Framework's) or has open
 * concerns: published entries against the goal of three, the gaps each with its candidates, and the
 * share of England's open concerns with three or more offers of help — a published entry of another
 * organisation, or a candidate of another organisation not already offered. Published entries and
 * candidates are public, so every reader sees the same figures; a concern with no offer is a gap
 * shown, never hidden.
 */
export async function directoryCoverage(context: Pick<UseCaseContext, 'db'>): Promise<DirectoryCoverage> {
  const scored = new Set(await metricIdsOfPublication(context.db, NOF_PUBLICATION));
  const concerns = await openConcerns(context.db);
  const concernsByMetric = new Map<string, string[]>();
  for (const concern of concerns) {
    const list = concernsByMetric.get(concern.metric_id) ?? [];
    list.push(concern.org_code);
    concernsByMetric.set(concern.metric_id, list);
  }
  const metricIds = [...new Set([...scored, ...concernsByMetric.keys()])].sort();
  const names = new Map(
    (await metricsByIds(context.db, metricIds)).map((metric) => [metric.id, metric.name]),
  );
  const entries = await publishedEntriesByMetric(context.db, metricIds);
  const every = new Map(
    (await candidatesForEveryMetric(context.db)).map((found) => [found.metric.id, found]),
  );
  const metrics: MetricCoverage[] = [];
  for (const metricId of metricIds) {
    const entryOrgs = entries.filter((entry) => entry.metric_id === metricId).map((entry) => entry.org_code);
    const found = every.get(metricId) ?? (await computeMetricCandidates(context.db, metricId));
    const offerOrgs = [...new Set([...entryOrgs, ...found.candidates.map((candidate) => candidate.code)])];
    const orgsWithConcern = concernsByMetric.get(metricId) ?? [];
    const concernsWithThreeOffers = orgsWithConcern.filter(
      (code) => offerOrgs.filter((offer) => offer !== code).length >= coverageGoal,
    ).length;
    const gap = Math.max(0, coverageGoal - entryOrgs.length);
    const newCandidates = found.candidates.filter((candidate) => !entryOrgs.includes(candidate.code));
    metrics.push({
      metricId,
      metricName: names.get(metricId) ?? metricId,
      scored: scored.has(metricId),
      openConcerns: orgsWithConcern.length,
      publishedEntries: entryOrgs.length,
      gap,
      candidates:
        gap > 0
          ? newCandidates.slice(0, 5).map((candidate) => ({ code: candidate.code, name: candidate.name }))
          : [],
      candidateCount: newCandidates.length,
      concernsWithThreeOffers,
    });
  }
  const openCount = concerns.length;
  const withThree = metrics.reduce((sum, metric) => sum + metric.concernsWithThreeOffers, 0);
  return {
    goal: coverageGoal,
    metrics,
    openConcerns: openCount,
    concernsWithThreeOffers: withThree,
    shareWithThreeOffers: openCount === 0 ? null : withThree / openCount,
    metricsMeetingGoal: metrics.filter((metric) => metric.gap === 0).length,
  };
}

/** The coverage as CSV, one row per metric. */
export function coverageCsv(coverage: DirectoryCoverage): string {
  return toCsv(
    [
      'metric',
      'metric_name',
      'scored',
      'open_concerns',
      'published_entries',
      'goal',
      'gap',
      'candidates',
      'candidate_count',
      'concerns_with_three_offers',
    ],
    coverage.metrics.map((metric) => [
      metric.metricId,
      metric.metricName,
      metric.scored,
      metric.openConcerns,
      metric.publishedEntries,
      coverage.goal,
      metric.gap,
      metric.candidates.map((candidate) => candidate.code).join(' '),
      metric.candidateCount,
      metric.concernsWithThreeOffers,
    ]),
  );
}
