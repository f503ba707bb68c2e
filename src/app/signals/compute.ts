import type { Kysely } from 'kysely';
import { metricBounds } from '../../domain/metric-catalogue.ts';
import { financialQuarterLabel } from '../../domain/period.ts';
import { segmentChanges } from '../../engines/nof/changes.ts';
import { frameworkForQuarter } from '../../engines/nof/frameworks.ts';
import {
  dataQuestionEpisodes,
  episodeKey,
  mayHaveChartSignals,
  type SignalEpisode,
  segmentChangeEpisode,
  seriesEpisodes,
} from '../../engines/signals/episodes.ts';
import { countsReadAsRates } from '../../engines/signals/rates.ts';
import { rebasesOfAllSeries } from '../../store/repos/annotation-repo.ts';
import { listAllMetrics } from '../../store/repos/metric-repo.ts';
import { nofQuarterStarts, organisationsHolding } from '../../store/repos/observation-repo.ts';
import {
  closedOrganisationCodes,
  closeSignalsAsCommonCause,
  metricObservationsText,
  openSignalKeys,
  seriesTargets,
  upsertSignalEpisodes,
} from '../../store/repos/signal-repo.ts';
import { bumpStoreVersion } from '../../store/repos/version-repo.ts';
import type { Database } from '../../store/tables.ts';
import { cachedAssessment } from '../assessment-cache.ts';
import { isoDay } from '../context.ts';
import { improvementDirection } from '../series.ts';
import { type StoredSeries, seriesFromText } from '../series-text.ts';
import { spcForSeries } from '../spc-view.ts';

/** The metric segment changes are filed under: the league table's segment. */
export const SEGMENT_METRIC_ID = 'nof-league-segment';

/** Rows per insert statement (well under PostgreSQL's 65,535 parameters at 8 per row). */
const UPSERT_CHUNK = 2000;

/** What one computation did. */
export interface SignalComputation {
  /** Episodes found now, of every kind. */
  episodes: number;
  /** Signals opened or updated (unchanged episodes are not written). */
  written: number;
  /** Signals closed because the computation no longer finds them. */
  closed: number;
  milliseconds: number;
}

/** Re-exported for the modules that read a metric's series from its text through this one. */
export { seriesFromText };

/**
 * Every series of every metric charted and read for signals: special cause, assurance, data
 * questions. One metric at a time — its series are read, judged and let go before the next is
 * read — so the memory a computation holds is one metric's, however many metrics it reads.
 */
async function seriesSignalEpisodes(
  db: Kysely<Database>,
  day: string,
  only?: SignalScope,
): Promise<SignalEpisode[]> {
  // One after another: an import computes signals on its own single connection, which runs one query at a time.
  const metrics = await listAllMetrics(db);
  const rebases = await rebasesOfAllSeries(db);
  const targets = await seriesTargets(db);
  const closed = await closedOrganisationCodes(db, day);
  const rateOf = countsReadAsRates(metrics);
  const episodes: SignalEpisode[] = [];
  for (const metric of metrics) {
    if (only && !only.metricIds.includes(metric.id)) continue;
    const rows = seriesFromText(metric.id, await metricObservationsText(db, metric.id));
    if (rows.length === 0) continue;
    const rate = rateOf.get(metric.id);
    // a count is read through its rate where the organisation holds the rate, whether or not this computation reads it
    const holdingRate = rate === undefined ? new Set<string>() : await organisationsHolding(db, rate);
    const bounds = metricBounds(metric.id, metric.unit);
    const period = latestReportedPeriod(rows);
    for (const row of rows) {
      if (only?.orgCode !== undefined && row.org_code !== only.orgCode) continue;
      // a closed or merged organisation raises no signals (its successor does)
      if (closed.has(row.org_code)) continue;
      const question = {
        orgCode: row.org_code,
        metricId: metric.id,
        bounds: { min: bounds.min, max: bounds.max },
      };
      // a series that cannot have a settled chart at the metric's latest period raises data questions only
      if (!mayHaveChartSignals(row, period)) {
        episodes.push(...dataQuestionEpisodes({ ...question, spc: row }));
        continue;
      }
      episodes.push(
        ...seriesEpisodes({
          ...question,
          spc: spcForSeries(
            row.dates.map((date, index) => ({ date, value: row.values[index] })),
            {
              improvementDirection: improvementDirection(metric),
              facet: row.org_code,
              target: targets.get(metric.id) ?? null,
              rebase: rebases.get(`${row.org_code}|${metric.id}`) ?? [],
            },
          ),
          latestPeriod: period,
          countWithRate: holdingRate.has(row.org_code),
        }),
      );
    }
  }
  return episodes;
}

/** The latest period any organisation reports a metric for (its series all of one metric); null when none reports. */
function latestReportedPeriod(rows: readonly StoredSeries[]): string | null {
  let latest: string | null = null;
  for (const row of rows) {
    const last = row.values.findLastIndex((value) => value !== null);
    if (last < 0) continue;
    const date = row.dates[last];
    if (latest === null || date > latest) latest = date;
  }
  return latest;
}

/**
 * The latest quarter's changes of NHS Oversight Framework segment against the quarter before, each
 * with the organisation page's signal-or-noise verdict.
 */
async function segmentChangeEpisodes(db: Kysely<Database>): Promise<SignalEpisode[]> {
  const [currentStart, previousStart] = await nofQuarterStarts(db);
  if (currentStart === undefined || previousStart === undefined) return [];
  const quarter = financialQuarterLabel(currentStart);
  const previousQuarter = financialQuarterLabel(previousStart);
  const currentFramework = frameworkForQuarter(quarter);
  const previousFramework = frameworkForQuarter(previousQuarter);
  if (!currentFramework || !previousFramework) return [];
  const current = await cachedAssessment(db, { framework: currentFramework.id, quarter });
  const previous = await cachedAssessment(db, { framework: previousFramework.id, quarter: previousQuarter });
  const episodes: SignalEpisode[] = [];
  for (const change of segmentChanges(current, previous)) {
    const { previousSegment, currentSegment, verdict } = change.change;
    if (previousSegment === null || currentSegment === null) continue;
    const episode = segmentChangeEpisode({
      orgCode: change.code,
      metricId: SEGMENT_METRIC_ID,
      quarterStart: currentStart,
      quarter,
      previousQuarter,
      previousSegment,
      currentSegment,
      verdict,
    });
    if (episode) episodes.push(episode);
  }
  return episodes;
}

/**
 * Which signals one computation reads: the series of these metrics (every organisation's, or one
 * organisation's). Segment changes are read again with the Oversight Framework's metrics.
 */
export interface SignalScope {
  metricIds: readonly string[];
  orgCode?: string;
}

/** Whether a computation reads segment changes: a whole one, or one of Oversight Framework metrics. */
function readsSegments(only: SignalScope | undefined): boolean {
  return (
    only === undefined ||
    (only.orgCode === undefined && only.metricIds.some((id) => id.startsWith('OF') || id.startsWith('nof-')))
  );
}

/** Every signal episode the store's data show now, one per key; or those `only` reads. */
export async function currentEpisodes(
  db: Kysely<Database>,
  day: string,
  only?: SignalScope,
): Promise<SignalEpisode[]> {
  const episodes = [
    ...(await seriesSignalEpisodes(db, day, only)),
    ...(readsSegments(only) ? await segmentChangeEpisodes(db) : []),
  ];
  const byKey = new Map<string, SignalEpisode>();
  for (const episode of episodes) byKey.set(episodeKey(episode), episode);
  return [...byKey.values()];
}

/**
 * Computes every signal of the store — every organisation × metric, team indicators included — and
 * brings the `signal` table up to date in one transaction: new episodes open, continuing ones are
 * updated (not duplicated), and open ones no longer found close as "returned to common cause".
 * Computing twice on the same data changes nothing. Run when the demo starts; after an import that
 * changed values, `only` for the metrics it changed; after a rebase, `only` for the rebased series.
 * A metric's latest period is always read from every organisation's series.
 */
export async function computeSignals(
  db: Kysely<Database>,
  clock: () => Date,
  only?: SignalScope,
): Promise<SignalComputation> {
  const started = performance.now();
  const at = clock();
  const episodes = await currentEpisodes(db, isoDay(at), only);
  const found = new Set(episodes.map(episodeKey));
  const { written, closed } = await db.transaction().execute(async (trx) => {
    let written = 0;
    for (let start = 0; start < episodes.length; start += UPSERT_CHUNK)
      written += await upsertSignalEpisodes(trx, episodes.slice(start, start + UPSERT_CHUNK), at);
    const keys = only && readsSegments(only) ? { metricIds: [...only.metricIds, SEGMENT_METRIC_ID] } : only;
    const gone = (await openSignalKeys(trx, keys))
      .filter(
        (row) =>
          !found.has(
            episodeKey({
              orgCode: row.org_code,
              metricId: row.metric_id,
              kind: row.kind,
              firstDate: row.first_date,
            }),
          ),
      )
      .map((row) => row.id);
    const closed = await closeSignalsAsCommonCause(trx, gone, at);
    // pages kept for anonymous readers show signals: they are rendered again after a change
    if (written + closed > 0) await bumpStoreVersion(trx, { data: false });
    return { written, closed };
  });
  return { episodes: episodes.length, written, closed, milliseconds: performance.now() - started };
}
