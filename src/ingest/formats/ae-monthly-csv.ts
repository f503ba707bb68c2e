import { type Period, parseSitrepPeriod } from '../../domain/period.ts';
import { issueFactory, quote, titleCaseName } from '../cells.ts';
import { createCountReader, isOrganisationCode } from '../count-reader.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, RecordParser } from '../types.ts';
import { aePeriodLimits, emitAeObservations, providerKind } from './ae-observations.ts';

const COUNT_COLUMNS = [
  'A&E attendances Type 1',
  'A&E attendances Type 2',
  'A&E attendances Other A&E Department',
  'A&E attendances Booked Appointments Type 1',
  'A&E attendances Booked Appointments Type 2',
  'A&E attendances Booked Appointments Other Department',
  'Attendances over 4hrs Type 1',
  'Attendances over 4hrs Type 2',
  'Attendances over 4hrs Other Department',
  'Attendances over 4hrs Booked Appointments Type 1',
  'Attendances over 4hrs Booked Appointments Type 2',
  'Attendances over 4hrs Booked Appointments Other Department',
  'Patients who have waited 4-12 hs from DTA to admission',
  'Patients who have waited 12+ hrs from DTA to admission',
  'Emergency admissions via A&E - Type 1',
  'Emergency admissions via A&E - Type 2',
  'Emergency admissions via A&E - Other A&E department',
  'Other emergency admissions',
] as const;
type CountColumn = (typeof COUNT_COLUMNS)[number];
const REQUIRED = ['Period', 'Org Code', 'Parent Org', 'Org name', ...COUNT_COLUMNS] as const;

/**
 * NHS England's monthly A&E CSV (2024 onwards): one row per provider plus a `TOTAL` row, booked and
 * non-booked attendances in separate columns, names in upper case with trailing spaces. Tend adds
 * booked to non-booked (as the published percentages do), checks every column's provider sum
 * against the TOTAL row, and does not store the TOTAL row.
 */
export const aeMonthlyCsvFormat: ImportFormat = {
  id: 'nhse-ae-monthly-csv',
  label: 'NHS England monthly A&E CSV (2024 onwards)',
  publication: 'NHS England: A&E Attendances and Emergency Admissions, monthly CSV',
  hasHeader: true,
  periods: aePeriodLimits,
  detect: (header) =>
    headerHasAll(header, [
      'Period',
      'Org Code',
      'A&E attendances Type 1',
      'A&E attendances Booked Appointments Type 1',
    ]),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: REQUIRED, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createParser(columns, context, sink) : undefined;
  },
};

function createParser(
  columns: Record<(typeof REQUIRED)[number], number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const issue = issueFactory(context.file);
  const readCount = createCountReader(context.file, sink);
  const providerSums = new Map<CountColumn, number>(COUNT_COLUMNS.map((name) => [name, 0]));
  let total: { values: Map<CountColumn, number | null>; rowNumber: number } | undefined;
  let filePeriod: { text: string; period: Period; rowNumber: number } | undefined;
  let validRows = true;

  return {
    row(cells, rowNumber) {
      const orgCode = (cells[columns['Org Code']] ?? '').trim().toUpperCase();
      let valid = true;
      const values = new Map<CountColumn, number | null>();
      for (const name of COUNT_COLUMNS) {
        const value = readCount(cells, rowNumber, columns[name], name);
        if (value === undefined) valid = false;
        else values.set(name, value as number | null); // fractions are errors here, never questions
      }
      if (orgCode === 'TOTAL') {
        total = { values, rowNumber };
        if (!valid) validRows = false;
        return;
      }
      const periodText = (cells[columns.Period] ?? '').trim();
      const period = parseSitrepPeriod(periodText);
      if (!period) {
        sink.issue(
          issue(
            'BAD_PERIOD',
            rowNumber,
            columns.Period,
            `Period: ${quote(periodText)} is not a period like MSitAE-JUNE-2024`,
          ),
        );
        valid = false;
      } else if (!filePeriod) {
        filePeriod = { text: periodText, period, rowNumber };
      } else if (filePeriod.period.start !== period.start) {
        sink.issue(
          issue(
            'MIXED_PERIODS',
            rowNumber,
            columns.Period,
            `Period: ${quote(periodText)} differs from ${quote(filePeriod.text)} on row ${filePeriod.rowNumber}; a monthly file holds one month`,
          ),
        );
        valid = false;
      }
      if (!isOrganisationCode(orgCode)) {
        sink.issue(
          issue(
            'BAD_CODE',
            rowNumber,
            columns['Org Code'],
            `Org Code: ${quote(orgCode)} is not an ODS organisation code`,
          ),
        );
        valid = false;
      }
      const add = (a: CountColumn, b: CountColumn): number | null => {
        const first = values.get(a);
        const second = values.get(b);
        return first == null || second == null ? null : first + second;
      };
      const attendances = [
        add('A&E attendances Type 1', 'A&E attendances Booked Appointments Type 1'),
        add('A&E attendances Type 2', 'A&E attendances Booked Appointments Type 2'),
        add('A&E attendances Other A&E Department', 'A&E attendances Booked Appointments Other Department'),
      ] as [number | null, number | null, number | null];
      const over4Hours = [
        add('Attendances over 4hrs Type 1', 'Attendances over 4hrs Booked Appointments Type 1'),
        add('Attendances over 4hrs Type 2', 'Attendances over 4hrs Booked Appointments Type 2'),
        add(
          'Attendances over 4hrs Other Department',
          'Attendances over 4hrs Booked Appointments Other Department',
        ),
      ] as [number | null, number | null, number | null];
      const overColumns = [
        'Attendances over 4hrs Type 1',
        'Attendances over 4hrs Type 2',
        'Attendances over 4hrs Other Department',
      ] as const;
      over4Hours.forEach((over, index) => {
        const attended = attendances[index];
        if (over !== null && attended !== null && over > attended) {
          sink.issue(
            issue(
              'NUMERATOR_ABOVE_DENOMINATOR',
              rowNumber,
              columns[overColumns[index]],
              `${overColumns[index]}: ${over} attendances over 4 hours (booked included) is more than the ${attended} attendances; kept as a data question, no 4-hour percentage`,
              'warning',
            ),
          );
        }
      });
      if (!valid || !period) {
        validRows = false;
        return;
      }
      for (const [name, value] of values)
        providerSums.set(name, (providerSums.get(name) ?? 0) + (value ?? 0));
      const name = titleCaseName(cells[columns['Org name']] ?? '') || orgCode;
      sink.organisation({ code: orgCode, name, kind: providerKind(orgCode), authority: 'fill' });
      const dtaFourToTwelve = values.get('Patients who have waited 4-12 hs from DTA to admission') ?? null;
      const dtaTwelvePlus = values.get('Patients who have waited 12+ hrs from DTA to admission') ?? null;
      emitAeObservations(
        sink,
        orgCode,
        period,
        {
          attendances,
          over4Hours,
          emergencyAdmissions: [
            values.get('Emergency admissions via A&E - Type 1') ?? null,
            values.get('Emergency admissions via A&E - Type 2') ?? null,
            values.get('Emergency admissions via A&E - Other A&E department') ?? null,
          ],
          emergencyAdmissionsNotViaAe: values.get('Other emergency admissions') ?? null,
          decisionToAdmitOver4Hours:
            dtaFourToTwelve === null || dtaTwelvePlus === null ? null : dtaFourToTwelve + dtaTwelvePlus,
          decisionToAdmitOver12Hours: dtaTwelvePlus,
        },
        rowNumber,
        {
          period: columns.Period,
          attendances: [
            columns['A&E attendances Type 1'],
            columns['A&E attendances Type 2'],
            columns['A&E attendances Other A&E Department'],
          ],
          over4Hours: [
            columns['Attendances over 4hrs Type 1'],
            columns['Attendances over 4hrs Type 2'],
            columns['Attendances over 4hrs Other Department'],
          ],
          emergencyAdmissions: [
            columns['Emergency admissions via A&E - Type 1'],
            columns['Emergency admissions via A&E - Type 2'],
            columns['Emergency admissions via A&E - Other A&E department'],
          ],
          emergencyAdmissionsNotViaAe: columns['Other emergency admissions'],
          decisionToAdmitOver4Hours: columns['Patients who have waited 4-12 hs from DTA to admission'],
          decisionToAdmitOver12Hours: columns['Patients who have waited 12+ hrs from DTA to admission'],
        },
      );
    },
    finish() {
      if (!total) {
        sink.issue(
          issue(
            'TOTAL_MISMATCH',
            null,
            null,
            'no TOTAL row: the provider rows could not be checked against the England total',
            'warning',
          ),
        );
        return;
      }
      if (!validRows) return; // sums of a file with bad rows would only add noise to the report
      for (const name of COUNT_COLUMNS) {
        const published = total.values.get(name);
        const sum = providerSums.get(name) ?? 0;
        if (published != null && published !== sum) {
          sink.issue(
            issue(
              'TOTAL_MISMATCH',
              total.rowNumber,
              columns[name],
              `${name}: the providers add up to ${sum} but the TOTAL row says ${published}`,
            ),
          );
        }
      }
    },
  };
}
