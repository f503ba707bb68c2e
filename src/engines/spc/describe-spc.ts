import type { SpecialCauseKind } from './codes.ts';
import { formatValue } from './format-value.ts';
import type { SpcGroupResult, SpcSeriesResult } from './types.ts';

/** Plain-English readings of a chart, for a caption, an alt text or a summary table. */
export interface SpcDescription {
  /** One sentence on the latest point's variation (or why there is none to read). */
  readonly variation: string;
  /** One sentence on the target, or `null` when there is no assurance to give. */
  readonly assurance: string | null;
  /** Both sentences, joined. */
  readonly text: string;
}

/** How to name the measure and its unit in the sentences. */
export interface DescribeSpcOptions {
  /** Name of the measure, e.g. "A&E 4-hour performance". */
  readonly metricName?: string;
  /** Unit of the values: `%` is attached to numbers, anything else follows them ("days"). */
  readonly unit?: string;
}

/**
 * Reads a chart in plain English, the way Making Data Count teaches it to be read: what the
 * latest point shows (common-cause variation, or special-cause improvement, concern or neither,
 * and which rule says so), then whether the target will be met.
 *
 * @param series one series of a `computeSpc` result
 * @param options the measure's name and unit
 * @returns a variation sentence, an assurance sentence (or `null`), and both joined
 * @example
 * describeSpc(series).variation;
 * // => 'The latest point shows special-cause concern: 7 points in a row below the mean.'
 */
export function describeSpc(series: SpcSeriesResult, options: DescribeSpcOptions = {}): SpcDescription {
  const variation = describeVariation(series, options);
  const assurance = describeAssurance(series, options);
  return { variation, assurance, text: assurance === null ? variation : `${variation} ${assurance}` };
}

function describeVariation(series: SpcSeriesResult, options: DescribeSpcOptions): string {
  const lead = options.metricName ? `For ${options.metricName}, the` : 'The';
  const count = series.dates.length;
  if (count === 0) {
    return options.metricName
      ? `There is no data for ${options.metricName} to chart.`
      : 'There is no data to chart.';
  }
  const last = count - 1;
  const group = series.groups[series.groupIndex[last]];
  if (group.chart === 'run') {
    return `${lead} chart has too few points for process limits (${countText(group.valueCount, 'value')} since ${group.startDate}), so it is a run chart around the median, with no reading of variation or assurance.`;
  }
  if (group.shortGroupWarning) {
    return `${lead} chart has only ${countText(group.rowCount, 'point')} since ${group.startDate}: its limits are trial limits, so it gives no reading of variation or assurance until more points arrive.`;
  }
  if (series.values[last] === null) {
    return `${lead} latest point (${series.dates[last]}) has no value, so there is no reading of its variation.`;
  }
  const kind = series.specialCause[last];
  if (kind === 'common_cause') {
    if (group.averageMovingRange === null) {
      return `${lead} latest point shows common-cause variation; the process limits cannot be calculated because consecutive values do not vary.`;
    }
    return `${lead} latest point shows common-cause variation: it is within the process limits and part of no run, trend or two-in-three pattern.`;
  }
  const type = series.pointType[last];
  const verdict =
    type === 'special_cause_improvement'
      ? 'special-cause improvement'
      : type === 'special_cause_concern'
        ? 'special-cause concern'
        : type === 'special_cause_neutral_high'
          ? 'special-cause variation, high (neither improvement nor concern)'
          : 'special-cause variation, low (neither improvement nor concern)';
  return `${lead} latest point shows ${verdict}: ${ruleReason(series, group, last, kind, options.unit)}.`;
}

function ruleReason(
  series: SpcSeriesResult,
  group: SpcGroupResult,
  last: number,
  kind: SpecialCauseKind,
  unit: string | undefined,
): string {
  const value = series.values[last] ?? Number.NaN;
  switch (kind) {
    case 'above_upper_limit':
      return `its value (${formatValue(value, unit)}) is above the upper process limit (${formatValue(group.upperProcessLimit ?? Number.NaN, unit)})`;
    case 'below_lower_limit':
      return `its value (${formatValue(value, unit)}) is below the lower process limit (${formatValue(group.lowerProcessLimit ?? Number.NaN, unit)})`;
    case 'trend_increasing':
      return `${runLength(series, group, last, kind)} points in a row, each higher than the one before`;
    case 'trend_decreasing':
      return `${runLength(series, group, last, kind)} points in a row, each lower than the one before`;
    case 'two_in_three_above':
      return '2 of the latest 3 points are close to the upper process limit';
    case 'two_in_three_below':
      return '2 of the latest 3 points are close to the lower process limit';
    case 'shift_above':
      return `${runLength(series, group, last, kind)} points in a row above the mean`;
    case 'shift_below':
      return `${runLength(series, group, last, kind)} points in a row below the mean`;
    default:
      return 'no rule';
  }
}

/**
 * Length of the run ending at the latest point, within its rebase group: for a shift, points in
 * a row on the same side of the mean; for a trend, points in a row each beyond the one before.
 */
function runLength(
  series: SpcSeriesResult,
  group: SpcGroupResult,
  last: number,
  kind: SpecialCauseKind,
): number {
  const values = series.values;
  let length = 1;
  if (kind === 'shift_above' || kind === 'shift_below') {
    const side = kind === 'shift_above' ? 1 : -1;
    while (last - length >= group.startIndex && series.relativeToMean[last - length] === side) length++;
    return length;
  }
  const rising = kind === 'trend_increasing';
  for (let index = last; index > group.startIndex; index--) {
    const value = values[index];
    const before = values[index - 1];
    if (value === null || before === null || !(rising ? value > before : value < before)) break;
    length++;
  }
  return length;
}

function describeAssurance(series: SpcSeriesResult, options: DescribeSpcOptions): string | null {
  if (series.assuranceIcon === null || series.target === null || series.groups.length === 0) return null;
  const unit = options.unit;
  const group = series.groups[series.groups.length - 1];
  if (group.shortGroupWarning) return null;
  const target = formatValue(series.target, unit);
  const lower = group.lowerProcessLimit;
  const upper = group.upperProcessLimit;
  if (lower === null || upper === null) {
    return `The process limits cannot be calculated, so there is no telling whether the target of ${target} will be met.`;
  }
  const increase = series.improvementDirection === 'increase';
  const limitText = increase
    ? {
        pass: `below the lower process limit (${formatValue(lower, unit)})`,
        fail: `above the upper process limit (${formatValue(upper, unit)})`,
      }
    : {
        pass: `above the upper process limit (${formatValue(upper, unit)})`,
        fail: `below the lower process limit (${formatValue(lower, unit)})`,
      };
  switch (series.assuranceIcon) {
    case 'pass':
      return `The target of ${target} lies ${limitText.pass}, so it will be met consistently if nothing changes.`;
    case 'fail':
      return `The target of ${target} lies ${limitText.fail}, so it will be missed consistently unless the process changes.`;
    default:
      return `The target of ${target} lies within the process limits (${formatValue(lower, unit)} to ${formatValue(upper, unit)}), so it will be met in some periods and missed in others.`;
  }
}

function countText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
