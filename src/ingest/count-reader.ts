import { isPublishedGap, issueFactory, quote, readNumberCell } from './cells.ts';
import type { IngestSink } from './types.ts';

/**
 * A count a publication printed that Tend cannot take as a figure but will not refuse the file for
 * (a known quirk of the publication): kept as a data question — stored as missing, with the
 * published figure and the question beside it, never charted.
 */
export interface QuestionedCount {
  readonly published: number;
  readonly question: string;
}

export type CountCell = number | null | QuestionedCount;

export function isQuestioned(count: CountCell | undefined): count is QuestionedCount {
  return typeof count === 'object' && count !== null;
}

/**
 * Reads count cells (attendances, admissions, waits) for one file: whole, non-negative numbers
 * within what Tend holds. A published gap ("", "-", "N/A") is null — missing, never zero. Problems
 * go to the sink with row and column; the cell then reads as undefined so the row is skipped.
 *
 * A fractional count is an error, unless `fractions` is `'question'` (a publication known to
 * print one): then it is a warning and the count a data question.
 */
export function createCountReader(
  file: string,
  sink: IngestSink,
  options: { fractions?: 'error' | 'question' } = {},
) {
  const issue = issueFactory(file);
  return (
    cells: readonly string[],
    rowNumber: number,
    columnIndex: number,
    columnName: string,
  ): CountCell | undefined => {
    const text = cells[columnIndex] ?? '';
    if (isPublishedGap(text)) return null;
    const reading = readNumberCell(text, columnName);
    if ('problem' in reading) {
      sink.issue(issue(reading.problem.code, rowNumber, columnIndex, reading.problem.message));
      return undefined;
    }
    const value = reading.value;
    if (value === null) return null;
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
      if (options.fractions === 'question') {
        sink.issue(
          issue(
            'NOT_A_WHOLE_NUMBER',
            rowNumber,
            columnIndex,
            `${columnName}: ${quote(text)} is not a whole number; kept as a data question, not charted`,
            'warning',
          ),
        );
        return {
          published: value,
          question: `${columnName} was published as ${text.trim()}, not a whole number`,
        };
      }
      sink.issue(
        issue(
          'NOT_A_WHOLE_NUMBER',
          rowNumber,
          columnIndex,
          `${columnName}: ${quote(text)} is not a whole number; expected a whole number (a count)`,
        ),
      );
      return undefined;
    }
    return value;
  };
}

/** ODS-style organisation codes: 3 to 6 letters and digits (trusts `RXX`, sites `AD913`, ICBs `QMJ`). */
export function isOrganisationCode(text: string): boolean {
  return /^[A-Z0-9]{3,6}$/.test(text);
}
