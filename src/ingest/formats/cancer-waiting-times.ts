import type { Period } from '../../domain/period.ts';
import { quote } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, PeriodLimits, RecordParser } from '../types.ts';
import { providerKind } from './ae-observations.ts';
import { createCellReader, emitFigure, percentage } from './publication-rows.ts';

/** Cancer waiting times by provider: the current standards were first published for April 2023 (earlier months had others). */
export const cancerPeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2009, lagDays: 31 });

/** The publication's standards and the metric each becomes. */
const STANDARDS: Readonly<Record<string, string>> = Object.freeze({
  '28-day fds': 'cwt-fds-28day',
  '31-day combined': 'cwt-31day',
  '62-day combined': 'cwt-62day',
});

function standardMetric(text: string): string | undefined {
  return STANDARDS[text.trim().toLowerCase()];
}

interface Tally {
  orgCode: string;
  metricId: string;
  period: Period;
  total: number;
  within: number;
  firstRow: number;
}

/** Adds up one provider-month-standard's rows, keyed in first-seen order. */
function createTallies() {
  const tallies = new Map<string, Tally>();
  return {
    add(orgCode: string, metricId: string, period: Period, total: number, within: number, row: number) {
      const key = `${orgCode}|${metricId}|${period.start}`;
      const tally = tallies.get(key);
      if (tally) {
        tally.total += total;
        tally.within += within;
      } else tallies.set(key, { orgCode, metricId, period, total, within, firstRow: row });
    },
    values: () => tallies.values(),
  };
}

/** Writes each tally as a percentage (none for a total of nothing) and its provider. */
function emitTallies(sink: IngestSink, tallies: Iterable<Tally>, columns: { period: number }) {
  const seen = new Set<string>();
  for (const tally of tallies) {
    if (!seen.has(tally.orgCode)) {
      seen.add(tally.orgCode);
      sink.organisation({
        code: tally.orgCode,
        name: tally.orgCode,
        kind: providerKind(tally.orgCode),
        authority: 'fill',
      });
    }
    // Halves are exact in binary, so sums of them are exact too.
    const figure = percentage(tally.within, tally.total);
    if (!figure) continue;
    emitFigure(sink, {
      orgCode: tally.orgCode,
      metricId: tally.metricId,
      period: tally.period,
      ...figure,
      rowNumber: tally.firstRow,
      columns: { period: columns.period },
    });
  }
}

const EXTRACT_COLUMNS = [
  'PERIOD',
  'STANDARD',
  'ORG CODE',
  'STAGE/ROUTE',
  'TREATMENT MODALITY',
  'CANCER TYPE',
  'TOTAL TREATED',
  'WITHIN STANDARD',
  'BREACHES',
] as const;

/**
 * NHS England's Cancer Waiting Times provider data extract, the workbook (sheet "CWT CRS Provider
 * Extract", its first) or that sheet saved as CSV: one row per provider × month × standard × route ×
 * cancer type or treatment modality. For the 31-day and 62-day standards every provider-month
 * appears twice over (split by cancer type with "ALL MODALITIES", and by modality with "ALL
 * CANCERS"), so Tend adds up only the "ALL MODALITIES" rows; the Faster Diagnosis Standard has no
 * modality and all its rows are added. That is NHS England's "all routes, all cancers" headline.
 * Counts may be halves (a 62-day patient shared between two providers). Every row must have
 * TOTAL TREATED = WITHIN STANDARD + BREACHES.
 */
export const cancerExtractFormat: ImportFormat = {
  id: 'nhse-cwt-provider-extract',
  label: 'NHS England Cancer Waiting Times provider extract (workbook or CSV)',
  publication: 'NHS England: Cancer Waiting Times, CWT CRS provider data extract',
  hasHeader: true,
  periods: cancerPeriodLimits,
  detect: (header) =>
    headerHasAll(header, ['PERIOD', 'STANDARD', 'ORG CODE', 'STAGE/ROUTE', 'TOTAL TREATED']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: EXTRACT_COLUMNS, optional: ['YEAR', 'MONTH'], unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createExtractParser(columns, context, sink) : undefined;
  },
};

function createExtractParser(
  columns: Record<(typeof EXTRACT_COLUMNS)[number], number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  const tallies = createTallies();
  let valid = true;
  return {
    row(cells, rowNumber) {
      const period = read.month(cells, rowNumber, columns.PERIOD, 'PERIOD');
      const orgCode = read.code(cells, rowNumber, columns['ORG CODE'], 'ORG CODE');
      const standardText = cells[columns.STANDARD] ?? '';
      const metricId = standardMetric(standardText);
      if (!metricId)
        sink.issue(
          read.issue(
            'BAD_CODE',
            rowNumber,
            columns.STANDARD,
            `STANDARD: ${quote(standardText.trim())} is not one of 28-day FDS, 31-day Combined, 62-day Combined`,
          ),
        );
      const total = read.number(cells, rowNumber, columns['TOTAL TREATED'], 'TOTAL TREATED');
      const within = read.number(cells, rowNumber, columns['WITHIN STANDARD'], 'WITHIN STANDARD');
      const breaches = read.number(cells, rowNumber, columns.BREACHES, 'BREACHES');
      if (
        !period ||
        !orgCode ||
        !metricId ||
        total === undefined ||
        within === undefined ||
        breaches === undefined
      ) {
        valid = false;
        return;
      }
      if (total === null || within === null || breaches === null) {
        sink.issue(
          read.issue(
            'MISSING_VALUE',
            rowNumber,
            columns[total === null ? 'TOTAL TREATED' : within === null ? 'WITHIN STANDARD' : 'BREACHES'],
            'TOTAL TREATED, WITHIN STANDARD and BREACHES must all be given',
          ),
        );
        valid = false;
        return;
      }
      if (within + breaches !== total) {
        sink.issue(
          read.issue(
            'TOTAL_MISMATCH',
            rowNumber,
            columns['TOTAL TREATED'],
            `TOTAL TREATED: ${total} is not WITHIN STANDARD (${within}) plus BREACHES (${breaches})`,
          ),
        );
        valid = false;
        return;
      }
      const modality = (cells[columns['TREATMENT MODALITY']] ?? '').trim().toUpperCase();
      if (metricId !== 'cwt-fds-28day' && modality !== 'ALL MODALITIES') return; // the modality split repeats the same patients
      tallies.add(orgCode, metricId, period, total, within, rowNumber);
    },
    finish() {
      if (valid) emitTallies(sink, tallies.values(), { period: columns.PERIOD });
    },
  };
}

const HEADLINE_COLUMNS = ['period', 'org_code', 'standard', 'total', 'within_standard', 'breaches'] as const;

/**
 * A provider-month headline table derived from the extract (one row per provider × month ×
 * standard: `period`, `org_code`, `standard`, `total`, `within_standard`, `breaches`, and optionally
 * `performance` as a fraction, checked against the counts).
 */
export const cancerHeadlineFormat: ImportFormat = {
  id: 'nhse-cwt-provider-headline',
  label: 'Cancer Waiting Times provider headlines (provider × month × standard)',
  publication: 'NHS England: Cancer Waiting Times, provider headlines derived from the extract',
  hasHeader: true,
  periods: cancerPeriodLimits,
  detect: (header) => headerHasAll(header, ['period', 'org_code', 'standard', 'within_standard', 'breaches']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: HEADLINE_COLUMNS, optional: ['performance'], unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createHeadlineParser(columns, context, sink) : undefined;
  },
};

function createHeadlineParser(
  columns: Record<(typeof HEADLINE_COLUMNS)[number] | 'performance', number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  return {
    row(cells, rowNumber) {
      const period = read.month(cells, rowNumber, columns.period, 'period');
      const orgCode = read.code(cells, rowNumber, columns.org_code, 'org_code');
      const standardText = cells[columns.standard] ?? '';
      const metricId = standardMetric(standardText);
      if (!metricId)
        sink.issue(
          read.issue(
            'BAD_CODE',
            rowNumber,
            columns.standard,
            `standard: ${quote(standardText.trim())} is not one of 28-day FDS, 31-day Combined, 62-day Combined`,
          ),
        );
      const total = read.number(cells, rowNumber, columns.total, 'total');
      const within = read.number(cells, rowNumber, columns.within_standard, 'within_standard');
      const breaches = read.number(cells, rowNumber, columns.breaches, 'breaches');
      const performance =
        columns.performance === undefined
          ? null
          : read.number(cells, rowNumber, columns.performance, 'performance');
      if (
        !period ||
        !orgCode ||
        !metricId ||
        total === undefined ||
        within === undefined ||
        breaches === undefined ||
        performance === undefined
      )
        return;
      if (total === null || within === null || breaches === null || within + breaches !== total) {
        sink.issue(
          read.issue(
            total === null || within === null || breaches === null ? 'MISSING_VALUE' : 'TOTAL_MISMATCH',
            rowNumber,
            columns.total,
            `total: ${total ?? 'empty'} must be within_standard (${within ?? 'empty'}) plus breaches (${breaches ?? 'empty'})`,
          ),
        );
        return;
      }
      if (performance !== null && total > 0 && Math.abs(performance - within / total) > 5e-6) {
        sink.issue(
          read.issue(
            'VALUE_DISAGREES_WITH_RATIO',
            rowNumber,
            columns.performance,
            `performance: ${performance} disagrees with within_standard ÷ total (${within} ÷ ${total})`,
          ),
        );
        return;
      }
      // One row is one figure: a repeated provider-month-standard is the check step's to report.
      emitTallies(sink, [{ orgCode, metricId, period, total, within, firstRow: rowNumber }], {
        period: columns.period,
      });
    },
    finish() {},
  };
}
