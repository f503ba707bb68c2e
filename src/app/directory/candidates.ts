import type { Kysely } from 'kysely';
import {
  type Candidate,
  type CandidateExclusion,
  candidateReasonText,
  findCandidates,
} from '../../engines/directory/candidates.ts';
import { countsReadAsRates } from '../../engines/signals/rates.ts';
import { rebasesOfAllSeries } from '../../store/repos/annotation-repo.ts';
import { organisationPeerFacts } from '../../store/repos/directory-repo.ts';
import { listMetrics } from '../../store/repos/metric-repo.ts';
import { metricIdsWithObservations } from '../../store/repos/series-repo.ts';
import { metricObservationsText } from '../../store/repos/signal-repo.ts';
import type { Database, MetricRow } from '../../store/tables.ts';
import { rememberAndKeep, rememberUntilNextImport } from '../assessment-cache.ts';
import { requireMetric } from '../catalogue.ts';
import type { UseCaseContext } from '../context.ts';
import { toCsv } from '../csv.ts';
import { improvementDirection } from '../series.ts';
import { parseSeriesText } from '../series-text.ts';
import { formatMetricValue, periodLabel } from '../spc-view.ts';
import { requireReadableMetric } from '../teams/access.ts';

export type { Candidate };

/** The candidates for one metric, with the metric they were read on. */
export interface MetricCandidates {
  readonly metric: MetricRow;
  /** The metric the charts were read on: the rate where the metric is a count with one, else the metric. */
  readonly readOn: MetricRow;
  readonly granularity: string;
  readonly latestPeriod: string | null;
  readonly candidates: readonly Candidate[];
  /** How many series were read, and why the others are not candidates. */
  readonly seriesRead: number;
  readonly excludedCounts: Readonly<Partial<Record<CandidateExclusion, number>>>;
}

/** What the candidates of any metric need besides its series: every organisation, the rates, the rebases. */
interface SharedFacts {
  readonly metrics: Map<string, MetricRow>;
  readonly rates: Map<string, string>;
  readonly organisations: Map<string, { name: string; kind: string; nof_trust_type: string | null }>;
  readonly rebases: Map<string, { date: string; reason: string }[]>;
}

async function readSharedFacts(db: Kysely<Database>): Promise<SharedFacts> {
  // National metrics only: a team's own indicator never names a rate on a national page.
  const metrics = await listMetrics(db);
  return {
    metrics: new Map(metrics.map((metric) => [metric.id, metric])),
    rates: countsReadAsRates(metrics),
    organisations: new Map((await organisationPeerFacts(db)).map((row) => [row.code, row])),
    rebases: await rebasesOfAllSeries(db),
  };
}

function sharedFacts(db: Kysely<Database>): Promise<SharedFacts> {
  return rememberUntilNextImport(db, 'directory-candidate-facts', () => readSharedFacts(db));
}

/**
 * The candidates of one metric from its observations' text (`metricObservationsText`: one
 * `org|granularity|period|value` line per observation, the value empty when not reported), read at
 * the metric's most common granularity (a series mixes no months with quarters; ties go to the first
 * granularity in alphabetical order, as `dominantGranularityOf` chooses).
 */
function candidatesFromText(
  facts: SharedFacts,
  metric: MetricRow,
  readOn: MetricRow,
  text: string,
): MetricCandidates {
  // One pass over the text (`parseSeriesText`), not a string per line and field: at national
  // practice scale a metric is 756,000 lines, and the garbage of splitting them grew faster than they did.
  const { granularity, series } = parseSeriesText(readOn.id, text);
  let latestPeriod: string | null = null;
  for (const { dates, values } of series)
    for (let index = dates.length - 1; index >= 0; index--)
      if (values[index] !== null) {
        if (latestPeriod === null || dates[index] > latestPeriod) latestPeriod = dates[index];
        break;
      }
  const result = findCandidates({
    direction: improvementDirection(readOn),
    latestPeriod,
    series: series.map(({ org_code: code, dates, values }) => {
      const organisation = facts.organisations.get(code);
      return {
        code,
        name: organisation?.name ?? code,
        kind: organisation?.kind ?? null,
        trustType: organisation?.nof_trust_type ?? null,
        points: dates.map((date, index) => ({ date, value: values[index] })),
        rebase: facts.rebases.get(`${code}|${readOn.id}`) ?? [],
      };
    }),
  });
  const excludedCounts: Partial<Record<CandidateExclusion, number>> = {};
  for (const { reason } of result.excluded) excludedCounts[reason] = (excludedCounts[reason] ?? 0) + 1;
  return {
    metric,
    readOn,
    granularity,
    latestPeriod,
    candidates: result.candidates,
    seriesRead: series.length,
    excludedCounts,
  };
}

/** The metric catalogue and the rates counts are read on: remembered until the next import. */
function catalogueFacts(db: Kysely<Database>): Promise<Pick<SharedFacts, 'metrics' | 'rates'>> {
  return rememberUntilNextImport(db, 'directory-candidate-catalogue', async () => {
    const metrics = await listMetrics(db);
    return {
      metrics: new Map(metrics.map((metric) => [metric.id, metric])),
      rates: countsReadAsRates(metrics),
    };
  });
}

/** The metric whose charts a metric's candidates are read on: its rate where it is a count with one. */
export async function candidatesReadOn(
  db: Kysely<Database>,
  metricId: string,
): Promise<{ metric: MetricRow; readOn: MetricRow }> {
  const { metrics, rates } = await catalogueFacts(db);
  const metric = metrics.get(metricId) ?? (await requireMetric(db, metricId));
  return { metric, readOn: metrics.get(rates.get(metric.id) ?? '') ?? metric };
}

/**
 * Candidates computed from the store for one metric (no reader check): remembered, and kept in the
 * store, until an import or rebase changes the metric they are read on (or the reference data). An
 * import keeps them up to date for the metrics it changed (`keepMetricResults`), so that a page asking
 * for them after the import, or after a restart, reads them rather than charting every organisation.
 */
export async function computeMetricCandidates(
  db: Kysely<Database>,
  metricId: string,
): Promise<MetricCandidates> {
  const { metric, readOn } = await candidatesReadOn(db, metricId);
  return rememberAndKeep(
    db,
    `directory-candidates|${metric.id}`,
    async () => {
      const facts = await sharedFacts(db);
      return candidatesFromText(facts, metric, readOn, await metricObservationsText(db, readOn.id));
    },
    { metrics: [readOn.id] },
  );
}

/**
 * Candidates for every metric that holds observations (`candidatesForEveryMetric`), in metric id
 * order, each as `computeMetricCandidates` remembers and keeps it: what coverage and the demo ask for.
 */
export async function candidatesForEveryMetric(db: Kysely<Database>): Promise<MetricCandidates[]> {
  const { metrics } = await catalogueFacts(db);
  const all: MetricCandidates[] = [];
  // National metrics only, one after another.
  for (const metricId of await metricIdsWithObservations(db))
    if (metrics.has(metricId)) all.push(await computeMetricCandidates(db, metricId));
  return all;
}

/** `candidatesForEveryMetric` computed afresh, remembering nothing: what the benchmark times. */
export async function computeEveryMetricCandidates(db: Kysely<Database>): Promise<MetricCandidates[]> {
  const facts = await readSharedFacts(db);
  const texts = new Map<string, string>();
  const all: MetricCandidates[] = [];
  // National metrics only, one query each.
  for (const metricId of await metricIdsWithObservations(db)) {
    const metric = facts.metrics.get(metricId);
    if (!metric) continue;
    const readOn = facts.metrics.get(facts.rates.get(metric.id) ?? '') ?? metric;
    if (!texts.has(readOn.id)) texts.set(readOn.id, await metricObservationsText(db, readOn.id));
    all.push(candidatesFromText(facts, metric, readOn, texts.get(readOn.id) ?? ''));
  }
  return all;
}

/**
 * The candidates for one metric (`candidatesForMetric`): organisations and teams whose charts show
 * sustained improvement or that were consistently among the best of their peers over the last year,
 * read on the rate where the metric is a count with one. Suggestions for a facilitator to follow up,
 * never published by themselves. NOT_FOUND for a metric the reader may not read.
 */
export async function candidatesForMetric(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  metricId: string,
): Promise<MetricCandidates> {
  await requireReadableMetric(context, metricId);
  return computeMetricCandidates(context.db, metricId);
}

/** A candidate's improvement in plain English: "from 61.2% to 70.4% between April 2024 and March 2025". */
export function describeImprovement(candidate: Candidate, readOn: MetricRow, granularity: string): string {
  return `from ${formatMetricValue(candidate.from.value, readOn)} to ${formatMetricValue(candidate.to.value, readOn)} between ${periodLabel(candidate.from.start, granularity)} and ${periodLabel(candidate.to.end, granularity)}`;
}

/** A candidate as the API, CSV and command line give it. */
export function candidateView(found: MetricCandidates, candidate: Candidate) {
  return {
    org: candidate.code,
    orgName: candidate.name,
    metric: found.metric.id,
    readOn: found.readOn.id,
    reasons: candidate.reasons,
    reasonText: candidate.reasons.map((reason) => candidateReasonText[reason]).join('; '),
    rule: candidate.rule,
    from: candidate.from,
    to: candidate.to,
    improvement: candidate.improvement,
    relativeImprovement: candidate.relativeImprovement,
    summary: describeImprovement(candidate, found.readOn, found.granularity),
    status: 'candidate – not yet confirmed',
  };
}

/** The candidates as CSV, one row each. */
export function candidatesCsv(found: MetricCandidates): string {
  return toCsv(
    [
      'org',
      'org_name',
      'metric',
      'read_on',
      'reasons',
      'from',
      'to',
      'improvement',
      'relative_improvement',
      'summary',
    ],
    found.candidates.map((candidate) => {
      const view = candidateView(found, candidate);
      return [
        view.org,
        view.orgName,
        view.metric,
        view.readOn,
        view.reasons.join(' '),
        String(view.from.value),
        String(view.to.value),
        String(view.improvement),
        view.relativeImprovement === null ? '' : String(view.relativeImprovement),
        view.summary,
      ];
    }),
  );
}
