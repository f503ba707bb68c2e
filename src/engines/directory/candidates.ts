import { isFlatOrAllZero, reachesZeroInOneStep } from '../signals/data-quality.ts';
import { hasSettledLimits } from '../signals/rules.ts';
import { improvementExclusion } from '../signals/who-has-improved.ts';
import type { SpecialCauseKind } from '../spc/codes.ts';
import { computeSpc } from '../spc/compute-spc.ts';
import type { ImprovementDirection } from '../spc/options.ts';
import { defaultSpcOptions } from '../spc/options.ts';
import type { SpcRebase } from '../spc/types.ts';

/**
 * Finding the improvers (positive deviance): for one metric's series, one per organisation or team,
 * who shows sustained improvement on its own chart and who is consistently among the best of its
 * peers over the last year. Candidates are suggestions for an improvement facilitator to follow up,
 * never published by themselves. Pure: reads the series and the SPC engine only.
 */

/** One organisation's (or team's) series of the metric. */
export interface CandidateSeries {
  readonly code: string;
  readonly name: string;
  /** Its kind ("trust", "team"…), null when the register does not hold it. */
  readonly kind: string | null;
  /** Its NHS Oversight Framework trust type, where it has one: its peers share it. */
  readonly trustType: string | null;
  /** Points in date order (oldest first); a gap is a null value. */
  readonly points: readonly { readonly date: string; readonly value: number | null }[];
  readonly rebase?: readonly SpcRebase[];
}

/** Why a candidate is one. */
export type CandidateReason = 'sustained_improvement' | 'best_of_peers';

/** Why a series is not a candidate, in the order the rules are read. */
export type CandidateExclusion =
  | 'no_better_direction'
  | 'no_longer_reports'
  | 'trial_limits'
  | 'flat_or_all_zero'
  | 'drop_to_zero'
  | 'mostly_zero'
  | 'latest_point_concern'
  | 'no_improvement';

/** A mean of a stretch of the series. */
export interface CandidateLevel {
  readonly start: string;
  readonly end: string;
  readonly value: number;
}

/** One candidate: an organisation to ask what it did. */
export interface Candidate {
  readonly code: string;
  readonly name: string;
  readonly kind: string | null;
  readonly trustType: string | null;
  readonly reasons: readonly CandidateReason[];
  /** The special-cause rule of the sustained improvement (a shift or trend), when it has one. */
  readonly rule: SpecialCauseKind | null;
  /** Its own baseline: the mean before the improvement (or of the year before the last one). */
  readonly from: CandidateLevel;
  /** The mean since the improvement began (or of the last year). */
  readonly to: CandidateLevel;
  /** `to − from` in the metric's better direction: positive is better. */
  readonly improvement: number;
  /** `improvement` as a share of the baseline's size, null when the baseline is zero. */
  readonly relativeImprovement: number | null;
}

/** What `findCandidates` reads. */
export interface CandidateInput {
  readonly direction: ImprovementDirection;
  /** The latest period any organisation reports: an organisation without it no longer reports. */
  readonly latestPeriod: string | null;
  readonly series: readonly CandidateSeries[];
}

/** How the rules read the series. */
export interface CandidateOptions {
  /** How many of the latest points the shift or trend must reach into (default 6). */
  readonly recentPoints?: number;
  /** How many months back from the latest period "the last year" reaches (default 12). */
  readonly yearMonths?: number;
  /** The fewest peers with a value in a period for a best quartile to mean anything (default 8). */
  readonly minimumPeers?: number;
}

/** The candidates, best first by relative improvement, and why every other series is not one. */
export interface CandidateResult {
  readonly candidates: readonly Candidate[];
  readonly excluded: readonly { readonly code: string; readonly reason: CandidateExclusion }[];
}

const sustainedRules: ReadonlySet<SpecialCauseKind> = new Set([
  'shift_above',
  'shift_below',
  'trend_increasing',
  'trend_decreasing',
]);

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The first day of the month `months` before an ISO date's month. */
function monthsBefore(date: string, months: number): string {
  const day = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  day.setUTCMonth(day.getUTCMonth() - months);
  return day.toISOString().slice(0, 10);
}

/** A series read by the SPC engine, with what the rules need. */
interface ReadSeries {
  readonly input: CandidateSeries;
  readonly dates: readonly string[];
  readonly values: readonly (number | null)[];
  readonly specialCause: readonly SpecialCauseKind[];
  readonly pointType: readonly string[];
  /** Each point's centre line (its group's process mean). */
  readonly centreLine: readonly (number | null)[];
  readonly settled: boolean;
}

/** How many values a stretch of points holds. */
function valuesIn(series: ReadSeries, from: number, to: number): number {
  let count = 0;
  for (let index = Math.max(0, from); index < to; index++) if (series.values[index] !== null) count++;
  return count;
}

/** The level of a stretch of points (their values' mean), or null when it holds no value. */
function levelOf(series: ReadSeries, from: number, to: number): CandidateLevel | null {
  const values: number[] = [];
  let start: string | null = null;
  let end = '';
  for (let index = Math.max(0, from); index < to; index++) {
    const value = series.values[index];
    if (value === null) continue;
    start ??= series.dates[index];
    end = series.dates[index];
    values.push(value);
  }
  return start === null ? null : { start, end, value: mean(values) };
}

/**
 * The sustained improvement of one series: the latest run of consecutive improvement points that
 * reaches into the latest `recentPoints` and either holds a point decided by a shift or a trend, or is
 * itself at least `shiftPoints` long (points on the improvement side in a row are a shift, whatever
 * rule of higher precedence decided each one). With the level before it (up to 12 points) and the
 * level since it began. Null when there is none.
 */
function sustainedImprovement(
  series: ReadSeries,
  direction: ImprovementDirection,
  recentPoints: number,
  shiftPoints: number,
): { rule: SpecialCauseKind; from: CandidateLevel; to: CandidateLevel } | null {
  const last = series.dates.length - 1;
  let runEnd = -1;
  for (let index = last; index >= 0 && index > last - recentPoints; index--)
    if (series.pointType[index] === 'special_cause_improvement') {
      runEnd = index;
      break;
    }
  if (runEnd < 0) return null;
  let runStart = runEnd;
  while (runStart > 0 && series.pointType[runStart - 1] === 'special_cause_improvement') runStart--;
  let rule: SpecialCauseKind | null = null;
  for (let index = runEnd; index >= runStart && rule === null; index--)
    if (sustainedRules.has(series.specialCause[index])) rule = series.specialCause[index];
  if (rule === null && runEnd - runStart + 1 >= shiftPoints)
    rule = direction === 'decrease' ? 'shift_below' : 'shift_above';
  if (rule === null) return null;
  // The baseline: up to 12 points before the run; with fewer than 3 values there, the process mean
  // of the chart's group the run began in (its centre line), over the points before the run.
  let from = levelOf(series, runStart - 12, runStart);
  if (
    (from === null || valuesIn(series, runStart - 12, runStart) < 3) &&
    series.centreLine[runStart] !== null
  )
    from = {
      start: series.dates[0],
      end: series.dates[Math.max(0, runStart - 1)],
      value: series.centreLine[runStart] as number,
    };
  const to = levelOf(series, runStart, last + 1);
  if (!from || !to) return null;
  // Still sustained: the latest value is no worse than the baseline.
  const latest = series.values[last];
  const sign = direction === 'decrease' ? -1 : 1;
  if (latest === null || sign * (latest - from.value) < 0) return null;
  return { rule, from, to };
}

/** What `bestOfPeers` reads of a charted series: who it is, and its dates and values. */
export type PeerSeries = Pick<ReadSeries, 'dates' | 'values'> & {
  readonly input: Pick<CandidateSeries, 'code' | 'kind' | 'trustType'>;
};

/** The index of the first value in ascending `sorted` greater than `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The codes in the best quartile of their peers in every period of the last year, each period
 * needing at least `minimumPeers` peers with a value, and the organisation a value in every period.
 * An organisation's peers are those of its trust type where it has one, else those of its kind
 * (including itself). Each period's values are sorted once per trust type and per kind (better values
 * last), so an organisation's peers better than it are counted by a binary search: N log N in the
 * organisations, not N², which at the scale of GP practices (6,300 series) is seconds.
 */
export function bestOfPeers(
  read: readonly PeerSeries[],
  direction: ImprovementDirection,
  latestPeriod: string,
  yearMonths: number,
  minimumPeers: number,
): Set<string> {
  const since = monthsBefore(latestPeriod, yearMonths - 1);
  const sign = direction === 'decrease' ? -1 : 1;
  // Per period: each series' own value (its first in the period), and the values signed so that
  // better is greater, by trust type and by kind.
  const periods = new Map<
    string,
    { own: Map<PeerSeries, number>; byType: Map<string, number[]>; byKind: Map<string | null, number[]> }
  >();
  for (const series of read)
    series.dates.forEach((date, index) => {
      const value = series.values[index];
      if (date < since || date > latestPeriod || value === null) return;
      let period = periods.get(date);
      if (!period) {
        period = { own: new Map(), byType: new Map(), byKind: new Map() };
        periods.set(date, period);
      }
      if (!period.own.has(series)) period.own.set(series, value);
      const { trustType, kind } = series.input;
      if (trustType) {
        const list = period.byType.get(trustType);
        if (list) list.push(sign * value);
        else period.byType.set(trustType, [sign * value]);
      }
      const list = period.byKind.get(kind);
      if (list) list.push(sign * value);
      else period.byKind.set(kind, [sign * value]);
    });
  for (const period of periods.values()) {
    for (const list of period.byType.values()) list.sort((a, b) => a - b);
    for (const list of period.byKind.values()) list.sort((a, b) => a - b);
  }
  const best = new Set<string>();
  if (periods.size === 0) return best;
  for (const series of read) {
    let always = true;
    for (const period of periods.values()) {
      const own = period.own.get(series);
      const { trustType, kind } = series.input;
      const peers = (trustType ? period.byType.get(trustType) : period.byKind.get(kind)) ?? [];
      if (own === undefined || peers.length < minimumPeers) {
        always = false;
        break;
      }
      const better = peers.length - upperBound(peers, sign * own);
      if (better + 1 > Math.ceil(peers.length / 4)) {
        always = false;
        break;
      }
    }
    if (always) best.add(series.input.code);
  }
  return best;
}

/**
 * Candidates for one metric: organisations (and teams) whose charts show sustained improvement — a
 * shift or trend on the improvement side reaching into the latest points, on settled limits — or
 * that were in the best quartile of their peers (same trust type, else kind) in every period of the
 * last year. Never a candidate: a metric with no better direction, an organisation that no longer
 * reports (no value for the latest period), trial limits only, a flat or all-zero series, a drop to
 * zero in one step (`improvementExclusion`), a latest point of concern. Sustained improvers first, each
 * group by relative improvement against the organisation's own baseline (absolute where the baseline
 * is zero), then name.
 *
 * @example
 * findCandidates({ direction: 'increase', latestPeriod: '2025-03-01', series }).candidates[0].code;
 */
export function findCandidates(input: CandidateInput, options: CandidateOptions = {}): CandidateResult {
  const recentPoints = options.recentPoints ?? 6;
  const yearMonths = options.yearMonths ?? 12;
  const minimumPeers = options.minimumPeers ?? 8;
  const excluded: { code: string; reason: CandidateExclusion }[] = [];
  if (input.direction === 'neutral' || input.latestPeriod === null) {
    for (const series of input.series) excluded.push({ code: series.code, reason: 'no_better_direction' });
    return { candidates: [], excluded };
  }
  const latestPeriod = input.latestPeriod;
  // The cheap rules first, on the values alone, so only the series that could be candidates are charted.
  const charted: CandidateSeries[] = [];
  for (const series of input.series) {
    const last = series.points.at(-1);
    const values = series.points.flatMap((point) => (point.value === null ? [] : [point.value]));
    let reason: CandidateExclusion | null = null;
    if (!last || last.date !== latestPeriod || last.value === null) reason = 'no_longer_reports';
    // Settled limits need `minimumPointsWarning` points in the chart's latest stretch.
    else if (series.points.length < defaultSpcOptions.minimumPointsWarning) reason = 'trial_limits';
    else if (isFlatOrAllZero(values)) reason = 'flat_or_all_zero';
    else if (reachesZeroInOneStep(values)) reason = 'drop_to_zero';
    else if (values.filter((value) => value === 0).length * 2 > values.length) reason = 'mostly_zero';
    if (reason) excluded.push({ code: series.code, reason });
    else charted.push(series);
  }
  const charts = computeSpc(
    charted.map((series) => ({
      facet: series.code,
      points: series.points,
      rebase: series.rebase ?? [],
    })),
    { improvementDirection: input.direction },
  ).series;
  const eligible: ReadSeries[] = [];
  for (const [index, series] of charted.entries()) {
    const chart = charts[index];
    const values = chart.values.filter((value): value is number => value !== null);
    const settled = hasSettledLimits(chart);
    let reason: CandidateExclusion | null = null;
    const exclusion = improvementExclusion({ improving: true, settledLimits: settled, values });
    if (exclusion !== null) reason = exclusion === 'no_improvement' ? 'no_improvement' : exclusion;
    else if (chart.pointType.at(-1) === 'special_cause_concern') reason = 'latest_point_concern';
    if (reason) {
      excluded.push({ code: series.code, reason });
      continue;
    }
    eligible.push({
      input: series,
      dates: chart.dates,
      values: chart.values,
      specialCause: chart.specialCause,
      pointType: chart.pointType,
      centreLine: chart.groupIndex.map((group) => chart.groups[group]?.centreLine ?? null),
      settled,
    });
  }
  const best = bestOfPeers(eligible, input.direction, latestPeriod, yearMonths, minimumPeers);
  const sign = input.direction === 'decrease' ? -1 : 1;
  const candidates: Candidate[] = [];
  for (const series of eligible) {
    const sustained = sustainedImprovement(series, input.direction, recentPoints, 7);
    const isBest = best.has(series.input.code);
    if (!sustained && !isBest) {
      excluded.push({ code: series.input.code, reason: 'no_improvement' });
      continue;
    }
    let from: CandidateLevel | null = sustained?.from ?? null;
    let to: CandidateLevel | null = sustained?.to ?? null;
    if (!sustained) {
      const yearStart = monthsBefore(latestPeriod, yearMonths - 1);
      const priorStart = monthsBefore(latestPeriod, 2 * yearMonths - 1);
      const lastYear = series.dates.findIndex((date) => date >= yearStart);
      const priorYear = series.dates.findIndex((date) => date >= priorStart);
      to = levelOf(series, lastYear, series.dates.length);
      // Without a year before, the baseline is the last year's own first value.
      from =
        lastYear > priorYear ? levelOf(series, priorYear, lastYear) : levelOf(series, lastYear, lastYear + 1);
    }
    if (!from || !to) continue;
    const improvement = sign * (to.value - from.value);
    const reasons: CandidateReason[] = [];
    if (sustained && improvement > 0) reasons.push('sustained_improvement');
    if (isBest) reasons.push('best_of_peers');
    if (reasons.length === 0) {
      excluded.push({ code: series.input.code, reason: 'no_improvement' });
      continue;
    }
    candidates.push({
      code: series.input.code,
      name: series.input.name,
      kind: series.input.kind,
      trustType: series.input.trustType,
      reasons,
      rule: sustained?.rule ?? null,
      from,
      to,
      improvement,
      relativeImprovement: from.value === 0 ? null : improvement / Math.abs(from.value),
    });
  }
  candidates.sort(
    (a, b) =>
      Number(b.reasons.includes('sustained_improvement')) -
        Number(a.reasons.includes('sustained_improvement')) ||
      (b.relativeImprovement ?? b.improvement) - (a.relativeImprovement ?? a.improvement) ||
      a.name.localeCompare(b.name),
  );
  return { candidates, excluded };
}

/** Why a series is not a candidate, in plain English. */
export const candidateExclusionText: Readonly<Record<CandidateExclusion, string>> = {
  no_better_direction: 'the metric has no better direction, so nobody can have improved it',
  no_longer_reports: 'it no longer reports the metric (no value for the latest period)',
  trial_limits: 'its chart has too few points for settled limits (trial limits only)',
  flat_or_all_zero: 'its series does not vary (every value the same, or all zero)',
  drop_to_zero: 'its series fell to zero in one step, which is a question about the data',
  mostly_zero: 'most of its values are zero: events too rare to read an improvement from',
  latest_point_concern: 'its latest point is special-cause concern',
  no_improvement:
    'its chart shows no sustained improvement and it is not consistently among the best of its peers',
};

/** Why a candidate is one, in plain English. */
export const candidateReasonText: Readonly<Record<CandidateReason, string>> = {
  sustained_improvement: 'sustained improvement on its own chart (a shift or trend on the improvement side)',
  best_of_peers: 'in the best quarter of its peers in every period of the last year',
};
