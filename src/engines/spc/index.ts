// Making Data Count SPC engine: XmR charts, special-cause rules, icons and readings.

// codes and vocabularies
export * from './codes.ts';
export * from './labels.ts';
// options
export * from './options.ts';
// calculation
export { computeSpc, checkDate } from './compute-spc.ts';
export { computeSpcColumns, type SpcColumns, type SpcColumnsInput } from './spc-columns.ts';
export type * from './types.ts';
// reading
export { describeSpc, type DescribeSpcOptions, type SpcDescription } from './describe-spc.ts';
export { formatValue } from './format-value.ts';
// NHSRplotthedots output format
export * from './reference-output.ts';
