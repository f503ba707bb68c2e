import { monthPeriod } from '../../domain/period.ts';
import { issueFactory, quote, titleCaseName } from '../cells.ts';
import { type CountCell, createCountReader, isOrganisationCode } from '../count-reader.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, RecordParser } from '../types.ts';
import { aePeriodLimits, emitAeObservations, providerKind } from './ae-observations.ts';

const COUNT_COLUMNS = [
  'att_type1',
  'att_type2',
  'att_type3',
  'over4h_type1',
  'over4h_type2',
  'over4h_type3',
  'emerg_adm_via_type1',
  'emerg_adm_via_type2',
  'emerg_adm_via_type3_4',
  'emerg_adm_other',
  'dta_over_4h',
  'dta_over_12h',
] as const;
const REQUIRED = ['period', 'org_code', 'org_name', ...COUNT_COLUMNS] as const;
const OPTIONAL = ['region', 'system_name'] as const;

/**
 * NHS England A&E attendances and emergency admissions, one row per provider-month, as compiled
 * from the monthly "by provider" Excel files (July 2015 to June 2024). Attendances include
 * booked appointments. An empty over-4-hour cell is a gap in the publication, not a zero.
 */
export const aeProviderHistoryFormat: ImportFormat = {
  id: 'nhse-ae-provider-history',
  label: 'NHS England A&E by provider, provider-month table',
  publication: 'NHS England: A&E Attendances and Emergency Admissions, monthly by provider',
  hasHeader: true,
  periods: aePeriodLimits,
  detect: (header) => headerHasAll(header, ['period', 'org_code', 'att_type1', 'over4h_type1']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: REQUIRED, optional: OPTIONAL, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createParser(columns, context, sink) : undefined;
  },
};

function createParser(
  columns: Record<(typeof REQUIRED)[number] | (typeof OPTIONAL)[number], number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const issue = issueFactory(context.file);
  // The table carries one fractional count as published (RXC, January 2016, type 2): a data question.
  const readCount = createCountReader(context.file, sink, { fractions: 'question' });
  const latestName = new Map<string, { name: string; period: string }>();
  return {
    row(cells, rowNumber) {
      let valid = true;
      const periodText = (cells[columns.period] ?? '').trim();
      const match = /^(\d{4})-(\d{2})-01$/.exec(periodText);
      const month = match ? Number(match[2]) : 0;
      if (!match || month < 1 || month > 12) {
        sink.issue(
          issue(
            'BAD_PERIOD',
            rowNumber,
            columns.period,
            `period: ${quote(periodText)} is not the first day of a month (YYYY-MM-01)`,
          ),
        );
        valid = false;
      }
      const orgCode = (cells[columns.org_code] ?? '').trim().toUpperCase();
      if (!isOrganisationCode(orgCode)) {
        sink.issue(
          issue(
            'BAD_CODE',
            rowNumber,
            columns.org_code,
            `org_code: ${quote(orgCode)} is not an ODS organisation code`,
          ),
        );
        valid = false;
      }
      const values: Record<string, CountCell> = {};
      for (const name of COUNT_COLUMNS) {
        const value = readCount(cells, rowNumber, columns[name], name);
        if (value === undefined) valid = false;
        else values[name] = value;
      }
      for (const [department, attendances, over] of [
        ['type 1', 'att_type1', 'over4h_type1'],
        ['type 2', 'att_type2', 'over4h_type2'],
        ['other', 'att_type3', 'over4h_type3'],
      ] as const) {
        const attendanceCount = values[attendances];
        const overCount = values[over];
        if (
          typeof attendanceCount === 'number' &&
          typeof overCount === 'number' &&
          overCount > attendanceCount
        ) {
          sink.issue(
            issue(
              'NUMERATOR_ABOVE_DENOMINATOR',
              rowNumber,
              columns[over],
              `${over}: ${overCount} attendances over 4 hours is more than the ${attendanceCount} ${department} attendances; kept as a data question, no 4-hour percentage`,
              'warning',
            ),
          );
        }
      }
      if (!valid || !match) return;
      const period = monthPeriod(Number(match[1]), month);
      const name = titleCaseName(cells[columns.org_name] ?? '');
      const seen = latestName.get(orgCode);
      if (!seen || seen.period <= period.start)
        latestName.set(orgCode, { name: name || orgCode, period: period.start });
      emitAeObservations(
        sink,
        orgCode,
        period,
        {
          attendances: [values.att_type1, values.att_type2, values.att_type3],
          over4Hours: [values.over4h_type1, values.over4h_type2, values.over4h_type3],
          emergencyAdmissions: [
            values.emerg_adm_via_type1,
            values.emerg_adm_via_type2,
            values.emerg_adm_via_type3_4,
          ],
          emergencyAdmissionsNotViaAe: values.emerg_adm_other,
          decisionToAdmitOver4Hours: values.dta_over_4h,
          decisionToAdmitOver12Hours: values.dta_over_12h,
        },
        rowNumber,
        {
          period: columns.period,
          attendances: [columns.att_type1, columns.att_type2, columns.att_type3],
          over4Hours: [columns.over4h_type1, columns.over4h_type2, columns.over4h_type3],
          emergencyAdmissions: [
            columns.emerg_adm_via_type1,
            columns.emerg_adm_via_type2,
            columns.emerg_adm_via_type3_4,
          ],
          emergencyAdmissionsNotViaAe: columns.emerg_adm_other,
          decisionToAdmitOver4Hours: columns.dta_over_4h,
          decisionToAdmitOver12Hours: columns.dta_over_12h,
        },
      );
    },
    finish() {
      for (const [code, { name }] of latestName) {
        sink.organisation({ code, name, kind: providerKind(code), authority: 'fill' });
      }
    },
  };
}
