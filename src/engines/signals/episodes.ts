import type { SignalKind } from '../../domain/signal.ts';
import type { PointType } from '../spc/codes.ts';
import type { SpcSeriesResult } from '../spc/types.ts';
import { dataQuestions, isFlatOrAllZero, reachesZeroInOneStep, type ValueBounds } from './data-quality.ts';
import { hasSettledLimits, readsCurrent } from './rules.ts';

/**
 * A signal episode: one organisation × metric × kind × stretch of consecutive signalling points.
 * `firstDate` is what makes it the same episode from one computation to the next: a run of twelve
 * concern points is one episode whose `latestDate` and `points` grow, not twelve.
 */
export interface SignalEpisode {
  readonly orgCode: string;
  readonly metricId: string;
  readonly kind: SignalKind;
  readonly firstDate: string;
  readonly latestDate: string;
  /** How many points the episode spans (1 for a question about one value or a quarter's segment change). */
  readonly points: number;
  readonly latestValue: number | null;
  /** A plain-English sentence saying what signalled. */
  readonly detail: string;
}

/** One organisation's charted series of a metric, as the signal rules read it. */
export interface SignalSeries {
  readonly orgCode: string;
  readonly metricId: string;
  /** The series' SPC result (with the metric's improvement direction, the series' rebases and target). */
  readonly spc: Pick<
    SpcSeriesResult,
    'dates' | 'values' | 'pointType' | 'groups' | 'assuranceIcon' | 'target'
  >;
  /** The latest period any organisation reports the metric for; a series that stops earlier raises no SPC signal. */
  readonly latestPeriod: string | null;
  /** What the metric's values can be: outside them is a question about the data. */
  readonly bounds?: ValueBounds;
  /**
   * `true` for a count the organisation also reports as a rate (with its numerator and denominator):
   * the rate is read for concerns, improvements and assurance, and the count only for data questions.
   */
  readonly countWithRate?: boolean;
}

/** A change of NHS Oversight Framework segment between two quarters, with the organisation page's signal-or-noise test. */
export interface SegmentChangeInput {
  readonly orgCode: string;
  /** The metric the episode is filed under (the league table's segment). */
  readonly metricId: string;
  /** First day of the current quarter. */
  readonly quarterStart: string;
  readonly quarter: string;
  readonly previousQuarter: string;
  readonly previousSegment: number;
  readonly currentSegment: number;
  readonly verdict: 'signal' | 'noise' | 'not-tested';
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** The stretch of points ending at the latest that share the latest point's type: [start index, end index]. */
function latestRun(pointType: readonly PointType[]): [number, number] | null {
  const end = pointType.length - 1;
  if (end < 0) return null;
  const type = pointType[end];
  let start = end;
  while (start > 0 && pointType[start - 1] === type) start--;
  return [start, end];
}

function presentValues(values: readonly (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null && Number.isFinite(value));
}

/**
 * The special-cause episode at the latest point of a series, if any: a concern or an improvement,
 * read only from settled limits (`hasSettledLimits`) of a series that still reports
 * (`readsCurrent`). A series of one value throughout (all zeros included) never shows an
 * improvement, nor one that reached zero in a single step after a sustained run of non-zero values
 * (that is a question about the data: see `dataQuestionEpisodes`).
 */
export function specialCauseEpisode(series: SignalSeries): SignalEpisode | null {
  const { spc } = series;
  if (series.countWithRate) return null;
  const lastValueIndex = spc.values.findLastIndex((value) => value !== null);
  const settled = hasSettledLimits(spc);
  if (
    !readsCurrent(
      {
        settledLimits: settled,
        latestValueDate: lastValueIndex >= 0 ? spc.dates[lastValueIndex] : null,
        lastPointDate: spc.dates.at(-1) ?? null,
      },
      series.latestPeriod,
    )
  )
    return null;
  const run = latestRun(spc.pointType);
  if (!run) return null;
  const [start, end] = run;
  const type = spc.pointType[end];
  if (type !== 'special_cause_concern' && type !== 'special_cause_improvement') return null;
  // an episode never reaches back before the latest rebase: new limits, new episode
  const groupStart = spc.groups.at(-1)?.startIndex ?? 0;
  const first = Math.max(start, groupStart);
  const kind = type === 'special_cause_concern' ? 'concern' : 'improvement';
  if (kind === 'improvement') {
    const values = presentValues(spc.values);
    if (isFlatOrAllZero(values)) return null;
    const episodeValues = presentValues(spc.values.slice(first, end + 1));
    if (reachesZeroInOneStep(values) && episodeValues.includes(0)) return null;
  }
  const points = end - first + 1;
  const latestValue = spc.values[end];
  return {
    orgCode: series.orgCode,
    metricId: series.metricId,
    kind,
    firstDate: spc.dates[first],
    latestDate: spc.dates[end],
    points,
    latestValue,
    detail:
      points === 1
        ? `Special-cause ${kind} at the latest point.`
        : `Special-cause ${kind} at each of the latest ${points} points.`,
  };
}

/**
 * The assurance episode of a series: its settled limits say the target will not be met (the
 * Making Data Count `fail` icon: the whole process lies on the wrong side of the target). The
 * episode runs from the start of the chart's latest limits, so a rebase starts a new one.
 */
export function assuranceEpisode(series: SignalSeries): SignalEpisode | null {
  const { spc } = series;
  if (series.countWithRate || spc.assuranceIcon !== 'fail' || !hasSettledLimits(spc)) return null;
  const group = spc.groups.at(-1);
  if (!group) return null;
  const latestDate = spc.dates.at(-1);
  if (latestDate === undefined || latestDate !== series.latestPeriod) return null;
  const target = spc.target;
  return {
    orgCode: series.orgCode,
    metricId: series.metricId,
    kind: 'assurance',
    firstDate: group.startDate,
    latestDate,
    points: group.rowCount,
    latestValue: spc.values.at(-1) ?? null,
    detail:
      target === null
        ? 'The process limits lie wholly on the wrong side of the target: it will not be met without a change.'
        : `The process limits lie wholly on the wrong side of the target of ${formatNumber(target)}: it will not be met without a change.`,
  };
}

/**
 * Every question the series raises about its data (`dataQuestions`), one episode per date: a
 * value the metric cannot take, a drop to zero or an implausible jump after a sustained run of
 * non-zero values. These are never concerns or improvements, and they stay until the data change.
 */
export function dataQuestionEpisodes(
  series: Pick<SignalSeries, 'orgCode' | 'metricId' | 'bounds'> & {
    readonly spc: Pick<SpcSeriesResult, 'dates' | 'values'>;
  },
): SignalEpisode[] {
  const { spc } = series;
  const points: { date: string; value: number }[] = [];
  for (let index = 0; index < spc.dates.length; index++) {
    const value = spc.values[index];
    if (value !== null && Number.isFinite(value)) points.push({ date: spc.dates[index], value });
  }
  const byDate = new Map<string, string[]>();
  for (const question of dataQuestions(points, series.bounds)) {
    const details = byDate.get(question.date) ?? [];
    details.push(question.detail);
    byDate.set(question.date, details);
  }
  const valueAt = new Map(points.map((point) => [point.date, point.value]));
  return [...byDate].map(([date, details]) => ({
    orgCode: series.orgCode,
    metricId: series.metricId,
    kind: 'data_question' as const,
    firstDate: date,
    latestDate: date,
    points: 1,
    latestValue: valueAt.get(date) ?? null,
    detail: details.join(' '),
  }));
}

/** The segment-change episode of a change between two quarters; `noise` changes are still shown, with their verdict. */
export function segmentChangeEpisode(change: SegmentChangeInput): SignalEpisode | null {
  if (change.previousSegment === change.currentSegment) return null;
  const direction = change.currentSegment > change.previousSegment ? 'down' : 'up';
  const verdict =
    change.verdict === 'signal'
      ? 'The change in the average metric score is larger than its likely range explains: signal, not noise.'
      : change.verdict === 'noise'
        ? 'The change in the average metric score is within its likely range: it may be noise.'
        : 'Without likely ranges the change could not be tested for signal or noise.';
  return {
    orgCode: change.orgCode,
    metricId: change.metricId,
    kind: 'segment_change',
    firstDate: change.quarterStart,
    latestDate: change.quarterStart,
    points: 1,
    latestValue: change.currentSegment,
    detail: `Moved ${direction} from segment ${change.previousSegment} in ${change.previousQuarter} to segment ${change.currentSegment} in ${change.quarter}. ${verdict}`,
  };
}

/**
 * Whether a series needs charting to read its signals: only one that still reports the metric's
 * latest period, with at least `settledPoints` (13) values, can have a settled chart's special cause or
 * assurance; any other raises data questions only (`dataQuestionEpisodes`).
 */
export function mayHaveChartSignals(
  series: { readonly dates: readonly string[]; readonly values: readonly (number | null)[] },
  latestPeriod: string | null,
  settledPoints = 13,
): boolean {
  return (
    latestPeriod !== null &&
    series.dates.at(-1) === latestPeriod &&
    series.values.at(-1) !== null &&
    series.values.length >= settledPoints
  );
}

/** Every episode of one series: its special cause at the latest point, its assurance, its data questions. */
export function seriesEpisodes(series: SignalSeries): SignalEpisode[] {
  const episodes: SignalEpisode[] = [];
  const special = specialCauseEpisode(series);
  if (special) episodes.push(special);
  const assurance = assuranceEpisode(series);
  if (assurance) episodes.push(assurance);
  episodes.push(...dataQuestionEpisodes(series));
  return episodes;
}

/** The key that makes an episode the same from one computation to the next. */
export function episodeKey(
  episode: Pick<SignalEpisode, 'orgCode' | 'metricId' | 'kind' | 'firstDate'>,
): string {
  return `${episode.orgCode}|${episode.metricId}|${episode.kind}|${episode.firstDate}`;
}
