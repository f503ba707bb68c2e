// Making Data Count SPC engine: XmR charts, special-cause rules, icons and readings.

// codes and vocabularies
export * from './codes.ts';
// calculation
export { checkDate, computeSpc } from './compute-spc.ts';
// reading
export { type DescribeSpcOptions, describeSpc, type SpcDescription } from './describe-spc.ts';
export { formatValue } from './format-value.ts';
export * from './labels.ts';
// options
export * from './options.ts';
// NHSRplotthedots output format
export * from './reference-output.ts';
export { computeSpcColumns, type SpcColumns, type SpcColumnsInput } from './spc-columns.ts';
export { onTrialLimits, withoutTrialVerdict } from './trial-limits.ts';
export type * from './types.ts';
