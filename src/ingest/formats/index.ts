import type { ImportFormat } from '../types.ts';
import { aeMonthlyCsvFormat } from './ae-monthly-csv.ts';
import { aeProviderHistoryFormat } from './ae-provider-history.ts';
import { nofDataFormat, nofLeagueFormat } from './nof.ts';
import { odsTrustsFormat, trustLookupFormat } from './ods.ts';
import { tidyFormat } from './tidy.ts';

/** Every format Tend imports, in the order detection tries them (most specific first). */
export const importFormats: readonly ImportFormat[] = Object.freeze([
  aeMonthlyCsvFormat,
  aeProviderHistoryFormat,
  nofDataFormat,
  nofLeagueFormat,
  trustLookupFormat,
  tidyFormat,
  odsTrustsFormat,
]);

/** The format whose header `firstRecord` is, or undefined. */
export function detectFormat(firstRecord: readonly string[]): ImportFormat | undefined {
  return importFormats.find((format) => format.detect(firstRecord));
}
