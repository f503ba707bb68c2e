import { metricBounds } from '../domain/metric-catalogue.ts';
import { checkObservation, defaultPeriodLimits } from './bounds.ts';
import { issueFactory } from './cells.ts';
import { detectFormat, importFormats } from './formats/index.ts';
import type { FileRecord } from './read/records.ts';
import type { ImportFormat, IngestSink, ParseContext } from './types.ts';

/** How many errors a file may have before the importer stops reading it. */
export const DEFAULT_STOP_AFTER_ERRORS = 1000;

/**
 * Detects a file's format from its first record, then feeds every record to that format's parser.
 * Every observation the parser gives is checked against what Tend can hold (`checkObservation`: the
 * metric's bounds in the catalogue, the publication's years) before it reaches the sink; one with a
 * problem is reported and dropped. After `stopAfterErrors` errors (1,000) reading stops, with an
 * issue saying so. Pure apart from consuming `records`: everything found goes to `sink`. Returns the
 * format (or undefined when none matched), the number of data records read, and whether it stopped early.
 */
export async function parseRecords(
  records: AsyncIterable<FileRecord> | Iterable<FileRecord>,
  context: ParseContext,
  sink: IngestSink,
  onFormat?: (format: ImportFormat) => void,
): Promise<{ format: ImportFormat | undefined; dataRows: number; stopped: boolean }> {
  const issue = issueFactory(context.file);
  const stopAfter = context.stopAfterErrors ?? DEFAULT_STOP_AFTER_ERRORS;
  const today = context.today ?? new Date().toISOString().slice(0, 10);
  let errors = 0;
  let format: ImportFormat | undefined;
  // A row gives several observations (an A&E row sixteen): the same problem is said once a row.
  let reportedRow = -1;
  const reported = new Set<string>();
  const checked: IngestSink = {
    ...sink,
    issue(found) {
      if (found.severity === 'error') errors++;
      sink.issue(found);
    },
    observation(record) {
      const problems = checkObservation(
        record,
        metricBounds(record.metricId, record.unit ?? context.metricUnits?.get(record.metricId)),
        format?.periods ?? defaultPeriodLimits,
        today,
        issue,
      );
      if (record.rowNumber !== reportedRow) {
        reportedRow = record.rowNumber;
        reported.clear();
      }
      for (const problem of problems) {
        const key = `${problem.column}|${problem.message}`;
        if (reported.has(key)) continue;
        reported.add(key);
        checked.issue(problem);
      }
      if (problems.length === 0) sink.observation(record);
    },
  };
  let parser: ReturnType<ImportFormat['open']>;
  let dataRows = 0;
  let first = true;
  for await (const record of records) {
    if (first) {
      first = false;
      format = detectFormat(record.cells);
      if (!format) {
        const shown = record.cells
          .slice(0, 6)
          .map((cell) => cell.trim())
          .join(', ');
        checked.issue(
          issue(
            'UNKNOWN_FORMAT',
            record.rowNumber,
            null,
            `the first row (${shown}${record.cells.length > 6 ? ', …' : ''}) is not the header of a format Tend imports: ${importFormats.map((known) => known.label).join('; ')}`,
          ),
        );
        return { format, dataRows, stopped: false };
      }
      onFormat?.(format);
      parser = format.open(record.cells, context, checked);
      if (!parser) return { format, dataRows, stopped: false };
      if (format.hasHeader) continue;
    }
    if (errors >= stopAfter) {
      checked.issue(
        issue(
          'TOO_MANY_PROBLEMS',
          record.rowNumber,
          null,
          `stopped reading at this row after ${errors} errors; fix those and import the file again`,
        ),
      );
      return { format, dataRows, stopped: true };
    }
    dataRows++;
    parser?.row(record.cells, record.rowNumber);
  }
  if (first) {
    checked.issue(issue('EMPTY_FILE', null, null, 'the file has no rows'));
    return { format, dataRows, stopped: false };
  }
  parser?.finish();
  if (dataRows === 0 && format)
    checked.issue(issue('NO_DATA_ROWS', null, null, 'the file has a header row but no data rows'));
  return { format, dataRows, stopped: false };
}
