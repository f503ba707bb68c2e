import type { Period } from '../../domain/period.ts';
import { kh03Sectors } from '../../domain/publication-metrics.ts';
import { cleanText, quote } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, PeriodLimits, RecordParser } from '../types.ts';
import { providerKind } from './ae-observations.ts';
import { createCellReader, emitFigure, periodEndingOn } from './publication-rows.ts';

/** KH03 overnight beds: annual figures from 2000/01, quarterly from 2010/11; published about two months after a quarter. */
export const kh03PeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2000, lagDays: 31 });

function sectorId(text: string): string | undefined {
  const wanted = cleanText(text).toLowerCase();
  return kh03Sectors.find((sector) => sector.label.toLowerCase() === wanted)?.id;
}

function sectorProblem(
  read: ReturnType<typeof createCellReader>,
  rowNumber: number,
  column: number,
  text: string,
) {
  return read.issue(
    'BAD_CODE',
    rowNumber,
    column,
    `sector: ${quote(cleanText(text))} is not one of ${kh03Sectors.map((sector) => sector.label).join(', ')}`,
  );
}

/**
 * The period a KH03 snapshot date stands for: 31 March up to 2010 is a financial year (the annual
 * collection), any other quarter end the financial quarter it closes.
 */
function snapshotPeriod(year: number, month: number, day: number): Period | undefined {
  return periodEndingOn(year, month, day, month === 3 && year <= 2010);
}

const TIME_SERIES = ['Organisation_Code', 'Sector', 'Number_Of_Beds', 'Effective_Snapshot_Date'] as const;

/**
 * NHS England's KH03 time-series CSVs as downloaded, `KH03-Available-Overnight-only.csv` and
 * `KH03-Occupied-Overnight-only.csv`: one row per organisation × sector × snapshot date
 * (dd/mm/yyyy, a quarter's end), the average daily number of beds. The two files have the same
 * columns, so the file's name says which figure it holds ("Available" or "Occupied"). Numbers may
 * carry thousands separators ("1,508"); an empty count (the 2001 rows) is missing, never zero.
 */
export const kh03TimeSeriesFormat: ImportFormat = {
  id: 'nhse-kh03-time-series',
  label: 'NHS England KH03 overnight beds time series (Available or Occupied CSV)',
  publication: 'NHS England: Bed Availability and Occupancy, KH03 overnight time series',
  hasHeader: true,
  periods: kh03PeriodLimits,
  detect: (header) => headerHasAll(header, TIME_SERIES),
  open(header, context, sink) {
    const read = createCellReader(context.file, sink);
    const name = context.file.split(/[\\/]/).pop()?.toLowerCase() ?? '';
    const figure = name.includes('occupied')
      ? 'occupied'
      : name.includes('available')
        ? 'available'
        : undefined;
    if (!figure) {
      sink.issue(
        read.issue(
          'UNKNOWN_FORMAT',
          null,
          null,
          'a KH03 time-series file says whether it holds beds available or occupied only in its name; keep NHS England’s name (…Available… or …Occupied…)',
        ),
      );
      return undefined;
    }
    const columns = mapColumns(
      header,
      { required: TIME_SERIES, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createTimeSeriesParser(columns, figure, context, sink) : undefined;
  },
};

function createTimeSeriesParser(
  columns: Record<(typeof TIME_SERIES)[number], number>,
  figure: 'available' | 'occupied',
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  const codes = new Set<string>();
  return {
    row(cells, rowNumber) {
      const codeText = (cells[columns.Organisation_Code] ?? '').trim();
      if (/^\d(\.\d+)?E\+\d+$/i.test(codeText)) {
        // The published file holds a few old primary care trust codes (such as 5E4) that a
        // spreadsheet turned into numbers; the code cannot be read back for certain.
        sink.issue(
          read.issue(
            'BAD_CODE',
            rowNumber,
            columns.Organisation_Code,
            `Organisation_Code: ${quote(codeText)} is a code a spreadsheet turned into a number, as published; the row is left out`,
            'warning',
          ),
        );
        return;
      }
      const orgCode = read.code(cells, rowNumber, columns.Organisation_Code, 'Organisation_Code');
      const sectorText = cells[columns.Sector] ?? '';
      const sector = sectorId(sectorText);
      if (!sector) sink.issue(sectorProblem(read, rowNumber, columns.Sector, sectorText));
      const dateText = (cells[columns.Effective_Snapshot_Date] ?? '').trim();
      const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dateText);
      const period = match ? snapshotPeriod(Number(match[3]), Number(match[2]), Number(match[1])) : undefined;
      if (!period)
        sink.issue(
          read.issue(
            'BAD_DATE',
            rowNumber,
            columns.Effective_Snapshot_Date,
            `Effective_Snapshot_Date: ${quote(dateText)} is not the last day of a quarter (dd/mm/yyyy)`,
          ),
        );
      // The 2001 rows print NULL where there is no figure: missing, never zero.
      const bedsText = (cells[columns.Number_Of_Beds] ?? '').trim();
      const beds =
        bedsText.toUpperCase() === 'NULL'
          ? null
          : read.number(cells, rowNumber, columns.Number_Of_Beds, 'Number_Of_Beds');
      if (!orgCode || !sector || !period || beds === undefined) return;
      codes.add(orgCode);
      emitFigure(sink, {
        orgCode,
        metricId: `kh03-${sector}-${figure}`,
        period,
        value: beds,
        rowNumber,
        columns: { period: columns.Effective_Snapshot_Date, value: columns.Number_Of_Beds },
        missingReason: 'not published for this organisation and date',
      });
    },
    finish() {
      for (const code of codes)
        sink.organisation({ code, name: code, kind: providerKind(code), authority: 'fill' });
    },
  };
}

const BY_TRUST = ['org_code', 'sector', 'quarter_end', 'beds_available', 'beds_occupied'] as const;

/**
 * KH03 beds by trust and sector from the quarterly workbooks (sheet "NHS Trust by Sector"), both
 * figures on one row: `org_code`, `sector`, `quarter_end` (YYYY-MM-DD), `beds_available`,
 * `beds_occupied`. Gives occupancy too: occupied as a percentage of available.
 */
export const kh03ByTrustFormat: ImportFormat = {
  id: 'nhse-kh03-by-trust',
  label: 'NHS England KH03 beds by trust and sector (available and occupied)',
  publication: 'NHS England: Bed Availability and Occupancy, KH03 overnight, by trust and sector',
  hasHeader: true,
  periods: kh03PeriodLimits,
  detect: (header) => headerHasAll(header, ['org_code', 'sector', 'beds_available', 'beds_occupied']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: BY_TRUST, optional: ['source'], unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createByTrustParser(columns, context, sink) : undefined;
  },
};

function createByTrustParser(
  columns: Record<(typeof BY_TRUST)[number], number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  const codes = new Set<string>();
  return {
    row(cells, rowNumber) {
      const orgCode = read.code(cells, rowNumber, columns.org_code, 'org_code');
      const sectorText = cells[columns.sector] ?? '';
      const sector = sectorId(sectorText);
      if (!sector) sink.issue(sectorProblem(read, rowNumber, columns.sector, sectorText));
      const dateText = (cells[columns.quarter_end] ?? '').trim();
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateText);
      const period = match
        ? periodEndingOn(Number(match[1]), Number(match[2]), Number(match[3]), false)
        : undefined;
      if (!period)
        sink.issue(
          read.issue(
            'BAD_DATE',
            rowNumber,
            columns.quarter_end,
            `quarter_end: ${quote(dateText)} is not the last day of a quarter (YYYY-MM-DD)`,
          ),
        );
      const available = read.number(cells, rowNumber, columns.beds_available, 'beds_available');
      const occupied = read.number(cells, rowNumber, columns.beds_occupied, 'beds_occupied');
      if (!orgCode || !sector || !period || available === undefined || occupied === undefined) return;
      codes.add(orgCode);
      const base = { orgCode, period, rowNumber, missingReason: 'not published' };
      emitFigure(sink, {
        ...base,
        metricId: `kh03-${sector}-available`,
        value: available,
        columns: { period: columns.quarter_end, value: columns.beds_available },
      });
      emitFigure(sink, {
        ...base,
        metricId: `kh03-${sector}-occupied`,
        value: occupied,
        columns: { period: columns.quarter_end, value: columns.beds_occupied },
      });
      if (available && occupied !== null)
        emitFigure(sink, {
          ...base,
          metricId: `kh03-${sector}-occupancy`,
          value: (100 * occupied) / available,
          numerator: occupied,
          denominator: available,
          columns: {
            period: columns.quarter_end,
            numerator: columns.beds_occupied,
            denominator: columns.beds_available,
          },
        });
    },
    finish() {
      for (const code of codes)
        sink.organisation({ code, name: code, kind: providerKind(code), authority: 'fill' });
    },
  };
}
