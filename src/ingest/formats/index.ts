import type { ImportFormat } from '../types.ts';
import { aeMonthlyCsvFormat } from './ae-monthly-csv.ts';
import { aeProviderHistoryFormat } from './ae-provider-history.ts';
import { ambsysFormat } from './ambsys.ts';
import { cancerExtractFormat, cancerHeadlineFormat } from './cancer-waiting-times.ts';
import { dm01FullExtractFormat, dm01ProviderFormat, dm01ProviderSheetFormat } from './dm01.ts';
import { icbAllocationPracticeFormat, icbAllocationSummaryFormat } from './icb-allocations.ts';
import { kh03ByTrustFormat, kh03TimeSeriesFormat } from './kh03.ts';
import { nofDataFormat, nofLeagueFormat } from './nof.ts';
import { odsTrustsFormat, trustLookupFormat, trustSuccessorsFormat } from './ods.ts';
import { staffSurveyCsvFormat, staffSurveyWorkbookFormat } from './staff-survey.ts';
import { tidyFormat } from './tidy.ts';

/** Every format Tend imports, in the order detection tries them (most specific first). */
export const importFormats: readonly ImportFormat[] = Object.freeze([
  aeMonthlyCsvFormat,
  aeProviderHistoryFormat,
  nofDataFormat,
  nofLeagueFormat,
  trustLookupFormat,
  trustSuccessorsFormat,
  cancerExtractFormat,
  cancerHeadlineFormat,
  dm01ProviderFormat,
  dm01ProviderSheetFormat,
  dm01FullExtractFormat,
  ambsysFormat,
  staffSurveyWorkbookFormat,
  staffSurveyCsvFormat,
  kh03TimeSeriesFormat,
  kh03ByTrustFormat,
  icbAllocationPracticeFormat,
  icbAllocationSummaryFormat,
  tidyFormat,
  odsTrustsFormat,
]);

/** The format whose header `firstRecord` is, or undefined. */
export function detectFormat(firstRecord: readonly string[]): ImportFormat | undefined {
  return importFormats.find((format) => format.detect(firstRecord));
}
