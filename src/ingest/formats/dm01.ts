import { monthPeriod, type Period } from '../../domain/period.ts';
import { cleanText, quote, titleCaseName } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, PeriodLimits, RecordParser } from '../types.ts';
import { providerKind } from './ae-observations.ts';
import { createCellReader, emitFigure, parseLabelledMonth, percentage } from './publication-rows.ts';

/** DM01 began in 2006; a month is published about six weeks after it ends. */
export const dm01PeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2006, lagDays: 31 });

/** One provider-month of DM01 figures. */
interface Dm01Counts {
  waitingList: number | null;
  sixWeeks: number | null;
  thirteenWeeks: number | null;
  activity: number | null;
}

interface Dm01Columns {
  period: number;
  waitingList: number;
  sixWeeks: number;
  thirteenWeeks: number;
  activity: number;
}

function emitDm01(
  sink: IngestSink,
  orgCode: string,
  name: string,
  period: Period,
  counts: Dm01Counts,
  rowNumber: number,
  columns: Dm01Columns,
) {
  sink.organisation({ code: orgCode, name: name || orgCode, kind: providerKind(orgCode), authority: 'fill' });
  const at = (value: number) => ({ period: columns.period, value });
  const base = { orgCode, period, rowNumber };
  emitFigure(sink, {
    ...base,
    metricId: 'dm01-waiting-list',
    value: counts.waitingList,
    columns: at(columns.waitingList),
  });
  emitFigure(sink, {
    ...base,
    metricId: 'dm01-13wk',
    value: counts.thirteenWeeks,
    columns: at(columns.thirteenWeeks),
  });
  emitFigure(sink, {
    ...base,
    metricId: 'dm01-activity',
    value: counts.activity,
    columns: at(columns.activity),
  });
  const share = percentage(counts.sixWeeks, counts.waitingList);
  if (share)
    emitFigure(sink, {
      ...base,
      metricId: 'dm01-6wk',
      ...share,
      columns: { period: columns.period, numerator: columns.sixWeeks, denominator: columns.waitingList },
    });
}

/** Checks the counts of one row against each other: the waits within the list, the bands adding up. */
function checkWaits(
  sink: IngestSink,
  read: ReturnType<typeof createCellReader>,
  rowNumber: number,
  counts: Dm01Counts,
  columns: Dm01Columns,
  bands: { sum: number; column: number } | undefined,
): boolean {
  const { waitingList, sixWeeks, thirteenWeeks } = counts;
  if (waitingList !== null && sixWeeks !== null && sixWeeks > waitingList) {
    sink.issue(
      read.issue(
        'NUMERATOR_ABOVE_DENOMINATOR',
        rowNumber,
        columns.sixWeeks,
        `${sixWeeks} waiting 6 weeks or more is more than the waiting list of ${waitingList}`,
      ),
    );
    return false;
  }
  if (sixWeeks !== null && thirteenWeeks !== null && thirteenWeeks > sixWeeks) {
    sink.issue(
      read.issue(
        'NUMERATOR_ABOVE_DENOMINATOR',
        rowNumber,
        columns.thirteenWeeks,
        `${thirteenWeeks} waiting 13 weeks or more is more than the ${sixWeeks} waiting 6 weeks or more`,
      ),
    );
    return false;
  }
  if (bands && waitingList !== null && bands.sum !== waitingList) {
    sink.issue(
      read.issue(
        'TOTAL_MISMATCH',
        rowNumber,
        columns.waitingList,
        `the weekly bands add up to ${bands.sum} but the waiting list is ${waitingList}`,
      ),
    );
    return false;
  }
  return true;
}

const WEEK_BANDS = [
  '0 <01 weeks',
  '01 <02 weeks',
  '02 <03 weeks',
  '03 <04 weeks',
  '04 <05 weeks',
  '05 <06 weeks',
  '06 <07 weeks',
  '07 <08 weeks',
  '08 <09 weeks',
  '09 <10 weeks',
  '10 <11 weeks',
  '11 <12 weeks',
  '12 <13 weeks',
  '13+ weeks',
] as const;
const MONTHLY_COLUMNS = [
  'period',
  'Provider Code',
  'Provider Name',
  'Total Waiting List',
  'Number waiting 6+ Weeks',
  'Number waiting 13+ Weeks',
  'Planned tests / procedures',
  'Unscheduled tests / procedures',
  'Waiting list tests / procedures (excluding planned)',
] as const;
const MONTHLY_OPTIONAL = [
  'Regional Team Code',
  'Regional Team Name',
  'Percentage waiting 6+ weeks',
  ...WEEK_BANDS,
] as const;

/**
 * NHS England's monthly DM01 provider web file, sheet "Provider", one row per provider, the months
 * stacked with a `period` column (YYYY-MM-01) — how the monthly files are kept together; the
 * national Total row left out. Waiting list, 6+ and 13+ week waits and the month's tests, checked
 * against each other and the weekly bands.
 */
export const dm01ProviderFormat: ImportFormat = {
  id: 'nhse-dm01-provider',
  label: 'NHS England DM01 diagnostics by provider (provider × month)',
  publication: 'NHS England: Monthly Diagnostics Waiting Times and Activity, provider web file',
  hasHeader: true,
  periods: dm01PeriodLimits,
  detect: (header) =>
    headerHasAll(header, ['period', 'Provider Code', 'Total Waiting List', 'Number waiting 6+ Weeks']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: MONTHLY_COLUMNS, optional: MONTHLY_OPTIONAL, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createMonthlyParser(columns, context, sink) : undefined;
  },
};

/** The counts a provider web file's national Total row is checked against. */
const TOTALLED = ['Total Waiting List', 'Number waiting 6+ Weeks', 'Number waiting 13+ Weeks'] as const;

/** Adds up the providers' counts; the sheet layout checks them against its Total row. */
type Totaller = (counts: Record<(typeof TOTALLED)[number], number | null>) => void;

function createMonthlyParser(
  columns: Record<(typeof MONTHLY_COLUMNS)[number] | (typeof MONTHLY_OPTIONAL)[number], number>,
  context: ParseContext,
  sink: IngestSink,
  sheet?: { period: Period; periodRow: number; periodColumn: number; add: Totaller },
): RecordParser {
  const read = createCellReader(context.file, sink);
  const where: Dm01Columns = {
    period: sheet ? sheet.periodColumn : columns.period,
    waitingList: columns['Total Waiting List'],
    sixWeeks: columns['Number waiting 6+ Weeks'],
    thirteenWeeks: columns['Number waiting 13+ Weeks'],
    activity: columns['Waiting list tests / procedures (excluding planned)'],
  };
  const count = (
    cells: readonly string[],
    row: number,
    name: (typeof MONTHLY_COLUMNS)[number] | (typeof WEEK_BANDS)[number],
  ) => read.number(cells, row, columns[name], name, { whole: true });
  return {
    row(cells, rowNumber) {
      const period = sheet ? sheet.period : read.month(cells, rowNumber, columns.period, 'period');
      const orgCode = read.code(cells, rowNumber, columns['Provider Code'], 'Provider Code');
      const waitingList = count(cells, rowNumber, 'Total Waiting List');
      const sixWeeks = count(cells, rowNumber, 'Number waiting 6+ Weeks');
      const thirteenWeeks = count(cells, rowNumber, 'Number waiting 13+ Weeks');
      const activityParts = [
        count(cells, rowNumber, 'Waiting list tests / procedures (excluding planned)'),
        count(cells, rowNumber, 'Planned tests / procedures'),
        count(cells, rowNumber, 'Unscheduled tests / procedures'),
      ];
      let bandSum = 0;
      let bandsValid = WEEK_BANDS.every((band) => columns[band] !== undefined);
      if (bandsValid)
        for (const band of WEEK_BANDS) {
          const value = count(cells, rowNumber, band);
          if (value === undefined) return;
          if (value === null) bandsValid = false;
          else bandSum += value;
        }
      if (
        !period ||
        !orgCode ||
        waitingList === undefined ||
        sixWeeks === undefined ||
        thirteenWeeks === undefined ||
        activityParts.includes(undefined)
      )
        return;
      const activity = activityParts.includes(null)
        ? null
        : (activityParts as number[]).reduce((sum, value) => sum + value, 0);
      const counts = { waitingList, sixWeeks, thirteenWeeks, activity };
      const bands = bandsValid ? { sum: bandSum, column: columns['13+ weeks'] } : undefined;
      if (!checkWaits(sink, read, rowNumber, counts, where, bands)) return;
      const name = cleanText(cells[columns['Provider Name']] ?? '');
      sheet?.add({
        'Total Waiting List': waitingList,
        'Number waiting 6+ Weeks': sixWeeks,
        'Number waiting 13+ Weeks': thirteenWeeks,
      });
      emitDm01(sink, orgCode, name, period, counts, rowNumber, where);
    },
    finish() {},
  };
}

/**
 * The "Provider" sheet of NHS England's monthly DM01 provider web file as published (`Monthly-
 * Diagnostics-Web-File-Provider-<Month>-<Year>`), as an .xlsx or saved as CSV: a block of labels
 * ("Title:", "Period:", "Source:" …) with the month in words beside "Period:", then the header
 * ("Regional Team Code", "Provider Code", …), the England "Total" row and one row per provider.
 * The providers must add up to the Total row, which is not stored. (The published file is an
 * Excel 97–2003 workbook: save its Provider sheet as .xlsx or CSV to import it.)
 */
export const dm01ProviderSheetFormat: ImportFormat = {
  id: 'nhse-dm01-provider-sheet',
  label: 'NHS England DM01 provider web file, Provider sheet',
  publication: 'NHS England: Monthly Diagnostics Waiting Times and Activity, provider web file',
  hasHeader: true,
  periods: dm01PeriodLimits,
  detect: (first) => {
    const cells = first.map(cleanText);
    const at = cells.indexOf('Title:');
    return at !== -1 && at <= 1 && (cells[at + 1] ?? '').toLowerCase() === 'monthly diagnostics';
  },
  open(_first, context, sink) {
    return createSheetParser(context, sink);
  },
};

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function createSheetParser(context: ParseContext, outer: IngestSink): RecordParser {
  // A sheet with a bad row is not checked against its Total row: the sums would only add noise.
  let rowProblems = false;
  const sink: IngestSink = {
    ...outer,
    issue(found) {
      if (found.severity === 'error') rowProblems = true;
      outer.issue(found);
    },
  };
  const read = createCellReader(context.file, sink);
  let period: { period: Period; row: number; column: number } | undefined;
  let parser: RecordParser | undefined;
  let headerSeen = false;
  let total: { row: number; values: Map<string, number | null>; columns: Record<string, number> } | undefined;
  const sums = new Map<string, number>(TOTALLED.map((name) => [name, 0]));
  return {
    row(cells, rowNumber) {
      const clean = cells.map(cleanText);
      if (!headerSeen) {
        const label = clean.indexOf('Period:');
        if (label !== -1) {
          const text = clean[label + 1] ?? '';
          const match = /^([A-Za-z]+) (\d{4})$/.exec(text);
          const month = match ? MONTHS.indexOf(match[1].toLowerCase()) + 1 : 0;
          if (!match || month === 0)
            sink.issue(
              read.issue(
                'BAD_PERIOD',
                rowNumber,
                label + 1,
                `Period: ${quote(text)} is not a month like July 2025`,
              ),
            );
          else period = { period: monthPeriod(Number(match[2]), month), row: rowNumber, column: label + 1 };
          return;
        }
        if (!clean.includes('Provider Code')) return; // the other labels above the header
        headerSeen = true;
        if (!period) {
          sink.issue(
            read.issue(
              'BAD_PERIOD',
              rowNumber,
              null,
              'no "Period:" row above the header says which month this is',
            ),
          );
          return;
        }
        const found = mapColumns(
          cells,
          {
            required: MONTHLY_COLUMNS.filter((name) => name !== 'period'),
            optional: MONTHLY_OPTIONAL,
            unknownColumns: 'ignore-with-warning',
          },
          context.file,
          sink,
          rowNumber,
        );
        // The month is the "Period:" cell's, not a column's.
        const columns = found && { ...found, period: period.column };
        if (!columns) return;
        const at = period;
        parser = createMonthlyParser(columns, context, sink, {
          period: at.period,
          periodRow: at.row,
          periodColumn: at.column,
          add: (counts) => {
            for (const name of TOTALLED) sums.set(name, (sums.get(name) ?? 0) + (counts[name] ?? 0));
          },
        });
        total = { row: 0, values: new Map(), columns };
        return;
      }
      if (!parser || !total) return;
      const columns = total.columns;
      if (clean[columns['Provider Name']] === 'Total' && clean[columns['Provider Code']] === '') {
        total.row = rowNumber;
        for (const name of TOTALLED) {
          const value = read.number(cells, rowNumber, columns[name], name, { whole: true });
          total.values.set(name, value ?? null);
        }
        return;
      }
      parser.row(cells, rowNumber);
    },
    finish() {
      if (!headerSeen) {
        sink.issue(read.issue('MISSING_COLUMN', null, null, 'no header row with "Provider Code" was found'));
        return;
      }
      if (!total || rowProblems) return;
      if (total.row === 0) {
        sink.issue(
          read.issue(
            'TOTAL_MISMATCH',
            null,
            null,
            'no Total row: the providers could not be checked against England',
            'warning',
          ),
        );
        return;
      }
      for (const name of TOTALLED) {
        const published = total.values.get(name);
        const sum = sums.get(name) ?? 0;
        if (published != null && published !== sum)
          sink.issue(
            read.issue(
              'TOTAL_MISMATCH',
              total.row,
              total.columns[name],
              `${name}: the providers add up to ${sum} but the Total row says ${published}`,
            ),
          );
      }
    },
  };
}

const EXTRACT_BANDS = [
  '00 < 01 Week',
  '01 < 02 Weeks',
  '02 < 03 Weeks',
  '03 < 04 Weeks',
  '04 < 05 Weeks',
  '05 < 06 Weeks',
  '06 < 07 Weeks',
  '07 < 08 Weeks',
  '08 < 09 Weeks',
  '09 < 10 Weeks',
  '10 < 11 Weeks',
  '11 < 12 Weeks',
  '12 < 13 Weeks',
  '13+ Weeks',
] as const;
const EXTRACT_COLUMNS = [
  'Provider Org Code',
  'Provider Org Name',
  ...EXTRACT_BANDS,
  'Total WL',
  'Waiting List Activity',
  'Planned Activity',
  'Unscheduled Activity',
] as const;
const EXTRACT_OPTIONAL = [
  'Period',
  'period_label',
  'Provider Parent Org Code',
  'Provider Parent Name',
  'Commissioner Parent Org Code',
  'Commissioner Parent Name',
  'Commissioner Org Code',
  'Commissioner Org Name',
  'Diagnostic Tests Sort Order',
  'Diagnostic Tests',
  'Total Activity',
  'Waiting 6+ weeks',
  'pct_6plus',
] as const;

interface ExtractTally {
  name: string;
  bands: number[];
  waitingList: number;
  activity: number;
  firstRow: number;
}

/**
 * NHS England's DM01 full extract (from 2026: `DM01-<MONTH>-<YEAR>-full-extract.csv`, in the ZIP
 * archive as downloaded or taken out of it), one row per provider × commissioner × test with a TOTAL
 * test row for each; Tend adds
 * the TOTAL rows over commissioners into provider figures and checks each TOTAL against the tests
 * above it. The same format without the `Diagnostic Tests` column (provider totals already added,
 * `period_label` for `Period`) is read as one row per provider.
 */
export const dm01FullExtractFormat: ImportFormat = {
  id: 'nhse-dm01-full-extract',
  label: 'NHS England DM01 full extract (provider × commissioner × test, or provider totals)',
  publication: 'NHS England: Monthly Diagnostics Waiting Times and Activity, full extract',
  hasHeader: true,
  periods: dm01PeriodLimits,
  detect: (header) =>
    headerHasAll(header, ['Provider Org Code', 'Total WL', '00 < 01 Week', 'Planned Activity']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: EXTRACT_COLUMNS, optional: EXTRACT_OPTIONAL, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    if (!columns) return undefined;
    const periodColumn = columns.Period ?? columns.period_label;
    if (periodColumn === undefined) {
      sink.issue(
        createCellReader(context.file, sink).issue('MISSING_COLUMN', 1, null, 'missing column "Period"'),
      );
      return undefined;
    }
    return createExtractParser(columns, periodColumn, context, sink);
  },
};

function createExtractParser(
  columns: Record<(typeof EXTRACT_COLUMNS)[number] | (typeof EXTRACT_OPTIONAL)[number], number>,
  periodColumn: number,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  const byTest = columns['Diagnostic Tests'] !== undefined;
  const providers = new Map<string, ExtractTally>();
  /** The tests of the current provider × commissioner, added up, to check its TOTAL row against. */
  let group: { key: string; bands: number[]; activity: number } | undefined;
  let filePeriod: { period: Period; text: string; row: number } | undefined;
  let valid = true;
  const where: Dm01Columns = {
    period: periodColumn,
    waitingList: columns['Total WL'],
    sixWeeks: columns['Total WL'],
    thirteenWeeks: columns['13+ Weeks'],
    activity: columns['Waiting List Activity'],
  };
  return {
    row(cells, rowNumber) {
      const text = (cells[periodColumn] ?? '').trim();
      const period = parseLabelledMonth(text, 'DM01');
      if (!period) {
        sink.issue(
          read.issue(
            'BAD_PERIOD',
            rowNumber,
            periodColumn,
            `Period: ${quote(text)} is not a period like DM01-MARCH-2026`,
          ),
        );
        valid = false;
      } else if (!filePeriod) filePeriod = { period, text, row: rowNumber };
      else if (filePeriod.period.start !== period.start) {
        sink.issue(
          read.issue(
            'MIXED_PERIODS',
            rowNumber,
            periodColumn,
            `Period: ${quote(text)} differs from ${quote(filePeriod.text)} on row ${filePeriod.row}; an extract holds one month`,
          ),
        );
        valid = false;
      }
      const orgCode = read.code(cells, rowNumber, columns['Provider Org Code'], 'Provider Org Code');
      const bands = EXTRACT_BANDS.map((band) =>
        read.number(cells, rowNumber, columns[band], band, { whole: true }),
      );
      const waitingList = read.number(cells, rowNumber, columns['Total WL'], 'Total WL', { whole: true });
      const activityParts = (
        ['Waiting List Activity', 'Planned Activity', 'Unscheduled Activity'] as const
      ).map((name) => read.number(cells, rowNumber, columns[name], name, { whole: true }));
      if (
        !orgCode ||
        bands.includes(undefined) ||
        waitingList === undefined ||
        activityParts.includes(undefined)
      ) {
        valid = false;
        return;
      }
      const bandValues = bands.map((value) => value ?? 0);
      const list = waitingList ?? 0;
      const activity = activityParts.reduce<number>((sum, value) => sum + (value ?? 0), 0);
      const bandSum = bandValues.reduce((sum, value) => sum + value, 0);
      if (bandSum !== list) {
        sink.issue(
          read.issue(
            'TOTAL_MISMATCH',
            rowNumber,
            columns['Total WL'],
            `Total WL: the weekly bands add up to ${bandSum} but Total WL is ${list}`,
          ),
        );
        valid = false;
        return;
      }
      if (byTest) {
        const test = (cells[columns['Diagnostic Tests']] ?? '').trim().toUpperCase();
        const key = `${orgCode}|${(cells[columns['Commissioner Org Code']] ?? '').trim()}`;
        if (test !== 'TOTAL') {
          if (group?.key !== key) group = { key, bands: bandValues.map(() => 0), activity: 0 };
          bandValues.forEach((value, index) => {
            (group as { bands: number[] }).bands[index] += value;
          });
          group.activity += activity;
          return;
        }
        if (
          !group ||
          group.key !== key ||
          group.bands.some((value, index) => value !== bandValues[index]) ||
          group.activity !== activity
        ) {
          sink.issue(
            read.issue(
              'TOTAL_MISMATCH',
              rowNumber,
              columns['Diagnostic Tests'],
              `the TOTAL row for ${orgCode} does not equal the sum of the tests above it`,
            ),
          );
          valid = false;
        }
        group = undefined;
      }
      const name = titleCaseName(cells[columns['Provider Org Name']] ?? '');
      const tally = providers.get(orgCode);
      if (tally) {
        bandValues.forEach((value, index) => {
          tally.bands[index] += value;
        });
        tally.waitingList += list;
        tally.activity += activity;
      } else
        providers.set(orgCode, { name, bands: bandValues, waitingList: list, activity, firstRow: rowNumber });
    },
    finish() {
      if (!valid || !filePeriod) return;
      for (const [orgCode, tally] of providers) {
        const sixWeeks = tally.bands.slice(6).reduce((sum, value) => sum + value, 0);
        emitDm01(
          sink,
          orgCode,
          tally.name,
          filePeriod.period,
          {
            waitingList: tally.waitingList,
            sixWeeks,
            thirteenWeeks: tally.bands[13],
            activity: tally.activity,
          },
          tally.firstRow,
          where,
        );
      }
    },
  };
}
