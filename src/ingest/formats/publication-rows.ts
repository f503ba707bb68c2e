import type { Period } from '../../domain/period.ts';
import { MONTHS, monthPeriod } from '../../domain/period.ts';
import { isPublishedGap, issueFactory, quote, readNumberCell } from '../cells.ts';
import { isOrganisationCode } from '../count-reader.ts';
import type { IngestSink, ObservationColumns } from '../types.ts';

/**
 * Cell reading and observation writing shared by the formats of NHS England's other publications
 * (cancer, diagnostics, ambulance, staff survey, beds, ICB populations). Every problem goes to the
 * sink with its row and column; a cell that cannot be read reads as undefined so its row is skipped.
 */
export function createCellReader(file: string, sink: IngestSink) {
  const issue = issueFactory(file);
  return {
    issue,
    /**
     * A number cell: null for a published gap ("", "-", "*", "."), undefined (reported) for text
     * that is not a number or a negative figure where `negative` is refused (every count and average).
     */
    number(
      cells: readonly string[],
      rowNumber: number,
      column: number,
      name: string,
      options: { negative?: 'refuse' | 'allow'; whole?: boolean } = {},
    ): number | null | undefined {
      const text = cells[column] ?? '';
      if (isPublishedGap(text)) return null;
      const reading = readNumberCell(text, name);
      if ('problem' in reading) {
        sink.issue(issue(reading.problem.code, rowNumber, column, reading.problem.message));
        return undefined;
      }
      const value = reading.value;
      if (value === null) return null;
      if (value < 0 && options.negative !== 'allow') {
        sink.issue(
          issue(
            'NEGATIVE_COUNT',
            rowNumber,
            column,
            `${name}: ${quote(text)} is negative; this figure cannot be below zero`,
          ),
        );
        return undefined;
      }
      if (options.whole && !Number.isInteger(value)) {
        sink.issue(
          issue(
            'NOT_A_WHOLE_NUMBER',
            rowNumber,
            column,
            `${name}: ${quote(text)} is not a whole number; expected a whole number (a count)`,
          ),
        );
        return undefined;
      }
      return value;
    },
    /** An ODS organisation code, upper-cased; undefined (reported) when it is not one. */
    code(cells: readonly string[], rowNumber: number, column: number, name: string): string | undefined {
      const code = (cells[column] ?? '').trim().toUpperCase();
      if (isOrganisationCode(code)) return code;
      sink.issue(
        issue('BAD_CODE', rowNumber, column, `${name}: ${quote(code)} is not an ODS organisation code`),
      );
      return undefined;
    },
    /** A month given as `YYYY-MM` or `YYYY-MM-01` (or a workbook date at midnight); undefined (reported) otherwise. */
    month(cells: readonly string[], rowNumber: number, column: number, name: string): Period | undefined {
      const text = (cells[column] ?? '').trim();
      const match = /^(\d{4})-(\d{2})(?:-01(?:T00:00:00(?:\.000)?Z?)?)?$/.exec(text);
      const month = match ? Number(match[2]) : 0;
      if (match && month >= 1 && month <= 12) return monthPeriod(Number(match[1]), month);
      sink.issue(
        issue(
          'BAD_PERIOD',
          rowNumber,
          column,
          `${name}: ${quote(text)} is not a month (YYYY-MM or the first day of a month, YYYY-MM-01)`,
        ),
      );
      return undefined;
    },
  };
}

/** One figure to store: a value, and its numerator and denominator where the publication gives them. */
export interface Figure {
  orgCode: string;
  metricId: string;
  period: Period;
  value: number | null;
  numerator?: number | null;
  denominator?: number | null;
  rowNumber: number;
  columns?: ObservationColumns;
  detail?: Record<string, unknown> | null;
  /** Why the value is missing, when it is (kept in the detail; a gap is never a zero). */
  missingReason?: string;
}

/** Writes one figure as an observation: `reported` with a value, `missing` (with its reason) without. */
export function emitFigure(sink: IngestSink, figure: Figure): void {
  const missing = figure.value === null;
  sink.observation({
    orgCode: figure.orgCode,
    metricId: figure.metricId,
    periodStart: figure.period.start,
    periodEnd: figure.period.end,
    granularity: figure.period.granularity,
    value: figure.value,
    numerator: missing ? null : (figure.numerator ?? null),
    denominator: missing ? null : (figure.denominator ?? null),
    status: missing ? 'missing' : 'reported',
    note: null,
    detail:
      missing && figure.missingReason
        ? { ...figure.detail, reason: figure.missingReason }
        : (figure.detail ?? null),
    rowNumber: figure.rowNumber,
    columns: figure.columns,
  });
}

/** A percentage from a count within a total: none (undefined) for a total of zero. */
export function percentage(
  within: number | null,
  total: number | null,
): { value: number | null; numerator: number | null; denominator: number | null } | undefined {
  if (total === 0) return undefined;
  if (within === null || total === null) return { value: null, numerator: null, denominator: total };
  return { value: (100 * within) / total, numerator: within, denominator: total };
}

/** The month a label such as `DM01-MARCH-2026` names. */
export function parseLabelledMonth(text: string, prefix: string): Period | undefined {
  const match = new RegExp(`^${prefix}-([A-Z]+)-(\\d{4})$`, 'i').exec(text.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[1].toUpperCase()) + 1;
  return month === 0 ? undefined : monthPeriod(Number(match[2]), month);
}

/** The financial quarter (or, for 31 March before quarterly figures, the financial year) ending on a date. */
export function periodEndingOn(
  year: number,
  month: number,
  day: number,
  annual: boolean,
): Period | undefined {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day !== last || month % 3 !== 0) return undefined;
  const pad = (value: number) => String(value).padStart(2, '0');
  const end = `${year}-${pad(month)}-${pad(day)}`;
  if (annual) {
    if (month !== 3) return undefined;
    return { start: `${year - 1}-04-01`, end, granularity: 'year' };
  }
  return { start: `${year}-${pad(month - 2)}-01`, end, granularity: 'quarter' };
}
