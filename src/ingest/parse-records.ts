import { issueFactory } from './cells.ts';
import { detectFormat, importFormats } from './formats/index.ts';
import type { FileRecord } from './read/records.ts';
import type { ImportFormat, IngestSink, ParseContext } from './types.ts';

/**
 * Detects a file's format from its first record, then feeds every record to that format's parser.
 * Pure apart from consuming `records`: everything found goes to `sink`. Returns the format (or
 * undefined when none matched) and the number of data records read.
 */
export async function parseRecords(
  records: AsyncIterable<FileRecord> | Iterable<FileRecord>,
  context: ParseContext,
  sink: IngestSink,
  onFormat?: (format: ImportFormat) => void,
): Promise<{ format: ImportFormat | undefined; dataRows: number }> {
  const issue = issueFactory(context.file);
  let format: ImportFormat | undefined;
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
        sink.issue(
          issue(
            'UNKNOWN_FORMAT',
            record.rowNumber,
            null,
            `the first row (${shown}${record.cells.length > 6 ? ', …' : ''}) is not the header of a format Tend imports: ${importFormats.map((known) => known.label).join('; ')}`,
          ),
        );
        return { format, dataRows };
      }
      onFormat?.(format);
      parser = format.open(record.cells, context, sink);
      if (!parser) return { format, dataRows };
      if (format.hasHeader) continue;
    }
    dataRows++;
    parser?.row(record.cells, record.rowNumber);
  }
  if (first) {
    sink.issue(issue('EMPTY_FILE', null, null, 'the file has no rows'));
    return { format, dataRows };
  }
  parser?.finish();
  if (dataRows === 0 && format)
    sink.issue(issue('NO_DATA_ROWS', null, null, 'the file has a header row but no data rows'));
  return { format, dataRows };
}
