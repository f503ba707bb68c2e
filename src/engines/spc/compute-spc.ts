import {
  type AssuranceIcon,
  assuranceIcons,
  chartKinds,
  noIcon,
  type PointType,
  pointFlag,
  pointTypes,
  type SpecialCauseKind,
  specialCauseKinds,
  type VariationIcon,
  variationIcons,
} from './codes.ts';
import {
  checkImprovementDirection,
  directionSign,
  type ImprovementDirection,
  recommendedFixAfterPoints,
  resolveSpcOptions,
  type SpcOptions,
} from './options.ts';
import { computeSpcColumns, type SpcColumns } from './spc-columns.ts';
import type {
  SpcGroupResult,
  SpcResult,
  SpcSeriesInput,
  SpcSeriesResult,
  SpcSeriesSummary,
  SpcWarning,
} from './types.ts';

interface PreparedSeries {
  readonly facet: string | null;
  readonly direction: ImprovementDirection;
  readonly dates: string[];
  readonly values: Float64Array;
  readonly targets: (number | null)[];
  readonly trajectories: (number | null)[];
  readonly rebaseReasons: Map<number, string>;
  readonly warnings: SpcWarning[];
}

interface SortableRow {
  readonly date: string;
  readonly value: number;
  readonly target: number | null;
  readonly trajectory: number | null;
}

/**
 * XmR ("plot the dots") charts for one or more series: centre line, process limits, 1σ and 2σ
 * lines, special-cause rules, point types, variation and assurance icons and a summary, as in
 * Making Data Count and NHSRplotthedots 0.2.2 (whose behaviour every default follows; see
 * `SpcOptions` for the points where other tools differ).
 *
 * Points are sorted by date, so input order does not matter. Data conditions (missing values,
 * too few points, a rebase date that matches no point, …) come back as `warnings`; the function
 * throws only for a programmer error such as an invalid option or a malformed date, with the
 * message `invalid <name>: <value>`. Inputs are not modified.
 *
 * @param series the series to chart, each with its own points, target and rebases
 * @param options calculation options; defaults reproduce NHSRplotthedots
 * @returns one result per series, in input order
 * @example
 * const result = computeSpc([{ points: [{ date: '2024-01-01', value: 3 }, { date: '2024-02-01', value: 5 }] }]);
 * result.series[0].groups[0].centreLine; // => 4
 */
export function computeSpc(series: readonly SpcSeriesInput[], options: SpcOptions = {}): SpcResult {
  const resolved = resolveSpcOptions(options);
  if (!Array.isArray(series)) throw new Error(`invalid series: ${String(series)}`);
  const prepared = series.map((input, index) => prepareSeries(input, index, resolved.improvementDirection));

  let pointCount = 0;
  for (const item of prepared) pointCount += item.values.length;
  const values = new Float64Array(pointCount);
  const seriesOffsets = new Int32Array(prepared.length + 1);
  const rebaseStarts = new Uint8Array(pointCount);
  const directions = new Int8Array(prepared.length);
  const targets = new Float64Array(prepared.length);
  let offset = 0;
  prepared.forEach((item, index) => {
    seriesOffsets[index] = offset;
    values.set(item.values, offset);
    for (const pointIndex of item.rebaseReasons.keys()) rebaseStarts[offset + pointIndex] = 1;
    directions[index] = directionSign(item.direction);
    const lastTarget = item.targets.length > 0 ? item.targets[item.targets.length - 1] : null;
    targets[index] = lastTarget ?? Number.NaN;
    offset += item.values.length;
  });
  seriesOffsets[prepared.length] = offset;

  const columns = computeSpcColumns({ values, seriesOffsets, rebaseStarts, directions, targets }, resolved);

  const warnings: SpcWarning[] = [];
  if (resolved.fixAfterPoints !== null && resolved.fixAfterPoints < recommendedFixAfterPoints) {
    warnings.push({
      code: 'fix-after-too-few',
      message: `Limits are fixed after ${resolved.fixAfterPoints} points; Making Data Count recommends at least ${recommendedFixAfterPoints}.`,
      facet: null,
    });
  }
  const results = prepared.map((item, index) =>
    buildSeriesResult(
      item,
      index,
      columns,
      seriesOffsets[index],
      resolved.fixAfterPoints,
      resolved.minimumPoints,
      resolved.minimumPointsWarning,
    ),
  );
  for (const result of results) warnings.push(...result.warnings);
  return { options: resolved, series: results, warnings, columns };
}

/** Checks a `YYYY-MM-DD` calendar date; throws `invalid date: …` otherwise. */
export function checkDate(date: unknown): string {
  if (
    typeof date === 'string' &&
    date.length === 10 &&
    date.charCodeAt(4) === 45 &&
    date.charCodeAt(7) === 45
  ) {
    const year = digits(date, 0, 4);
    const month = digits(date, 5, 7);
    const day = digits(date, 8, 10);
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return date;
  }
  throw new Error(`invalid date: ${JSON.stringify(date)}`);
}

/** The number written by the decimal digits `text[start..end)`, or −1 if any is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function optionalNumber(name: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') throw new Error(`invalid ${name}: ${JSON.stringify(value)}`);
  return Number.isFinite(value) ? value : null;
}

function prepareSeries(
  input: SpcSeriesInput,
  index: number,
  defaultDirection: ImprovementDirection,
): PreparedSeries {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.points)) {
    throw new Error(`invalid series[${index}]: expected an object with a points array`);
  }
  const facet = input.facet ?? null;
  if (facet !== null && typeof facet !== 'string') throw new Error(`invalid facet: ${String(facet)}`);
  const direction =
    input.improvementDirection === undefined
      ? defaultDirection
      : checkImprovementDirection('improvementDirection', input.improvementDirection);
  const seriesTarget = optionalNumber('target', input.target);
  const warnings: SpcWarning[] = [];

  let missing = 0;
  let nonFinite = 0;
  const rows: SortableRow[] = input.points.map((point) => {
    if (point === null || typeof point !== 'object') throw new Error(`invalid point: ${String(point)}`);
    const date = checkDate(point.date);
    const raw = point.value;
    let value: number;
    if (raw === null || raw === undefined) {
      value = Number.NaN;
      missing++;
    } else if (typeof raw === 'number') {
      if (Number.isFinite(raw)) {
        value = raw + 0; // −0 becomes 0, so that it sorts and prints like 0
      } else {
        value = Number.NaN;
        nonFinite++;
      }
    } else {
      throw new Error(`invalid value: ${JSON.stringify(raw)}`);
    }
    const ownTarget = optionalNumber('target', point.target);
    return {
      date,
      value,
      target: ownTarget ?? seriesTarget,
      trajectory: optionalNumber('trajectory', point.trajectory),
    };
  });
  if (!isSorted(rows)) rows.sort(compareRows);

  const dates: string[] = new Array(rows.length);
  const values = new Float64Array(rows.length);
  let duplicates = 0;
  for (let index = 0; index < rows.length; index++) {
    dates[index] = rows[index].date;
    values[index] = rows[index].value;
    if (index > 0 && dates[index] === dates[index - 1]) duplicates++;
  }

  if (rows.length === 0) {
    warnings.push({ code: 'no-data', message: 'There are no points to chart.', facet });
  }
  if (missing > 0) {
    warnings.push({
      code: 'missing-values',
      message: `${plural(missing, 'point has', 'points have')} no value; each is left out of the mean, breaks the moving ranges either side of it and is never flagged.`,
      facet,
    });
  }
  if (nonFinite > 0) {
    warnings.push({
      code: 'non-finite-values',
      message: `${plural(nonFinite, 'value is', 'values are')} not a finite number (NaN or infinity) and treated as missing.`,
      facet,
    });
  }
  if (duplicates > 0) {
    warnings.push({
      code: 'duplicate-dates',
      message: `${plural(duplicates, 'date appears', 'dates appear')} more than once; each repeat is charted as a separate point after the first.`,
      facet,
    });
  }

  const rebaseReasons = new Map<number, string>();
  const rebases = input.rebase ?? [];
  if (!Array.isArray(rebases)) throw new Error(`invalid rebase: ${String(rebases)}`);
  for (const rebase of rebases) {
    if (rebase === null || typeof rebase !== 'object') throw new Error(`invalid rebase: ${String(rebase)}`);
    const date = checkDate(rebase.date);
    if (typeof rebase.reason !== 'string') throw new Error(`invalid rebase reason: ${String(rebase.reason)}`);
    const reason = rebase.reason.trim();
    const pointIndex = firstIndexOf(dates, date);
    if (pointIndex < 0) {
      warnings.push({
        code: 'rebase-date-not-found',
        message: `The rebase on ${date} matches no point's date and is ignored.`,
        facet,
        date,
      });
      continue;
    }
    if (pointIndex === 0) {
      warnings.push({
        code: 'rebase-at-first-point',
        message: `The rebase on ${date} is at the first point, where every series starts anyway; it is ignored.`,
        facet,
        date,
      });
      continue;
    }
    if (reason === '') {
      warnings.push({
        code: 'rebase-without-reason',
        message: `The rebase on ${date} gives no reason; record why the process changed.`,
        facet,
        date,
      });
    }
    if (!rebaseReasons.has(pointIndex) || rebaseReasons.get(pointIndex) === '')
      rebaseReasons.set(pointIndex, reason);
  }

  return {
    facet,
    direction,
    dates,
    values,
    targets: rows.map((row) => row.target),
    trajectories: rows.map((row) => row.trajectory),
    rebaseReasons,
    warnings,
  };
}

/** Index of the first of the sorted `dates` equal to `date` (binary search), or −1. */
function firstIndexOf(dates: readonly string[], date: string): number {
  let low = 0;
  let high = dates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (dates[middle] < date) low = middle + 1;
    else high = middle;
  }
  return low < dates.length && dates[low] === date ? low : -1;
}

/** Whether the rows are already in `compareRows` order (the usual case), so sorting can be skipped. */
function isSorted(rows: readonly SortableRow[]): boolean {
  for (let index = 1; index < rows.length; index++)
    if (compareRows(rows[index - 1], rows[index]) > 0) return false;
  return true;
}

/** Total order on rows so that input order never matters: date, then value (missing last), then target, trajectory. */
function compareRows(a: SortableRow, b: SortableRow): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return (
    compareNumbers(a.value, b.value) ||
    compareNumbers(a.target, b.target) ||
    compareNumbers(a.trajectory, b.trajectory)
  );
}

function compareNumbers(a: number | null, b: number | null): number {
  const aMissing = a === null || Number.isNaN(a);
  const bMissing = b === null || Number.isNaN(b);
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A number for the friendly result: `null` where it cannot be calculated (NaN) or lies beyond the largest double. */
function nullable(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function buildSeriesResult(
  item: PreparedSeries,
  seriesIndex: number,
  columns: SpcColumns,
  offset: number,
  fixAfterPoints: number | null,
  minimumPoints: number,
  minimumPointsWarning: number,
): SpcSeriesResult {
  const count = item.values.length;
  const firstGroup = columns.seriesGroupOffsets[seriesIndex];
  const lastGroup = columns.seriesGroupOffsets[seriesIndex + 1];
  const facet = item.facet;
  const warnings = [...item.warnings];

  const values: (number | null)[] = new Array(count);
  const groupIndex: number[] = new Array(count);
  const relativeToMean: (-1 | 0 | 1 | null)[] = new Array(count);
  const outsideLimits: (boolean | null)[] = new Array(count);
  const closeToLimits: (boolean | null)[] = new Array(count);
  const specialCause: SpecialCauseKind[] = new Array(count);
  const pointType: PointType[] = new Array(count);
  for (let group = firstGroup; group < lastGroup; group++) {
    const centreKnown = !Number.isNaN(columns.centreLine[group]);
    const limitsKnown = !Number.isNaN(columns.upperProcessLimit[group]);
    for (let at = columns.groupStart[group]; at < columns.groupEnd[group]; at++) {
      const index = at - offset;
      const value = item.values[index];
      const present = !Number.isNaN(value);
      const flags = columns.pointFlags[at];
      values[index] = present ? value : null;
      groupIndex[index] = group - firstGroup;
      relativeToMean[index] =
        present && centreKnown
          ? (flags & pointFlag.aboveCentre) !== 0
            ? 1
            : (flags & pointFlag.belowCentre) !== 0
              ? -1
              : 0
          : null;
      outsideLimits[index] = present && limitsKnown ? (flags & pointFlag.outsideLimits) !== 0 : null;
      closeToLimits[index] = present && limitsKnown ? (flags & pointFlag.closeToLimits) !== 0 : null;
      specialCause[index] = specialCauseKinds[columns.specialCause[at]];
      pointType[index] = pointTypes[columns.pointType[at]];
    }
  }

  const groups: SpcGroupResult[] = [];
  for (let group = firstGroup; group < lastGroup; group++) {
    const startIndex = columns.groupStart[group] - offset;
    const endIndex = columns.groupEnd[group] - offset;
    const counts = countPointTypes(pointType, startIndex, endIndex);
    const chart = chartKinds[columns.groupChart[group]];
    const rowCount = endIndex - startIndex;
    const valueCount = columns.groupValueCount[group];
    const index = group - firstGroup;
    const result: SpcGroupResult = {
      index,
      startIndex,
      endIndex,
      startDate: item.dates[startIndex],
      endDate: item.dates[endIndex - 1],
      rebaseReason: index === 0 ? null : (item.rebaseReasons.get(startIndex) ?? null),
      chart,
      rowCount,
      valueCount,
      baselineRowCount: chart === 'run' ? rowCount : Math.min(rowCount, fixAfterPoints ?? rowCount),
      centreLine: nullable(columns.centreLine[group]),
      averageMovingRange: nullable(columns.averageMovingRange[group]),
      lowerProcessLimit: nullable(columns.lowerProcessLimit[group]),
      upperProcessLimit: nullable(columns.upperProcessLimit[group]),
      lowerTwoSigma: nullable(columns.lowerTwoSigma[group]),
      upperTwoSigma: nullable(columns.upperTwoSigma[group]),
      lowerOneSigma: nullable(columns.lowerOneSigma[group]),
      upperOneSigma: nullable(columns.upperOneSigma[group]),
      shortGroupWarning: rowCount < minimumPointsWarning,
      variationType: pointType[endIndex - 1],
      ...counts,
    };
    groups.push(result);
    const span = `${result.startDate} to ${result.endDate}`;
    if (chart === 'run') {
      warnings.push({
        code: 'too-few-points',
        message: `${span} has ${plural(valueCount, 'value', 'values')}, fewer than the ${minimumPoints} needed for process limits; it is shown as a run chart around the median, with no signals and no icons.`,
        facet,
        date: result.startDate,
      });
    } else {
      if (result.shortGroupWarning) {
        warnings.push({
          code: 'short-group',
          message: `${span} has ${plural(rowCount, 'point', 'points')}, fewer than ${minimumPointsWarning}; treat its limits as trial limits, to be revised as more points arrive.`,
          facet,
          date: result.startDate,
        });
      }
      if (result.averageMovingRange === null) {
        warnings.push({
          code: 'limits-undefined',
          message: `The process limits for ${span} cannot be calculated: no moving range is left (every value is the same, or no two consecutive points both have values).`,
          facet,
          date: result.startDate,
        });
      }
    }
  }

  const variationCode = columns.variationIcon[seriesIndex];
  const assuranceCode = columns.assuranceIcon[seriesIndex];
  const variationIcon: VariationIcon | null = variationCode === noIcon ? null : variationIcons[variationCode];
  const assuranceIcon: AssuranceIcon | null = assuranceCode === noIcon ? null : assuranceIcons[assuranceCode];
  const last = count - 1;
  const totals = countPointTypes(pointType, 0, count);
  let valueCount = 0;
  for (const value of values) if (value !== null) valueCount++;
  const summary: SpcSeriesSummary = {
    pointCount: count,
    valueCount,
    missingCount: count - valueCount,
    groupCount: groups.length,
    latestDate: count > 0 ? item.dates[last] : null,
    latestValue: count > 0 ? values[last] : null,
    latestPointType: count > 0 ? pointType[last] : null,
    latestSpecialCause: count > 0 ? specialCause[last] : null,
    variationIcon,
    assuranceIcon,
    ...totals,
  };

  return {
    facet,
    improvementDirection: item.direction,
    dates: item.dates,
    values,
    targets: item.targets,
    trajectories: item.trajectories,
    groupIndex,
    relativeToMean,
    outsideLimits,
    closeToLimits,
    specialCause,
    pointType,
    groups,
    variationIcon,
    assuranceIcon,
    target: count > 0 ? item.targets[last] : null,
    summary,
    warnings,
  };
}

function countPointTypes(pointType: readonly PointType[], start: number, end: number) {
  let commonCause = 0;
  let improvement = 0;
  let concern = 0;
  let neutralHigh = 0;
  let neutralLow = 0;
  for (let index = start; index < end; index++) {
    switch (pointType[index]) {
      case 'special_cause_improvement':
        improvement++;
        break;
      case 'special_cause_concern':
        concern++;
        break;
      case 'special_cause_neutral_high':
        neutralHigh++;
        break;
      case 'special_cause_neutral_low':
        neutralLow++;
        break;
      default:
        commonCause++;
    }
  }
  return { commonCause, improvement, concern, neutralHigh, neutralLow };
}
