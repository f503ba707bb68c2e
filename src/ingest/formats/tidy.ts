import { type ObservationStatus, observationStatuses } from '../../domain/metric.ts';
import { parseTidyPeriod } from '../../domain/period.ts';
import { defaultPeriodLimits } from '../bounds.ts';
import { cleanText, issueFactory, quote, readNumberCell } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, RecordParser } from '../types.ts';

const REQUIRED = ['org_code', 'metric_id', 'period', 'value'] as const;
const OPTIONAL = ['team', 'numerator', 'denominator', 'status', 'note'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/**
 * Tend's tidy template, CSV or XLSX: one row per organisation × metric × period.
 *
 * | column | required | meaning |
 * |---|---|---|
 * | org_code | yes | ODS code of an organisation Tend knows |
 * | team | no | a team of that organisation (`tend teams list`): the row is a value of the team's own indicator |
 * | metric_id | yes | a metric in the catalogue (`tend metrics`); on a team's row, one of its indicators (`team.<TEAM>.<id>`, or just `<id>`) |
 * | period | yes | `YYYY-MM` (a month) or `YYYY-MM-DD` (a day) |
 * | value | yes (may be empty) | the figure; empty means missing, never zero |
 * | numerator, denominator | no | non-negative counts, numerator ≤ denominator |
 * | status | no | reported, missing, suppressed or not_applicable |
 * | note | no | free text kept beside the figure |
 */
export const tidyFormat: ImportFormat = {
  id: 'tend-tidy',
  label: 'Tend tidy template',
  publication: 'Tend tidy template',
  hasHeader: true,
  periods: defaultPeriodLimits,
  detect: (header) =>
    headerHasAll(header, ['org_code', 'metric_id']) || headerHasAll(header, ['metric_id', 'period']),
  open(header, context, sink) {
    const columns = mapColumns<Column>(
      header,
      { required: REQUIRED, optional: OPTIONAL },
      context.file,
      sink,
    );
    return columns ? createTidyParser(columns, header.length, context, sink) : undefined;
  },
};

function createTidyParser(
  columns: Record<Column, number>,
  headerLength: number,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const issue = issueFactory(context.file);
  const text = (cells: readonly string[], column: Column): string =>
    columns[column] === undefined ? '' : (cells[columns[column]] ?? '');

  const readCount = (
    cells: readonly string[],
    rowNumber: number,
    column: 'numerator' | 'denominator',
  ): number | null | undefined => {
    const raw = text(cells, column);
    const reading = readNumberCell(raw, column);
    if ('problem' in reading) {
      sink.issue(issue(reading.problem.code, rowNumber, columns[column], reading.problem.message));
      return undefined;
    }
    const value = reading.value;
    if (value === null) return null;
    if (value < 0) {
      sink.issue(
        issue(
          'NEGATIVE_COUNT',
          rowNumber,
          columns[column],
          `${column}: ${quote(raw)} is negative; counts cannot be below zero`,
        ),
      );
      return undefined;
    }
    return value;
  };

  return {
    row(cells, rowNumber) {
      let valid = true;
      // Text beyond the header's columns is usually a note with an unquoted comma; it must not be cut off unseen.
      const extra = cells.findIndex((cell, index) => index >= headerLength && cell.trim() !== '');
      if (extra !== -1) {
        sink.issue(
          issue(
            'WRONG_COLUMN_COUNT',
            rowNumber,
            extra,
            `${quote(cells[extra])} is beyond the ${headerLength} columns of the header; put text containing commas in quotes`,
          ),
        );
        valid = false;
      }
      const orgCode = text(cells, 'org_code').trim().toUpperCase();
      if (!/^[A-Z0-9]{3,9}$/.test(orgCode)) {
        sink.issue(
          issue(
            'BAD_CODE',
            rowNumber,
            columns.org_code,
            orgCode === ''
              ? 'org_code is empty'
              : `org_code: ${quote(text(cells, 'org_code'))} is not an organisation code`,
          ),
        );
        valid = false;
      }
      const teams = context.teams ?? new Map<string, string>();
      const teamText = text(cells, 'team').trim();
      const team = teamText.toUpperCase();
      let metricId = text(cells, 'metric_id').trim();
      let seriesCode = orgCode;
      let metricChecked = false;
      if (team !== '') {
        const parent = teams.get(team);
        if (parent === undefined) {
          metricChecked = true; // a team Tend does not know has no indicators to check the id against
          sink.issue(
            issue(
              'UNKNOWN_ORGANISATION',
              rowNumber,
              columns.team,
              `team: ${quote(teamText)} is not a team Tend knows; list an organisation's teams with \`tend teams list --org CODE\``,
            ),
          );
          valid = false;
        } else {
          seriesCode = team;
          if (orgCode !== '' && orgCode !== parent) {
            sink.issue(
              issue(
                'BAD_CODE',
                rowNumber,
                columns.org_code,
                `org_code: ${quote(orgCode)} is not the organisation team ${team} belongs to (${parent})`,
              ),
            );
            valid = false;
          }
          if (metricId !== '') {
            const prefix = `team.${team}.`;
            const fullId = metricId.startsWith('team.') ? metricId : `${prefix}${metricId}`;
            metricChecked = true;
            if (!fullId.startsWith(prefix) || !context.knownMetricIds.has(fullId)) {
              sink.issue(
                issue(
                  'UNKNOWN_METRIC',
                  rowNumber,
                  columns.metric_id,
                  `metric_id: ${quote(metricId)} is not an indicator of team ${team}; see its indicators on its page, or define it first`,
                ),
              );
              valid = false;
            }
            metricId = fullId;
          }
        }
      } else if (teams.has(orgCode)) {
        sink.issue(
          issue(
            'BAD_CODE',
            rowNumber,
            columns.org_code,
            `org_code: ${orgCode} is a team: give its organisation's code here and ${orgCode} in a team column`,
          ),
        );
        valid = false;
      } else if (metricId.startsWith('team.')) {
        sink.issue(
          issue(
            'UNKNOWN_METRIC',
            rowNumber,
            columns.metric_id,
            `metric_id: ${quote(metricId)} is a team's own indicator: name the team in a team column`,
          ),
        );
        valid = false;
        metricChecked = true;
      }
      if (metricId === '') {
        sink.issue(issue('UNKNOWN_METRIC', rowNumber, columns.metric_id, 'metric_id is empty'));
        valid = false;
      } else if (!metricChecked && !context.knownMetricIds.has(metricId)) {
        sink.issue(
          issue(
            'UNKNOWN_METRIC',
            rowNumber,
            columns.metric_id,
            `metric_id: ${quote(metricId)} is not in the catalogue; list metrics with \`tend metrics\``,
          ),
        );
        valid = false;
      }
      const periodText = text(cells, 'period');
      const period = parseTidyPeriod(periodText);
      if (!period) {
        sink.issue(
          issue(
            'BAD_PERIOD',
            rowNumber,
            columns.period,
            `period: ${quote(periodText)} is not a month (YYYY-MM) or a day (YYYY-MM-DD)`,
          ),
        );
        valid = false;
      }
      const valueText = text(cells, 'value');
      const reading = readNumberCell(valueText, 'value');
      const value = 'problem' in reading ? undefined : reading.value;
      if ('problem' in reading) {
        sink.issue(issue(reading.problem.code, rowNumber, columns.value, reading.problem.message));
        valid = false;
      }
      const numerator = readCount(cells, rowNumber, 'numerator');
      const denominator = readCount(cells, rowNumber, 'denominator');
      if (numerator === undefined || denominator === undefined) valid = false;
      if (numerator != null && denominator != null && numerator > denominator) {
        sink.issue(
          issue(
            'NUMERATOR_ABOVE_DENOMINATOR',
            rowNumber,
            columns.numerator,
            `numerator ${numerator} is more than denominator ${denominator}`,
          ),
        );
        valid = false;
      }
      const statusText = text(cells, 'status').trim().toLowerCase().replaceAll(' ', '_');
      let status: ObservationStatus = value === null ? 'missing' : 'reported';
      if (statusText !== '') {
        if (!observationStatuses.includes(statusText as ObservationStatus)) {
          sink.issue(
            issue(
              'BAD_STATUS',
              rowNumber,
              columns.status,
              `status: ${quote(text(cells, 'status'))} is not one of ${observationStatuses.join(', ')}`,
            ),
          );
          valid = false;
        } else {
          status = statusText as ObservationStatus;
          if (status === 'reported' && value === null) {
            sink.issue(
              issue('MISSING_VALUE', rowNumber, columns.value, 'value is empty but status says reported'),
            );
            valid = false;
          }
          if (status !== 'reported' && value !== null) {
            sink.issue(
              issue(
                'MISSING_VALUE',
                rowNumber,
                columns.value,
                `value ${quote(valueText)} given but status says ${status}; leave the value empty`,
              ),
            );
            valid = false;
          }
        }
      }
      if (!valid || !period || value === undefined || numerator === undefined || denominator === undefined)
        return;
      const note = text(cells, 'note');
      sink.observation({
        orgCode: seriesCode,
        metricId,
        periodStart: period.start,
        periodEnd: period.end,
        granularity: period.granularity,
        value,
        numerator,
        denominator,
        status,
        note: cleanText(note) === '' ? null : note.trim(),
        detail: null,
        rowNumber,
        columns: {
          period: columns.period,
          value: columns.value,
          numerator: columns.numerator,
          denominator: columns.denominator,
        },
      });
    },
    finish() {},
  };
}
