import { averageMovingRange } from '../stats/average-moving-range.ts';
import { mean } from '../stats/mean.ts';
import { meanFromCompensatedSum } from '../stats/mean-from-compensated-sum.ts';
import { median } from '../stats/median.ts';
import { highSideBits, lowSideBits, noIcon, ruleBit, specialCauseKinds } from './codes.ts';
import { directionSign, movingRangeScreeningFactor, type ResolvedSpcOptions } from './options.ts';

/**
 * Many series, laid out as columns: the values of every series one after another, each series
 * in date order. This is the input of the column-oriented engine, which is what Tend uses to
 * chart thousands of series at once; `computeSpc` builds it from friendlier objects.
 */
export interface SpcColumnsInput {
  /** Every value, series after series, in date order within a series. `NaN` is a missing value; other values must be finite. */
  readonly values: Float64Array;
  /** Where each series starts: series `s` is `values[seriesOffsets[s] .. seriesOffsets[s + 1])`. Length is series count + 1. */
  readonly seriesOffsets: Int32Array;
  /** Per point: 1 where a rebase starts a new rebase group at that point. Ignored at a series' first point. */
  readonly rebaseStarts?: Uint8Array | null;
  /** Per series improvement direction (+1, −1, 0); when absent every series takes `options.improvementDirection`. */
  readonly directions?: Int8Array | null;
  /** Per series target at the last point, for the assurance icon; `NaN` means no target. */
  readonly targets?: Float64Array | null;
}

/**
 * The XmR results of many series as columns. Per point, per rebase group and per series arrays;
 * a group covers the points `groupStart[g] .. groupEnd[g]` of series `groupSeries[g]`. Codes index the lists
 * in `codes.ts`. Numbers that cannot be calculated (limits of a constant series with screening,
 * limits of a run chart) are `NaN`.
 */
export interface SpcColumns {
  readonly seriesCount: number;
  readonly pointCount: number;
  readonly groupCount: number;
  /** Groups of series `s` are `seriesGroupOffsets[s] .. seriesGroupOffsets[s + 1]`. */
  readonly seriesGroupOffsets: Int32Array;
  /** Per series: variation icon code (`variationIcons`), or `noIcon`. */
  readonly variationIcon: Uint8Array;
  /** Per series: assurance icon code (`assuranceIcons`), or `noIcon`. */
  readonly assuranceIcon: Uint8Array;
  /** Per group: its series. */
  readonly groupSeries: Int32Array;
  /** Per group: first point (inclusive). */
  readonly groupStart: Int32Array;
  /** Per group: last point (exclusive). */
  readonly groupEnd: Int32Array;
  /** Per group: number of points with a value. */
  readonly groupValueCount: Int32Array;
  /** Per group: chart kind code (`chartKinds`: 0 XmR, 1 run chart). */
  readonly groupChart: Uint8Array;
  /** Per group: the centre line, the mean of the baseline (XmR) or the median of the group (run chart). */
  readonly centreLine: Float64Array;
  /** Per group: the average moving range after screening. */
  readonly averageMovingRange: Float64Array;
  /** Per group: centre line − sigmaConstant × AMR (the "3σ" lower process limit). */
  readonly lowerProcessLimit: Float64Array;
  /** Per group: centre line + sigmaConstant × AMR. */
  readonly upperProcessLimit: Float64Array;
  /** Per group: centre line − ⅔ × sigmaConstant × AMR (the "2σ" line). */
  readonly lowerTwoSigma: Float64Array;
  /** Per group: centre line + ⅔ × sigmaConstant × AMR. */
  readonly upperTwoSigma: Float64Array;
  /** Per group: centre line − ⅓ × sigmaConstant × AMR (the "1σ" line). */
  readonly lowerOneSigma: Float64Array;
  /** Per group: centre line + ⅓ × sigmaConstant × AMR. */
  readonly upperOneSigma: Float64Array;
  /**
   * Per point, `pointFlag` bits: above or below the centre line, strictly beyond a process limit,
   * beyond a 2σ line (and, by default, not beyond the limit). 0 for a missing value.
   */
  readonly pointFlags: Uint8Array;
  /** Per point: every rule that fired, as `ruleBit` flags. */
  readonly ruleMask: Uint8Array;
  /** Per point: the deciding special-cause kind code (`specialCauseKinds`). */
  readonly specialCause: Uint8Array;
  /** Per point: point type code (`pointTypes`). */
  readonly pointType: Uint8Array;
}

const ASSURANCE_PASS = 0;
const ASSURANCE_FAIL = 1;
const ASSURANCE_INCONSISTENT = 2;
const CHART_RUN = 1;
const specialCauseKindCount = specialCauseKinds.length;

/**
 * XmR ("plot the dots") charts for many series at once: process limits, special-cause rules,
 * point types and icons, as in Making Data Count and NHSRplotthedots 0.2.2 (`ptd_spc`).
 *
 * For each series and each rebase group within it:
 * 1. the baseline is the group's first `fixAfterPoints` rows (all rows by default);
 * 2. the centre line is the mean of the baseline's values;
 * 3. the average moving range (AMR) is the mean of |xᵢ − xᵢ₋₁| over the baseline, never across a
 *    missing value; with screening, ranges of 3.267 × AMR or more are dropped and the AMR
 *    recomputed once;
 * 4. the process limits are mean ± 2.66 × AMR, the 2σ and 1σ lines ⅔ and ⅓ of that;
 * 5. the rules run on every row of the group: a point beyond a limit; a trend of 7 points each
 *    higher (lower) than the one before; two of three points beyond a 2σ line on one side; a
 *    shift of 7 points on one side of the mean. The first rule in that order labels the point;
 * 6. the variation icon shows the last point's type, and the assurance icon compares the target
 *    with the last group's limits.
 *
 * A missing value (`NaN`) is left out of the mean and breaks the moving ranges next to it; it
 * is never flagged, and a trend, shift or two-in-three window that contains it does not signal.
 * A group with fewer values than `minimumPoints` becomes a run chart: median centre line, no
 * limits, no signals, and no icons when it is the series' last group. Runs in `O(n)` time and
 * allocates only the result columns (plus a scratch copy for values large enough to overflow
 * a sum).
 *
 * @param input series as columns (not modified)
 * @param options resolved options (see `resolveSpcOptions`)
 * @returns result columns
 * @example
 * const values = Float64Array.from([10, 12, 9, 11, 10, 12, 9, 11]);
 * const columns = computeSpcColumns({ values, seriesOffsets: Int32Array.from([0, 8]) }, resolveSpcOptions());
 * columns.centreLine[0]; // => 10.5
 */
export function computeSpcColumns(input: SpcColumnsInput, options: ResolvedSpcOptions): SpcColumns {
  const { values, seriesOffsets } = input;
  const rebaseStarts = input.rebaseStarts ?? null;
  const directions = input.directions ?? null;
  const targets = input.targets ?? null;
  const seriesCount = seriesOffsets.length - 1;
  const pointCount = values.length;
  if (seriesCount < 0 || seriesOffsets[0] !== 0 || seriesOffsets[seriesCount] !== pointCount) {
    throw new Error(`invalid seriesOffsets: expected 0 … ${pointCount}`);
  }
  if (rebaseStarts !== null && rebaseStarts.length !== pointCount) {
    throw new Error(`invalid rebaseStarts: length ${rebaseStarts.length}, expected ${pointCount}`);
  }
  if (directions !== null && directions.length !== seriesCount) {
    throw new Error(`invalid directions: length ${directions.length}, expected ${seriesCount}`);
  }
  if (targets !== null && targets.length !== seriesCount) {
    throw new Error(`invalid targets: length ${targets.length}, expected ${seriesCount}`);
  }

  let groupCount = 0;
  for (let series = 0; series < seriesCount; series++) {
    const start = seriesOffsets[series];
    const end = seriesOffsets[series + 1];
    if (end < start) throw new Error(`invalid seriesOffsets: series ${series} ends before it starts`);
    if (end === start) continue;
    groupCount++;
    if (rebaseStarts !== null) {
      for (let index = start + 1; index < end; index++) if (rebaseStarts[index] !== 0) groupCount++;
    }
  }

  const columns: SpcColumns = {
    seriesCount,
    pointCount,
    groupCount,
    seriesGroupOffsets: new Int32Array(seriesCount + 1),
    variationIcon: new Uint8Array(seriesCount).fill(noIcon),
    assuranceIcon: new Uint8Array(seriesCount).fill(noIcon),
    groupSeries: new Int32Array(groupCount),
    groupStart: new Int32Array(groupCount),
    groupEnd: new Int32Array(groupCount),
    groupValueCount: new Int32Array(groupCount),
    groupChart: new Uint8Array(groupCount),
    centreLine: new Float64Array(groupCount),
    averageMovingRange: new Float64Array(groupCount),
    lowerProcessLimit: new Float64Array(groupCount),
    upperProcessLimit: new Float64Array(groupCount),
    lowerTwoSigma: new Float64Array(groupCount),
    upperTwoSigma: new Float64Array(groupCount),
    lowerOneSigma: new Float64Array(groupCount),
    upperOneSigma: new Float64Array(groupCount),
    pointFlags: new Uint8Array(pointCount),
    ruleMask: new Uint8Array(pointCount),
    specialCause: new Uint8Array(pointCount),
    pointType: new Uint8Array(pointCount),
  };

  const defaultDirection = directionSign(options.improvementDirection);
  // Lookup tables, per direction (index direction + 1): rule mask → special-cause kind, and
  // kind → point type. Classification is then two loads per point, without a branch.
  const kindTables = [-1, 0, 1].map((direction) => specialCauseTable(direction, options));
  const typeTables = [-1, 0, 1].map((direction) => pointTypeTable(direction));
  let group = 0;
  for (let series = 0; series < seriesCount; series++) {
    const start = seriesOffsets[series];
    const end = seriesOffsets[series + 1];
    columns.seriesGroupOffsets[series] = group;
    if (end === start) continue;
    const direction = Math.sign(directions === null ? defaultDirection : directions[series]);
    // The first point any rule flagged: classification starts there.
    let firstFlagged = end;
    let groupStart = start;
    while (groupStart < end) {
      let groupEnd = end;
      if (rebaseStarts !== null) {
        groupEnd = groupStart + 1;
        while (groupEnd < end && rebaseStarts[groupEnd] === 0) groupEnd++;
      }
      firstFlagged = Math.min(
        firstFlagged,
        computeGroup(columns, values, group, series, groupStart, groupEnd, options),
      );
      group++;
      groupStart = groupEnd;
    }
    if (options.trendAcrossRebase) {
      markTrendsAcrossRebase(columns, values, columns.seriesGroupOffsets[series], group, options.trendPoints);
      firstFlagged = start;
    }
    if (firstFlagged < end) {
      classifyPoints(columns, firstFlagged, end, kindTables[direction + 1], typeTables[direction + 1]);
    }
    setIcons(
      columns,
      series,
      end,
      group - 1,
      direction,
      targets === null ? Number.NaN : targets[series],
      options,
    );
  }
  columns.seriesGroupOffsets[seriesCount] = group;
  return columns;
}

/** Centre line and AMR of the last baseline calculated, without allocating a pair per group. */
const baselineOut = new Float64Array(2);

/**
 * One rebase group: limits, per-point flags, and the outside-limits, shift, two-in-three and
 * (unless trends cross rebases) trend rules. Returns the first point a rule flagged, or `end`.
 */
function computeGroup(
  columns: SpcColumns,
  values: Float64Array,
  group: number,
  series: number,
  start: number,
  end: number,
  options: ResolvedSpcOptions,
): number {
  columns.groupSeries[group] = series;
  columns.groupStart[group] = start;
  columns.groupEnd[group] = end;
  const baselineEnd = options.fixAfterPoints === null ? end : Math.min(end, start + options.fixAfterPoints);

  // One pass over the baseline for the mean and the average moving range. The mean uses the same
  // compensated, correctly rounded sum as `mean` in engines/stats, because values equal to the
  // mean break runs and must compare equal exactly as in R. The moving ranges use a plain sum:
  // their last bit decides nothing in practice (the limits still agree with R to about 1e-15),
  // and compensating it would cost a tenth of the whole calculation.
  let sum = 0;
  let compensation = 0;
  let count = 0;
  let rangeSum = 0;
  let rangeCount = 0;
  let largestRange = 0;
  let previous = Number.NaN;
  for (let index = start; index < baselineEnd; index++) {
    const value = values[index];
    if (!Number.isNaN(value)) {
      const total = sum + value;
      const rounded = total - sum;
      compensation += sum - (total - rounded) + (value - rounded);
      sum = total;
      count++;
    }
    const range = Math.abs(value - previous);
    if (!Number.isNaN(range)) {
      rangeSum += range;
      rangeCount++;
      largestRange = Math.max(largestRange, range);
    }
    previous = value;
  }
  let valueCount = count;
  for (let index = baselineEnd; index < end; index++) {
    valueCount += Number(!Number.isNaN(values[index]));
  }
  columns.groupValueCount[group] = valueCount;

  if (valueCount < options.minimumPoints) {
    computeRunChart(columns, values, group, start, end);
    return end;
  }

  if (Number.isFinite(sum) && Number.isFinite(rangeSum)) {
    let centre = meanFromCompensatedSum(sum, compensation, count);
    const rawAverage = rangeCount === 0 ? Number.NaN : rangeSum / rangeCount;
    let average = rawAverage;
    if (options.screenMovingRanges) {
      const limit = movingRangeScreeningFactor * rawAverage;
      const inclusive = options.screenInclusive;
      // Nothing to screen out unless the largest range reaches the limit.
      if (!(inclusive ? largestRange <= limit : largestRange < limit)) {
        average = averageMovingRange(values, start, baselineEnd, limit, inclusive);
        if (options.recomputeMeanWhenScreening) {
          centre = meanWithoutScreenedPoints(values, start, baselineEnd, limit, inclusive);
        }
      }
    }
    baselineOut[0] = centre;
    baselineOut[1] = average;
  } else if (!baselineStatistics(values, start, baselineEnd, options)) {
    scaledBaselineStatistics(values, start, baselineEnd, options);
  }
  const centre = baselineOut[0];
  const averageMovingRangeValue = baselineOut[1];

  const sigma = options.sigmaConstant;
  const processWidth = sigma * averageMovingRangeValue;
  const twoSigmaWidth = 2 * (sigma / 3) * averageMovingRangeValue;
  const oneSigmaWidth = (sigma / 3) * averageMovingRangeValue;
  const lower = centre - processWidth;
  const upper = centre + processWidth;
  const lowerTwo = centre - twoSigmaWidth;
  const upperTwo = centre + twoSigmaWidth;
  columns.centreLine[group] = centre;
  columns.averageMovingRange[group] = averageMovingRangeValue;
  columns.lowerProcessLimit[group] = lower;
  columns.upperProcessLimit[group] = upper;
  columns.lowerTwoSigma[group] = lowerTwo;
  columns.upperTwoSigma[group] = upperTwo;
  columns.lowerOneSigma[group] = centre - oneSigmaWidth;
  columns.upperOneSigma[group] = centre + oneSigmaWidth;

  // One pass for the per-point flags and the rules. Comparisons that depend on the data are
  // turned into numbers (Number(a > b)) rather than branches: on noisy data a branch per
  // comparison is mispredicted half the time and costs more than all the other work.
  const pointFlags = columns.pointFlags;
  const ruleMask = columns.ruleMask;
  const countBeyondLimits = Number(options.twoInThreeIncludeBeyondLimits);
  const shiftPoints = options.shiftPoints;
  const trendPoints = options.trendAcrossRebase ? Number.POSITIVE_INFINITY : options.trendPoints;
  let firstFlagged = end;
  let anyOutside = 0;
  let trendFound = false;
  let runLength = 0;
  let runSide = 0;
  let sideBefore = 0;
  let sideTwoBefore = 0;
  let closeBefore = 0;
  let closeTwoBefore = 0;
  let trendSteps = 0;
  let trendStep = 0;
  previous = Number.NaN;
  for (let index = start; index < end; index++) {
    // A missing value (NaN) needs no branch: every comparison with NaN is false, so it is on
    // neither side, inside the limits, and a step of 0 both to and from it, which ends any run,
    // trend or two-in-three window.
    const value = values[index];
    const above = Number(value > centre);
    const below = Number(value < centre);
    const side = above - below;
    const outside = Number(value > upper) | Number(value < lower);
    const close = (Number(value > upperTwo) | Number(value < lowerTwo)) & (countBeyondLimits | (outside ^ 1));
    // Outside the limits: bit 1 above the upper limit, bit 2 below the lower one.
    ruleMask[index] = outside * (1 + below);
    anyOutside |= outside;
    pointFlags[index] = above | (below << 1) | (outside << 2) | (close << 3);

    // Shift: every point of a maximal run of at least `shiftPoints` on one side of the mean;
    // a point on the mean or a missing value ends the run. (x & (0 − bit)) is x when bit is 1
    // and 0 when it is 0: a select without a branch or a multiplication on the loop's critical path.
    runLength = ((runLength & (0 - Number(side === runSide))) + 1) & (0 - (above | below));
    runSide = side;
    if (runLength >= shiftPoints) {
      const bit = side === 1 ? ruleBit.shiftAbove : ruleBit.shiftBelow;
      const from = runLength === shiftPoints ? index - shiftPoints + 1 : index;
      firstFlagged = Math.min(firstFlagged, from);
      for (let back = from; back <= index; back++) ruleMask[back] |= bit;
    }

    // Two in three: three consecutive values on one side of the mean, at least two of them
    // beyond a 2σ line; those beyond it are flagged. A missing value spoils its windows.
    if (
      close + closeBefore + closeTwoBefore >= 2 &&
      side !== 0 &&
      sideBefore === side &&
      sideTwoBefore === side
    ) {
      firstFlagged = Math.min(firstFlagged, index - 2);
      const bit = side === 1 ? ruleBit.twoInThreeAbove : ruleBit.twoInThreeBelow;
      if (closeTwoBefore === 1) ruleMask[index - 2] |= bit;
      if (closeBefore === 1) ruleMask[index - 1] |= bit;
      if (close === 1) ruleMask[index] |= bit;
    }
    sideTwoBefore = sideBefore;
    sideBefore = side;
    closeTwoBefore = closeBefore;
    closeBefore = close;

    // Trend: every point of a maximal run of at least `trendPoints` values each strictly
    // higher (or each strictly lower) than the one before; a tie or a missing value ends it.
    // `trendSteps` counts the steps in a row that go the same way (+1 up, −1 down, 0 a tie).
    const step = Number(value > previous) - Number(value < previous);
    trendSteps = ((trendSteps & (0 - Number(step === trendStep))) + 1) & (0 - (step & 1));
    trendStep = step;
    previous = value;
    if (trendSteps >= trendPoints - 1) {
      trendFound = true;
      const from = trendSteps === trendPoints - 1 ? index - trendSteps : index;
      firstFlagged = Math.min(firstFlagged, from);
      for (let back = from; back <= index; back++) ruleMask[back] |= ruleBit.trendIncreasing;
    }
  }
  if (trendFound) labelTrends(ruleMask, values, start, end);
  return anyOutside === 1 ? start : firstFlagged;
}

/**
 * Centre line and AMR of the baseline `values[start..end)` into `baselineOut`, using the
 * primitives of engines/stats. Returns `false` when a sum overflowed (values near the largest
 * double), so the caller must use `scaledBaselineStatistics`.
 */
function baselineStatistics(
  values: Float64Array,
  start: number,
  end: number,
  options: ResolvedSpcOptions,
): boolean {
  let centre = mean(values, start, end);
  const rawAverage = averageMovingRange(values, start, end);
  if (centre === Number.POSITIVE_INFINITY || centre === Number.NEGATIVE_INFINITY) return false;
  if (rawAverage === Number.POSITIVE_INFINITY) return false;
  if (Number.isNaN(centre) && hasValue(values, start, end)) return false;
  let average = rawAverage;
  if (options.screenMovingRanges) {
    const limit = movingRangeScreeningFactor * rawAverage;
    average = averageMovingRange(values, start, end, limit, options.screenInclusive);
    if (options.recomputeMeanWhenScreening) {
      centre = meanWithoutScreenedPoints(values, start, end, limit, options.screenInclusive);
    }
  }
  baselineOut[0] = centre;
  baselineOut[1] = average;
  return true;
}

/**
 * MDC SQL's "mean without outliers": the mean of the baseline leaving out each point whose
 * moving range (from the point before) was screened out.
 */
function meanWithoutScreenedPoints(
  values: Float64Array,
  start: number,
  end: number,
  limit: number,
  inclusive: boolean,
): number {
  let sum = 0;
  let compensation = 0;
  let count = 0;
  for (let index = start; index < end; index++) {
    const value = values[index];
    if (Number.isNaN(value)) continue;
    if (index > start) {
      const range = Math.abs(value - values[index - 1]);
      if (!Number.isNaN(range) && !(inclusive ? range <= limit : range < limit)) continue;
    }
    const total = sum + value;
    const rounded = total - sum;
    compensation += sum - (total - rounded) + (value - rounded);
    sum = total;
    count++;
  }
  return meanFromCompensatedSum(sum, compensation, count);
}

/**
 * The same calculation on a copy of the baseline scaled down by a power of two, so that sums of
 * values near `Number.MAX_VALUE` cannot overflow. Scaling by a power of two is exact, so the
 * result equals what exact arithmetic would give, up to the largest double (limits beyond it
 * become ±Infinity, which no value can cross).
 */
function scaledBaselineStatistics(
  values: Float64Array,
  start: number,
  end: number,
  options: ResolvedSpcOptions,
): void {
  let largest = 0;
  for (let index = start; index < end; index++) {
    const magnitude = Math.abs(values[index]);
    if (magnitude > largest) largest = magnitude;
  }
  const exponent = Math.ceil(Math.log2(largest)) + 4;
  const down = 2 ** -exponent;
  const scaled = new Float64Array(end - start);
  for (let index = start; index < end; index++) scaled[index - start] = values[index] * down;
  if (!baselineStatistics(scaled, 0, scaled.length, options)) {
    baselineOut[0] = Number.NaN;
    baselineOut[1] = Number.NaN;
    return;
  }
  // Scale back in two steps: 2 ** exponent alone may exceed the largest double.
  const half = 2 ** Math.floor(exponent / 2);
  const rest = 2 ** (exponent - Math.floor(exponent / 2));
  baselineOut[0] = baselineOut[0] * half * rest;
  baselineOut[1] = baselineOut[1] * half * rest;
}

function hasValue(values: Float64Array, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (!Number.isNaN(values[index])) return true;
  return false;
}

/** A group with too few values: the median as centre line, no limits, no signals. */
function computeRunChart(
  columns: SpcColumns,
  values: Float64Array,
  group: number,
  start: number,
  end: number,
): void {
  const centre = median(values.subarray(start, end));
  columns.groupChart[group] = CHART_RUN;
  columns.centreLine[group] = centre;
  columns.averageMovingRange[group] = Number.NaN;
  columns.lowerProcessLimit[group] = Number.NaN;
  columns.upperProcessLimit[group] = Number.NaN;
  columns.lowerTwoSigma[group] = Number.NaN;
  columns.upperTwoSigma[group] = Number.NaN;
  columns.lowerOneSigma[group] = Number.NaN;
  columns.upperOneSigma[group] = Number.NaN;
  for (let index = start; index < end; index++) {
    const value = values[index];
    columns.pointFlags[index] = Number(value > centre) | (Number(value < centre) << 1);
  }
}

/**
 * Trend rule on `values[start..end)` alone, for trends that cross rebases (MDC SQL); within a
 * rebase group `computeGroup` runs the same rule in its main pass.
 */
function markTrends(
  ruleMask: Uint8Array,
  values: Float64Array,
  start: number,
  end: number,
  trendPoints: number,
): void {
  let rising = 0;
  let falling = 0;
  let previous = Number.NaN;
  let found = false;
  for (let index = start; index < end; index++) {
    const value = values[index];
    if (Number.isNaN(value)) {
      rising = 0;
      falling = 0;
      previous = value;
      continue;
    }
    rising = rising * Number(value > previous) + 1;
    falling = falling * Number(value < previous) + 1;
    previous = value;
    if (rising >= trendPoints || falling >= trendPoints) {
      found = true;
      const run = Math.max(rising, falling);
      const from = run === trendPoints ? index - trendPoints + 1 : index;
      for (let back = from; back <= index; back++) ruleMask[back] |= ruleBit.trendIncreasing;
    }
  }
  if (found) labelTrends(ruleMask, values, start, end);
}

/**
 * Labels each trend point (marked with the `trendIncreasing` bit) as NHSRplotthedots does: by
 * the step to the next point when that point is also in a trend, otherwise by the step from
 * the previous point; "decreasing" unless that step rises.
 */
function labelTrends(ruleMask: Uint8Array, values: Float64Array, start: number, end: number): void {
  const part = ruleBit.trendIncreasing;
  for (let index = start; index < end; index++) {
    if ((ruleMask[index] & part) === 0) continue;
    const nextIsTrend = index + 1 < end && (ruleMask[index + 1] & part) !== 0;
    const step = nextIsTrend
      ? values[index + 1] - values[index]
      : index > start
        ? values[index] - values[index - 1]
        : 0;
    if (!(step > 0)) ruleMask[index] = (ruleMask[index] & ~part) | ruleBit.trendDecreasing;
  }
}

/** Trend marking over the groups of a series together (trends across rebases, MDC SQL), skipping run-chart groups. */
function markTrendsAcrossRebase(
  columns: SpcColumns,
  values: Float64Array,
  firstGroup: number,
  endGroup: number,
  trendPoints: number,
): void {
  let group = firstGroup;
  while (group < endGroup) {
    if (columns.groupChart[group] === CHART_RUN) {
      group++;
      continue;
    }
    const start = columns.groupStart[group];
    while (group + 1 < endGroup && columns.groupChart[group + 1] !== CHART_RUN) group++;
    markTrends(columns.ruleMask, values, start, columns.groupEnd[group], trendPoints);
    group++;
  }
}

/** Resolves each point's rule mask into one special-cause kind and a point type, by table. */
function classifyPoints(
  columns: SpcColumns,
  start: number,
  end: number,
  kindTable: Uint8Array,
  typeTable: Uint8Array,
): void {
  const { ruleMask, specialCause, pointType } = columns;
  for (let index = start; index < end; index++) {
    const kind = kindTable[ruleMask[index]];
    specialCause[index] = kind;
    pointType[index] = typeTable[kind];
  }
}

/**
 * The special-cause kind for every rule mask, for one improvement direction. With
 * `precedence` (NHSRplotthedots) the first rule in precedence order wins; with `improvement` or
 * `concern` (MDC) a point flagged on both sides keeps only that side's rules (for a neutral
 * measure, the high side), then the first of those wins.
 */
function specialCauseTable(direction: number, options: ResolvedSpcOptions): Uint8Array {
  const table = new Uint8Array(256);
  for (let mask = 1; mask < 256; mask++) {
    let kept = mask;
    const high = mask & highSideBits;
    const low = mask & lowSideBits;
    if (options.conflictResolution !== 'precedence' && high !== 0 && low !== 0) {
      if (direction === 0) kept = high;
      else if (options.conflictResolution === 'improvement') kept = direction > 0 ? high : low;
      else kept = direction > 0 ? low : high;
    }
    table[mask] = 32 - Math.clz32(kept & -kept);
  }
  return table;
}

/** The point type of each special-cause kind for one direction: high-side kinds are odd. */
function pointTypeTable(direction: number): Uint8Array {
  const table = new Uint8Array(specialCauseKindCount);
  for (let kind = 1; kind < specialCauseKindCount; kind++) {
    const side = (kind & 1) === 1 ? 1 : -1;
    table[kind] = direction === 0 ? (side > 0 ? 3 : 4) : side * direction > 0 ? 1 : 2;
  }
  return table;
}

/**
 * Variation icon from the last point's type; assurance icon from the target and the last
 * group's limits. The pass test comes first, as in MDC's SQL, which only matters with
 * inclusive comparisons when the limits have collapsed onto the mean.
 */
function setIcons(
  columns: SpcColumns,
  series: number,
  end: number,
  lastGroup: number,
  direction: number,
  target: number,
  options: ResolvedSpcOptions,
): void {
  if (columns.groupChart[lastGroup] === CHART_RUN) return;
  columns.variationIcon[series] = variationIconCode(columns.pointType[end - 1], direction);
  if (Number.isNaN(target) || direction === 0) return;
  const lower = columns.lowerProcessLimit[lastGroup];
  const upper = columns.upperProcessLimit[lastGroup];
  const aboveUpper = options.assuranceInclusive ? target >= upper : target > upper;
  const belowLower = options.assuranceInclusive ? target <= lower : target < lower;
  const passes = direction > 0 ? belowLower : aboveUpper;
  const fails = direction > 0 ? aboveUpper : belowLower;
  columns.assuranceIcon[series] = passes ? ASSURANCE_PASS : fails ? ASSURANCE_FAIL : ASSURANCE_INCONSISTENT;
}

/** Maps a point type code and a direction to a variation icon code (NHSRplotthedots `ptd_get_icons`). */
function variationIconCode(pointType: number, direction: number): number {
  switch (pointType) {
    case 1:
      return direction > 0 ? 1 : 2;
    case 2:
      return direction > 0 ? 4 : 3;
    case 3:
      return 5;
    case 4:
      return 6;
    default:
      return 0;
  }
}
