import { monthPeriod, type Period } from '../../domain/period.ts';
import { cleanText, quote } from '../cells.ts';
import { headerHasAll, mapColumns, normaliseHeader } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, PeriodLimits, RecordParser } from '../types.ts';
import { createCellReader, emitFigure } from './publication-rows.ts';

/** AmbSYS began with the Ambulance Response Programme in August 2017. */
export const ambsysPeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2017, lagDays: 31 });

/** Response times: metric, the AmbSYS code, and the count of incidents in that category it needs. */
const RESPONSE_TIMES = [
  ['amb-c1-mean', 'A25', 'A8'],
  ['amb-c1-90th', 'A26', 'A8'],
  ['amb-c2-mean', 'A31', 'A10'],
  ['amb-c2-90th', 'A32', 'A10'],
  ['amb-c3-90th', 'A35', 'A11'],
  ['amb-c4-90th', 'A38', 'A12'],
] as const;

/** Counts whose trust rows must add up to the England row. */
const RECONCILED = ['A1', 'A7', 'A8', 'A10', 'A11', 'A12', 'A17', 'A53', 'A140', 'A146'] as const;

const REQUIRED = [
  'year',
  'month',
  'org_code',
  'A1',
  'A3',
  'A7',
  'A8',
  'A10',
  'A11',
  'A12',
  'A17',
  'A53',
  ...RESPONSE_TIMES.map(([, code]) => code),
] as const;
const OPTIONAL_NAMED = ['org_name', 'A140', 'A146'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL_NAMED)[number];

/**
 * The column names of NHS England's AmbSYS CSV edition ("Year, Month, Region, Org Code, Org Name,
 * A0 …", "." where a figure is not available) read as the workbook's Raw sheet names them
 * (`org_code`, `org_name`; its `Region` holds a region code, or a name for England and region rows).
 */
const CSV_EDITION_NAMES: Readonly<Record<string, string>> = {
  'org code': 'org_code',
  'org name': 'org_name',
  region: 'region_code',
};

function editionHeader(header: readonly string[]): string[] {
  return header.map((cell) => CSV_EDITION_NAMES[normaliseHeader(cell)] ?? cell);
}

/**
 * NHS England's AmbSYS time series (Ambulance Quality Indicators): one row per month × geography,
 * then every published indicator by its code (A0 … A148) — the columns of NHS England's AmbSYS CSV
 * edition (named as `CSV_EDITION_NAMES` says), and of the workbook's "Raw" sheet with its helper
 * columns left out. Rows for England (`ENG`)
 * and for regions with more than one trust (Y-codes) are not stored: the trusts' counts are checked
 * to add up to England's, and the regions are left to the trusts they hold.
 *
 * Times are published in seconds; response times are stored in minutes. The workbook shows 0 where
 * the CSV edition says "not available": a month with no incidents (the early months of 2017, when
 * only three trusts reported) has every figure missing, and a response time for a category with no
 * incidents is missing, never zero.
 */
export const ambsysFormat: ImportFormat = {
  id: 'nhse-ambsys',
  label: 'NHS England AmbSYS ambulance indicators (month × trust, A-codes)',
  publication: 'NHS England: Ambulance Quality Indicators, AmbSYS',
  hasHeader: true,
  periods: ambsysPeriodLimits,
  detect: (header) => headerHasAll(editionHeader(header), ['org_code', 'A7', 'A25', 'A31']),
  open(downloaded, context, sink) {
    const header = editionHeader(downloaded);
    // Every A-code the publication has is known; Tend reads the ones it keeps.
    const otherCodes = header.filter(
      (cell) =>
        /^A\d+$/i.test(cell.trim()) &&
        ![...REQUIRED, ...OPTIONAL_NAMED].some((name) => normaliseHeader(name) === normaliseHeader(cell)),
    );
    const meta = ['concatenated_key', 'financial_year', 'month_name', 'region_code', 'region_name'];
    const columns = mapColumns<string>(
      header,
      {
        required: REQUIRED,
        optional: [...OPTIONAL_NAMED, ...meta, ...otherCodes],
        unknownColumns: 'ignore-with-warning',
      },
      context.file,
      sink,
    );
    return columns ? createParser(columns as Record<Column, number>, context, sink) : undefined;
  },
};

function createParser(
  columns: Record<Column, number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  const trustSums = new Map<string, Map<string, number>>();
  const england = new Map<string, { values: Map<string, number | null>; row: number }>();
  let valid = true;
  const names = new Map<string, string>();
  return {
    row(cells, rowNumber) {
      const yearText = (cells[columns.year] ?? '').trim();
      const monthText = (cells[columns.month] ?? '').trim();
      const year = /^\d{4}$/.test(yearText) ? Number(yearText) : Number.NaN;
      const month = /^\d{1,2}$/.test(monthText) ? Number(monthText) : Number.NaN;
      let period: Period | undefined;
      if (Number.isNaN(year) || Number.isNaN(month) || month < 1 || month > 12) {
        sink.issue(
          read.issue(
            'BAD_PERIOD',
            rowNumber,
            Number.isNaN(year) ? columns.year : columns.month,
            `year and month: ${quote(`${yearText}-${monthText}`)} is not a calendar year and month (2024, 1 to 12)`,
          ),
        );
        valid = false;
      } else period = monthPeriod(year, month);
      const code = (cells[columns.org_code] ?? '').trim().toUpperCase();
      const isEngland = code === 'ENG';
      const isRegion = /^Y\d{2}$/.test(code);
      const orgCode =
        isEngland || isRegion ? code : read.code(cells, rowNumber, columns.org_code, 'org_code');
      const values = new Map<string, number | null>();
      for (const name of [...REQUIRED.slice(3), ...OPTIONAL_NAMED.slice(1)] as Column[]) {
        if (columns[name] === undefined) continue;
        const value = read.number(cells, rowNumber, columns[name], name);
        if (value === undefined) valid = false;
        else values.set(name, value);
      }
      if (!period || !orgCode || values.size < REQUIRED.length - 3) {
        valid = false;
        return;
      }
      const key = period.start;
      if (isEngland) {
        england.set(key, { values, row: rowNumber });
        return;
      }
      if (isRegion) return;
      const sums = trustSums.get(key) ?? new Map<string, number>();
      trustSums.set(key, sums);
      for (const name of RECONCILED) sums.set(name, (sums.get(name) ?? 0) + (values.get(name) ?? 0));
      const name = cleanText(cells[columns.org_name] ?? '');
      if (name) names.set(orgCode, name);
      else if (!names.has(orgCode)) names.set(orgCode, orgCode);

      const incidents = values.get('A7') ?? null;
      const base = { orgCode, period, rowNumber };
      const notReported = incidents === null || incidents === 0;
      const reason =
        'no incidents recorded this month: not reported (the workbook shows 0 for not available)';
      const figure = (
        metricId: string,
        value: number | null,
        column: Column,
        missing: boolean,
        why = reason,
      ) =>
        emitFigure(sink, {
          ...base,
          metricId,
          value: missing ? null : value,
          columns: { period: columns.year, value: columns[column] },
          missingReason: missing ? why : undefined,
        });
      const share = (metricId: string, part: Column, whole: Column) => {
        const numerator = values.get(part) ?? null;
        const denominator = values.get(whole) ?? null;
        if (columns[part] === undefined || columns[whole] === undefined) return;
        if (denominator === null || denominator === 0 || numerator === null) {
          if (whole === 'A140' && (denominator === null || denominator === 0)) return; // handovers published from October 2023
          figure(metricId, null, part, true, denominator ? `${part} not published` : reason);
          return;
        }
        if (numerator > denominator) {
          sink.issue(
            read.issue(
              'NUMERATOR_ABOVE_DENOMINATOR',
              rowNumber,
              columns[part],
              `${part}: ${numerator} is more than ${whole} (${denominator})`,
            ),
          );
          valid = false;
          return;
        }
        emitFigure(sink, {
          ...base,
          metricId,
          value: (100 * numerator) / denominator,
          numerator,
          denominator,
          columns: { period: columns.year, numerator: columns[part], denominator: columns[whole] },
        });
      };
      figure('amb-incidents', incidents, 'A7', notReported);
      const answerTime = values.get('A3') ?? null;
      figure('amb-call-answer-mean', answerTime, 'A3', notReported || !values.get('A1'));
      for (const [metricId, code, category] of RESPONSE_TIMES) {
        const seconds = values.get(code) ?? null;
        const none = !values.get(category);
        figure(
          metricId,
          seconds === null ? null : seconds / 60,
          code,
          notReported || none || seconds === null,
          notReported
            ? reason
            : `no incidents in this category (${category} is ${values.get(category) ?? 'empty'})`,
        );
      }
      if (notReported) return;
      share('amb-hear-and-treat', 'A17', 'A7');
      share('amb-conveyed-ed', 'A53', 'A7');
      share('amb-handover-over-60', 'A146', 'A140');
    },
    finish() {
      for (const [code, name] of names) sink.organisation({ code, name, kind: 'trust', authority: 'fill' });
      if (!valid) return;
      for (const [month, total] of england) {
        const sums = trustSums.get(month);
        if (!sums) continue;
        for (const name of RECONCILED) {
          const published = total.values.get(name);
          if (published == null || columns[name] === undefined) continue;
          const sum = sums.get(name) ?? 0;
          if (Math.abs(sum - published) > 1e-6)
            sink.issue(
              read.issue(
                'TOTAL_MISMATCH',
                total.row,
                columns[name],
                `${name}: the trusts add up to ${sum} but the England row says ${published}`,
              ),
            );
        }
      }
    },
  };
}
