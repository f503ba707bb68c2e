import type { Kysely } from 'kysely';
import { hasBetterDirection } from '../domain/metric.ts';
import { hasSettledLimits, isNewConcern, readsCurrent } from '../engines/signals/rules.ts';
import { improvementExclusion } from '../engines/signals/who-has-improved.ts';
import type { PointType, VariationIcon } from '../engines/spc/codes.ts';
import { competitionRanks } from '../engines/stats/competition-rank.ts';
import { median } from '../engines/stats/median.ts';
import { rebasesOfMetric } from '../store/repos/annotation-repo.ts';
import { organisationPeerFacts } from '../store/repos/directory-repo.ts';
import { metricsByIds } from '../store/repos/metric-repo.ts';
import { firstOrganisationHolding } from '../store/repos/observation-repo.ts';
import {
  dominantGranularityOf,
  metricGranularityPairs,
  metricIdsWithObservations,
  peerRankFigures,
} from '../store/repos/series-repo.ts';
import {
  currentImprovementsOfMetric,
  currentSpecialCause,
  metricObservationsText,
  signalEpisodesStamp,
} from '../store/repos/signal-repo.ts';
import type { Database, MetricRow } from '../store/tables.ts';
import { rememberAndKeep, rememberUntilNextImport } from './assessment-cache.ts';
import { requireMetric } from './catalogue.ts';
import { loadSeriesForAll, type SeriesPoint } from './series.ts';
import { seriesFromText } from './series-text.ts';
import { spcOfPoints } from './spc-view.ts';

/** One organisation's series of a metric, charted, as the across-organisation views need it. */
export interface OrganisationReading {
  code: string;
  name: string;
  kind: string | null;
  trustType: string | null;
  points: readonly SeriesPoint[];
  /** The latest point with a value, if any. */
  latest: { date: string; value: number } | null;
  /** The SPC point type of the latest point (with or without a value). */
  latestPointType: PointType | null;
  /** The point type of the point before the latest. */
  previousPointType: PointType | null;
  variationIcon: VariationIcon | null;
  /**
   * Whether the chart's latest limits rest on enough points to act on: an XmR chart whose latest
   * rebase group has at least the engine's `minimumPointsWarning` (13) rows. Shorter series have
   * trial limits; their signals are shown on their charts but not listed across organisations.
   */
  settledLimits: boolean;
}

/** A metric charted for every organisation that reports it. */
export interface MetricAcrossOrganisations {
  metric: MetricRow;
  /** The granularity the series are at (the metric's most common): "month", "quarter"… */
  granularity: string;
  /** The latest period any organisation has a value for. */
  latestPeriod: string | null;
  /** Every organisation's reading, in code order. */
  organisations: OrganisationReading[];
}

export { isNewConcern };

/** Every organisation's series of a metric, charted with the metric's improvement direction and each series' rebases. */
async function chartAcrossOrganisations(
  db: Kysely<Database>,
  metricId: string,
): Promise<MetricAcrossOrganisations> {
  const { metric, granularity, series } = await loadSeriesForAll(db, metricId);
  const rebases = await rebasesOfMetric(db, metric.id);
  let latestPeriod: string | null = null;
  const organisations: OrganisationReading[] = [];
  for (const [code, entry] of series) {
    const result = spcOfPoints(entry.points, metric, code, rebases.get(code));
    let latest: OrganisationReading['latest'] = null;
    for (let index = entry.points.length - 1; index >= 0 && latest === null; index--) {
      const point = entry.points[index];
      if (point.value !== null) latest = { date: point.date, value: point.value };
    }
    if (latest && (latestPeriod === null || latest.date > latestPeriod)) latestPeriod = latest.date;
    organisations.push({
      code,
      name: entry.name,
      kind: entry.kind,
      trustType: entry.trustType,
      points: entry.points,
      latest,
      latestPointType: result.pointType.at(-1) ?? null,
      previousPointType: result.pointType.at(-2) ?? null,
      variationIcon: result.variationIcon,
      settledLimits: hasSettledLimits(result),
    });
  }
  return { metric, granularity: granularity ?? '', latestPeriod, organisations };
}

/**
 * A metric charted for every organisation that reports it, remembered per metric until an import
 * or rebase changes that metric (or the organisations). Loading and charting about 200 organisations' series takes 100–300 ms on PGlite.
 */
export function metricAcrossOrganisations(
  db: Kysely<Database>,
  metricId: string,
): Promise<MetricAcrossOrganisations> {
  return rememberUntilNextImport(
    db,
    `metric-across|${metricId}`,
    () => chartAcrossOrganisations(db, metricId),
    {
      metrics: [metricId],
    },
  );
}

/** One organisation's charted series of a metric, kept without its points: what a metric page shows of it. */
export interface OrganisationSummary {
  code: string;
  name: string;
  /** The latest point with a value, if any. */
  latest: { date: string; value: number } | null;
  variationIcon: VariationIcon | null;
  /** Whether the chart's latest limits are settled (13 points or more), not trial limits. */
  settledLimits: boolean;
}

/** A metric charted for every organisation that reports it, each kept as its `OrganisationSummary`. */
export interface MetricReadings {
  metric: MetricRow;
  granularity: string;
  latestPeriod: string | null;
  /** Every organisation's summary, in code order. */
  organisations: OrganisationSummary[];
}

/**
 * Every organisation's series of a metric charted once, as `chartAcrossOrganisations` charts them,
 * and kept as summaries — latest value, variation icon, settled limits — without the points, so that
 * what is remembered per metric until an import or rebase changes it grows with the organisations,
 * not with their series. The series are read as one text (`metricObservationsText`, as the signal
 * computation reads them) rather than a row per observation. A metric page's distribution, values
 * and variation are read from it.
 */
export function metricReadings(db: Kysely<Database>, metricId: string): Promise<MetricReadings> {
  return rememberAndKeep(
    db,
    `metric-readings|${metricId}`,
    async () => {
      const metric = await requireMetric(db, metricId);
      // One after another: an import keeps these on its own single connection (kept-metric-results.ts).
      const text = await metricObservationsText(db, metric.id);
      const rebases = await rebasesOfMetric(db, metric.id);
      const organisations = await organisationPeerFacts(db);
      const granularities = await dominantGranularities(db);
      const names = new Map(organisations.map((row) => [row.code, row.name]));
      let latestPeriod: string | null = null;
      const summaries: OrganisationSummary[] = [];
      for (const series of seriesFromText(metric.id, text)) {
        const points = series.dates.map((date, index) => ({ date, value: series.values[index] }));
        const result = spcOfPoints(points, metric, series.org_code, rebases.get(series.org_code));
        const last = series.values.findLastIndex((value) => value !== null);
        const latest = last < 0 ? null : { date: series.dates[last], value: series.values[last] as number };
        if (latest && (latestPeriod === null || latest.date > latestPeriod)) latestPeriod = latest.date;
        summaries.push({
          code: series.org_code,
          name: names.get(series.org_code) ?? series.org_code,
          latest,
          variationIcon: result.variationIcon,
          settledLimits: hasSettledLimits(result),
        });
      }
      return {
        metric,
        granularity: granularities.get(metric.id) ?? '',
        latestPeriod,
        organisations: summaries,
      };
    },
    { metrics: [metricId] },
  );
}

/**
 * Each organisation's value for the metric's latest period, for those that have one: the
 * organisations whose latest value is in that period (no organisation has a value after it).
 */
export function latestValuesOf(
  readings: MetricReadings,
): { code: string; name: string; value: number; reading: OrganisationSummary }[] {
  return readings.organisations.flatMap((reading) =>
    reading.latest && reading.latest.date === readings.latestPeriod
      ? [{ code: reading.code, name: reading.name, value: reading.latest.value, reading }]
      : [],
  );
}

/** The first organisation, by code, holding observations of a metric (what warm-up renders a page of). */
export function firstOrganisationWithData(
  db: Kysely<Database>,
  metricId: string,
): Promise<string | undefined> {
  return firstOrganisationHolding(db, metricId);
}

/** The ids of the metrics the store holds observations of, in id order. */
export async function metricIdsWithData(db: Kysely<Database>): Promise<string[]> {
  return metricIdsWithObservations(db);
}

/**
 * Whether a reading's latest signal counts in lists gathered across organisations: its chart has
 * settled limits, and the organisation still reports (a value for the metric's latest period).
 */
export function readsCurrentSignal(across: MetricAcrossOrganisations, reading: OrganisationReading): boolean {
  return readsCurrent(
    {
      settledLimits: reading.settledLimits,
      latestValueDate: reading.latest?.date ?? null,
      lastPointDate: reading.points.at(-1)?.date ?? null,
    },
    across.latestPeriod,
  );
}

/** Each organisation's value for one period, for those that have one. */
export function valuesAt(
  across: MetricAcrossOrganisations,
  period: string | null,
): { code: string; name: string; value: number; reading: OrganisationReading }[] {
  if (period === null) return [];
  const values = [];
  for (const reading of across.organisations) {
    const point = reading.points.find((candidate) => candidate.date === period);
    if (point && point.value !== null)
      values.push({ code: reading.code, name: reading.name, value: point.value, reading });
  }
  return values;
}

/** Orders values best first in a metric's direction (highest first where neither is better). */
export function bestFirst(direction: string): (a: { value: number }, b: { value: number }) => number {
  return direction === 'lower_is_better' ? (a, b) => a.value - b.value : (a, b) => b.value - a.value;
}

/** Who an organisation is compared with: trusts of its NHS Oversight Framework type, else its kind. */
export interface PeerGroup {
  kind: string | null;
  trustType: string | null;
}

/** An organisation's place among its peers on one metric, in its latest reported period. */
export interface PeerRank {
  /** 1 is the best value; ties share a rank. Null where the metric has no better direction (`hasBetterDirection`): a flag or an activity count is not ranked. */
  rank: number | null;
  /** How many peers, itself included, have a value for that period. */
  peerCount: number;
  value: number;
  /** The median of the peers' values for that period. */
  peerMedian: number;
  period: string;
  peerGroup: PeerGroup;
  /** `'best'` when the metric has a better direction, `'no-better-direction'` when it has none (and so no rank). */
  orderedBy: 'best' | 'no-better-direction';
}

/** Whether `other` is among `self`'s peers: the same trust type where `self` has one, else the same kind. */
function isPeer(self: PeerGroup, other: PeerGroup): boolean {
  return self.trustType ? other.trustType === self.trustType : other.kind === self.kind;
}

/**
 * Where an organisation's latest value of a metric ranks among its peers' values for the same
 * period (standard competition ranking: ties share the better rank). `null` when it has no value.
 */
export function peerRank(across: MetricAcrossOrganisations, code: string): PeerRank | null {
  const self = across.organisations.find((reading) => reading.code === code);
  if (!self?.latest) return null;
  const period = self.latest.date;
  const peers = valuesAt(across, period).filter((row) => isPeer(self, row.reading));
  const ranked = hasBetterDirection(across.metric.direction);
  const ranks = ranked ? competitionRanks(peers, bestFirst(across.metric.direction)) : [];
  const index = peers.findIndex((row) => row.code === code);
  return {
    rank: ranked ? ranks[index] : null,
    peerCount: peers.length,
    value: self.latest.value,
    peerMedian: median(peers.map((row) => row.value)),
    period,
    peerGroup: { kind: self.kind, trustType: self.trustType },
    orderedBy: ranked ? 'best' : 'no-better-direction',
  };
}

/**
 * Every metric's most common granularity (`dominantGranularityOf`), remembered until the next import:
 * read from the metric × granularity pairs the store holds (`metricGranularityPairs`), counting the
 * observations only of a metric held at more than one.
 */
export function dominantGranularities(db: Kysely<Database>): Promise<Map<string, string>> {
  return rememberUntilNextImport(db, 'dominant-granularities', async () => {
    const held = new Map<string, string[]>();
    for (const row of await metricGranularityPairs(db))
      held.set(row.metric_id, [...(held.get(row.metric_id) ?? []), row.granularity]);
    const dominant = new Map<string, string>();
    for (const [metricId, granularities] of held)
      dominant.set(
        metricId,
        granularities.length === 1 ? granularities[0] : ((await dominantGranularityOf(db, metricId)) ?? ''),
      );
    return dominant;
  });
}

/** An organisation's peer ranks, with the granularity each metric is ranked at. */
function peerRankTable(
  db: Kysely<Database>,
  orgCode: string,
): Promise<Map<string, { peers: PeerRank; granularity: string }>> {
  const code = orgCode.toUpperCase();
  return rememberUntilNextImport(db, `peer-ranks|${code}`, async () => {
    const rows = await peerRankFigures(db, code, await dominantGranularities(db));
    const directions = new Map(
      (await metricsByIds(db, [...new Set(rows.map((row) => row.metric_id))])).map((metric) => [
        metric.id,
        metric.direction,
      ]),
    );
    const ranks = new Map<string, { peers: PeerRank; granularity: string }>();
    for (const row of rows) {
      const direction = directions.get(row.metric_id);
      if (direction === undefined) continue;
      const ranked = hasBetterDirection(direction);
      // standard competition ranking: one more than the peers with a better value
      const better = direction === 'lower_is_better' ? row.lower : row.higher;
      ranks.set(row.metric_id, {
        peers: {
          rank: ranked ? better + 1 : null,
          peerCount: row.peer_count,
          value: row.value,
          peerMedian: median([row.middle_low, row.middle_high]),
          period: row.period_start,
          peerGroup: { kind: row.kind, trustType: row.nof_trust_type },
          orderedBy: ranked ? 'best' : 'no-better-direction',
        },
        granularity: row.granularity,
      });
    }
    return ranks;
  });
}

/**
 * `peerRank` for every metric an organisation holds, from one aggregate query of its peers' values in
 * its latest periods (`peerRankFigures`: their count, how many are better, the middle values) rather
 * than every organisation's charted series per metric: the same ranks, peers and medians, for an
 * organisation page's scorecard. Remembered until the next import.
 */
export async function peerRanksOf(db: Kysely<Database>, orgCode: string): Promise<Map<string, PeerRank>> {
  const table = await peerRankTable(db, orgCode);
  return new Map([...table].map(([metricId, entry]) => [metricId, entry.peers]));
}

/**
 * `peerRank` of one organisation on one metric, with the granularity its period is at, read from the
 * same remembered query as `peerRanksOf`; null when it has no value to rank.
 */
export async function peerRankOn(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<{ peers: PeerRank; granularity: string } | null> {
  return (await peerRankTable(db, orgCode)).get(metricId) ?? null;
}

/** One organisation's latest value of a metric, placed among its peers: a row of `latestAcrossOrganisations`. */
export interface LatestReading {
  code: string;
  name: string;
  kind: string | null;
  trustType: string | null;
  /** The organisation's latest period with a value. */
  period: string;
  value: number;
  /** Its rank among its peers for that period (1 best); null where the metric has no better direction. */
  peerRank: number | null;
  peerCount: number;
  variationIcon: VariationIcon | null;
  latestPointType: PointType | null;
  /** Whether its chart's latest limits are settled (13 points or more), not trial limits. */
  settledLimits: boolean;
}

/**
 * Every organisation's latest value of a metric with its rank among its peers and its chart's
 * reading, in organisation code order; organisations with no value are left out.
 */
export async function latestAcrossOrganisations(
  db: Kysely<Database>,
  metricId: string,
): Promise<{
  metric: MetricRow;
  granularity: string;
  latestPeriod: string | null;
  readings: LatestReading[];
}> {
  const across = await metricAcrossOrganisations(db, metricId);
  const readings: LatestReading[] = [];
  for (const reading of across.organisations) {
    const peers = peerRank(across, reading.code);
    if (!peers || !reading.latest) continue;
    readings.push({
      code: reading.code,
      name: reading.name,
      kind: reading.kind,
      trustType: reading.trustType,
      period: reading.latest.date,
      value: reading.latest.value,
      peerRank: peers.rank,
      peerCount: peers.peerCount,
      variationIcon: reading.variationIcon,
      latestPointType: reading.latestPointType,
      settledLimits: reading.settledLimits,
    });
  }
  return {
    metric: across.metric,
    granularity: across.granularity,
    latestPeriod: across.latestPeriod,
    readings,
  };
}

/**
 * Organisations still reporting a metric (a value for its latest period) whose chart shows
 * special-cause improvement at that point, read from settled limits only and never from a flat,
 * all-zero or one-step-to-zero series (`improvementExclusion`): who to ask what changed.
 * Peers of `code` come first, then the rest, each by name; `code` itself is left out.
 */
export function improvingOrganisations(
  across: MetricAcrossOrganisations,
  code: string,
): OrganisationReading[] {
  const self = across.organisations.find((reading) => reading.code === code);
  const improving = across.organisations.filter(
    (reading) =>
      reading.code !== code &&
      readsCurrentSignal(across, reading) &&
      improvementExclusion({
        improving: reading.latestPointType === 'special_cause_improvement',
        settledLimits: reading.settledLimits,
        values: reading.points.flatMap((point) => (point.value === null ? [] : [point.value])),
      }) === null,
  );
  const isSelfPeer = (reading: OrganisationReading) => (self ? isPeer(self, reading) : false);
  return improving.sort(
    (a, b) => Number(isSelfPeer(b)) - Number(isSelfPeer(a)) || a.name.localeCompare(b.name),
  );
}

/** An organisation improving on a metric, as `improvingOrganisationsOn` lists it. */
export interface ImprovingOrganisation {
  code: string;
  name: string;
  latest: { date: string; value: number } | null;
  /** The granularity of the metric's latest period ("month", "quarter"…). */
  granularity: string;
}

/**
 * `improvingOrganisations` read from the signal episodes kept after every import
 * (`currentImprovementsOfMetric`) instead of every organisation's charted series: the organisations
 * whose chart of the metric (settled limits, still reporting, never a flat, all-zero or
 * one-step-to-zero series) shows special-cause improvement at the latest point. Peers of `self`
 * (`isPeer`) come first, then the rest, each by name; `self` itself is left out.
 */
export async function improvingOrganisationsOn(
  db: Kysely<Database>,
  metricId: string,
  self: ({ code: string } & PeerGroup) | null,
): Promise<ImprovingOrganisation[]> {
  const rows = await currentImprovementsOfMetric(db, metricId);
  const isSelfPeer = (row: { kind: string | null; nof_trust_type: string | null }) =>
    self ? isPeer(self, { kind: row.kind, trustType: row.nof_trust_type }) : false;
  return rows
    .filter((row) => row.org_code !== self?.code)
    .sort((a, b) => Number(isSelfPeer(b)) - Number(isSelfPeer(a)) || a.org_name.localeCompare(b.org_name))
    .map((row) => ({
      code: row.org_code,
      name: row.org_name,
      latest: row.latest_value === null ? null : { date: row.latest_date, value: row.latest_value },
      granularity: row.granularity,
    }));
}

/** What the charts of one organisation's metrics show at their latest point, read from settled limits. */
export interface OrganisationSignals {
  /** Metrics whose latest point is special-cause concern. */
  concerns: string[];
  /** Metrics whose latest point is special-cause improvement. */
  improving: string[];
}

/**
 * For every organisation, the metrics it still reports whose charts (settled limits only) show
 * special-cause concern or improvement at their latest point, in metric id order: read from the
 * signal episodes the signal computation keeps up to date after every import (`currentSpecialCause`),
 * not by charting every metric for every organisation. An improvement from a flat, all-zero or
 * one-step-to-zero series is never an episode (`specialCauseEpisode`).
 */
export async function signalsByOrganisation(db: Kysely<Database>): Promise<Map<string, OrganisationSignals>> {
  const signals = new Map<string, OrganisationSignals>();
  for (const row of await currentSpecialCause(db)) {
    const entry = signals.get(row.org_code) ?? { concerns: [], improving: [] };
    entry[row.kind === 'concern' ? 'concerns' : 'improving'].push(row.metric_id);
    signals.set(row.org_code, entry);
  }
  return signals;
}

/** A new special-cause concern at an organisation's latest point, with its metric. */
export interface NewConcern {
  code: string;
  name: string;
  metric: MetricRow;
  value: number;
  date: string;
  granularity: string;
}

/**
 * Every organisation's new special-cause concerns (`isNewConcern`: the latest point is a concern and
 * the point before was not, so the concern episode spans one point) on the metrics it still reports,
 * settled limits only, in organisation code then metric id order: read from the signal episodes kept
 * after every import (`currentSpecialCause`), not by charting every metric for every organisation.
 */
export async function newConcernsAcrossOrganisations(db: Kysely<Database>): Promise<NewConcern[]> {
  const concerns = (await currentSpecialCause(db)).filter(
    (row) => row.kind === 'concern' && row.points === 1 && row.latest_value !== null,
  );
  const metrics = new Map(
    (await metricsByIds(db, [...new Set(concerns.map((row) => row.metric_id))])).map((metric) => [
      metric.id,
      metric,
    ]),
  );
  return concerns.flatMap((row) => {
    const metric = metrics.get(row.metric_id);
    return metric && row.latest_value !== null
      ? [
          {
            code: row.org_code,
            name: row.org_name,
            metric,
            value: row.latest_value,
            date: row.latest_date,
            granularity: row.granularity,
          },
        ]
      : [];
  });
}

/**
 * What views read from the kept signal episodes add to the key they are remembered under: they are
 * read again after the signal computation that follows an import, not only after the import.
 */
export function keptSignalsStamp(db: Kysely<Database>): Promise<string> {
  return signalEpisodesStamp(db);
}
