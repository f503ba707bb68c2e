import { isPublishedGap, issueFactory, parseNumberCell, quote } from './cells.ts';
import type { IngestSink } from './types.ts';

/**
 * Reads count cells (attendances, admissions, waits) for one file: whole, non-negative numbers.
 * A published gap ("", "-", "N/A") is null — missing, never zero. Problems go to the sink with
 * row and column; the cell then reads as undefined so the row is skipped.
 */
export function createCountReader(file: string, sink: IngestSink) {
  const issue = issueFactory(file);
  return (
    cells: readonly string[],
    rowNumber: number,
    columnIndex: number,
    columnName: string,
  ): number | null | undefined => {
    const text = cells[columnIndex] ?? '';
    if (isPublishedGap(text)) return null;
    const value = parseNumberCell(text);
    if (value === null) return null;
    if (Number.isNaN(value)) {
      sink.issue(
        issue('NOT_A_NUMBER', rowNumber, columnIndex, `${columnName}: ${quote(text)} is not a number`),
      );
      return undefined;
    }
    if (value < 0) {
      sink.issue(
        issue(
          'NEGATIVE_COUNT',
          rowNumber,
          columnIndex,
          `${columnName}: ${quote(text)} is negative; counts cannot be below zero`,
        ),
      );
      return undefined;
    }
    if (!Number.isInteger(value)) {
      // Published figures are kept as published; a fractional count is flagged, not refused.
      sink.issue(
        issue(
          'NOT_A_WHOLE_NUMBER',
          rowNumber,
          columnIndex,
          `${columnName}: ${quote(text)} is not a whole number; kept as published`,
          'warning',
        ),
      );
    }
    return value;
  };
}

/** ODS-style organisation codes: 3 to 6 letters and digits (trusts `RXX`, sites `AD913`, ICBs `QMJ`). */
export function isOrganisationCode(text: string): boolean {
  return /^[A-Z0-9]{3,6}$/.test(text);
}
