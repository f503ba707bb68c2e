import type { AssuranceIcon, PointType, SpecialCauseKind, VariationIcon } from './codes.ts';

/** Plain-English names of point types, for legends and tables. */
export const pointTypeLabels: Readonly<Record<PointType, string>> = {
  common_cause: 'Common cause',
  special_cause_improvement: 'Special cause: improvement',
  special_cause_concern: 'Special cause: concern',
  special_cause_neutral_high: 'Special cause: neither (high)',
  special_cause_neutral_low: 'Special cause: neither (low)',
};

/** Plain-English names of the rule that decided a point. */
export const specialCauseLabels: Readonly<Record<SpecialCauseKind, string>> = {
  common_cause: 'No rule met',
  above_upper_limit: 'Above the upper process limit',
  below_lower_limit: 'Below the lower process limit',
  trend_increasing: 'Part of a rising trend',
  trend_decreasing: 'Part of a falling trend',
  two_in_three_above: 'Two of three points close to the upper limit',
  two_in_three_below: 'Two of three points close to the lower limit',
  shift_above: 'Part of a run above the mean',
  shift_below: 'Part of a run below the mean',
};

/** Plain-English names of the variation icons. */
export const variationIconLabels: Readonly<Record<VariationIcon, string>> = {
  common_cause: 'Common-cause variation',
  improvement_high: 'Special-cause improvement (higher is better)',
  improvement_low: 'Special-cause improvement (lower is better)',
  concern_high: 'Special-cause concern (higher values)',
  concern_low: 'Special-cause concern (lower values)',
  neutral_high: 'Special-cause variation, high (neither improvement nor concern)',
  neutral_low: 'Special-cause variation, low (neither improvement nor concern)',
};

/** Plain-English names of the assurance icons. */
export const assuranceIconLabels: Readonly<Record<AssuranceIcon, string>> = {
  pass: 'The target will be met consistently',
  fail: 'The target will be missed consistently',
  inconsistent: 'The target will be met in some periods and missed in others',
};
