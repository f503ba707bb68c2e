/**
 * The vocabularies of an SPC result, each as a list indexed by the small integer code the
 * column-oriented engine stores (`Uint8Array` columns). The words follow Making Data Count
 * and NHSRplotthedots 0.2.2 (`point_type`, icon names), so they read the same in Tend's
 * output as in the tools analysts already know.
 */

/**
 * Which special-cause rule decided a point, and on which side. Code 0 is common cause; odd
 * codes are high-side signals, even codes low-side ones. The order is the precedence order
 * of NHSRplotthedots: outside the limits, then trend, then two-in-three, then shift.
 */
export const specialCauseKinds = [
  'common_cause',
  'above_upper_limit',
  'below_lower_limit',
  'trend_increasing',
  'trend_decreasing',
  'two_in_three_above',
  'two_in_three_below',
  'shift_above',
  'shift_below',
] as const;

export type SpecialCauseKind = (typeof specialCauseKinds)[number];

/** Bits of the per-point rule mask: bit `k` set means the rule of special-cause code `k + 1` fired. */
export const ruleBit = {
  aboveUpperLimit: 1,
  belowLowerLimit: 2,
  trendIncreasing: 4,
  trendDecreasing: 8,
  twoInThreeAbove: 16,
  twoInThreeBelow: 32,
  shiftAbove: 64,
  shiftBelow: 128,
} as const;

/** Bits of the per-point flags column. */
export const pointFlag = {
  /** Above the centre line. */
  aboveCentre: 1,
  /** Below the centre line. */
  belowCentre: 2,
  /** Strictly beyond a process limit. */
  outsideLimits: 4,
  /** Beyond a 2σ line (and, unless two-in-three counts points beyond the limits, not beyond the limit). */
  closeToLimits: 8,
} as const;

/** Mask of the high-side rule bits (above the limit, increasing trend, two-in-three above, shift above). */
export const highSideBits = 0b01010101;

/** Mask of the low-side rule bits. */
export const lowSideBits = 0b10101010;

/** The classification of a point, as NHSRplotthedots' `point_type`. */
export const pointTypes = [
  'common_cause',
  'special_cause_improvement',
  'special_cause_concern',
  'special_cause_neutral_high',
  'special_cause_neutral_low',
] as const;

export type PointType = (typeof pointTypes)[number];

/** The Making Data Count variation icons, named as NHSRplotthedots names its icon files. */
export const variationIcons = [
  'common_cause',
  'improvement_high',
  'improvement_low',
  'concern_high',
  'concern_low',
  'neutral_high',
  'neutral_low',
] as const;

export type VariationIcon = (typeof variationIcons)[number];

/** The Making Data Count assurance icons. */
export const assuranceIcons = ['pass', 'fail', 'inconsistent'] as const;

export type AssuranceIcon = (typeof assuranceIcons)[number];

/** Code stored in an icon column when there is no icon (no data, a run chart, no target, neutral). */
export const noIcon = 255;

/** Chart kinds of a rebase group: an XmR chart with process limits, or a run chart around the median. */
export const chartKinds = ['xmr', 'run'] as const;

export type ChartKind = (typeof chartKinds)[number];

/** Improvement direction as a number: +1 higher is better, −1 lower is better, 0 neither. */
export type DirectionSign = 1 | -1 | 0;
