import type { Direction, MetricDefinition } from '../../domain/metric.ts';
import { NOF_PUBLICATION } from '../../domain/metric-catalogue.ts';
import { type Period, parseFinancialQuarter } from '../../domain/period.ts';
import { cleanText, isPublishedGap, issueFactory, quote, readNumberCell } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type {
  ImportFormat,
  IngestSink,
  ObservationColumns,
  ParseContext,
  PeriodLimits,
  RecordParser,
} from '../types.ts';

/** The Oversight Framework's data files begin with 2025/26; its quarters are published after they end. */
const nofPeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2025, lagDays: 92 });

const DATA_REQUIRED = [
  'Quarter',
  'Region',
  'Trust_type',
  'Trust_subtype',
  'Trust_code',
  'Trust_name',
  'Domain',
  'Sub-domain',
  'Metric_ID',
  'Metric_description',
  'Reporting_date',
  'Units',
  'Value',
  'Median_value',
  'Lower_quartile',
  'Upper_quartile',
  'Rank',
] as const;

function readQuarter(
  text: string,
  rowNumber: number,
  column: number,
  file: string,
  sink: IngestSink,
): Period | undefined {
  const period = parseFinancialQuarter(text);
  if (!period)
    sink.issue(
      issueFactory(file)(
        'BAD_PERIOD',
        rowNumber,
        column,
        `Quarter: ${quote(text)} is not a quarter like "Q1 2025/26"`,
      ),
    );
  return period;
}

/** A trust's ODS code from `Trust_code`, upper-cased; an issue and `undefined` when it is not one. */
function readTrustCode(
  text: string,
  rowNumber: number,
  column: number,
  file: string,
  sink: IngestSink,
): string | undefined {
  const orgCode = text.trim().toUpperCase();
  if (/^[A-Z0-9]{3,6}$/.test(orgCode)) return orgCode;
  sink.issue(
    issueFactory(file)('BAD_CODE', rowNumber, column, `Trust_code: ${quote(orgCode)} is not an ODS code`),
  );
  return undefined;
}

/** One trust's value of one metric for a quarter, as the sink takes it: a null value is a gap. */
function quarterObservation(
  orgCode: string,
  metricId: string,
  period: Period,
  value: number | null,
  detail: Record<string, unknown> | null,
  rowNumber: number,
  columns: ObservationColumns,
  unit?: string,
): Parameters<IngestSink['observation']>[0] {
  return {
    columns,
    ...(unit === undefined ? {} : { unit }),
    orgCode,
    metricId,
    periodStart: period.start,
    periodEnd: period.end,
    granularity: 'quarter',
    value,
    numerator: null,
    denominator: null,
    status: value === null ? 'missing' : 'reported',
    note: null,
    detail,
    rowNumber,
  };
}

function readOptionalNumber(
  text: string,
  rowNumber: number,
  column: number,
  name: string,
  file: string,
  sink: IngestSink,
): number | null | undefined {
  if (isPublishedGap(text)) return null;
  const reading = readNumberCell(text, name);
  if ('problem' in reading) {
    sink.issue(issueFactory(file)(reading.problem.code, rowNumber, column, reading.problem.message));
    return undefined;
  }
  return reading.value;
}

/**
 * NHS England's NHS Oversight Framework data file (long format): one row per trust × metric × quarter
 * with the value, the peer-group median and quartiles and the metric rank. `OF0…` are metric values,
 * `OF1…` metric scores (1 best, 4 worst), `OF4…` domain scores and segments, `OF5…` the summary
 * (segments, average metric score, financial override). Each becomes an observation keyed by quarter;
 * the median, quartiles, rank, units and reporting date are kept as the observation's details.
 */
export const nofDataFormat: ImportFormat = {
  id: 'nhse-nof-data',
  label: 'NHS Oversight Framework data file',
  publication: NOF_PUBLICATION,
  hasHeader: true,
  periods: nofPeriodLimits,
  detect: (header) => headerHasAll(header, ['Quarter', 'Trust_code', 'Metric_ID', 'Value']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: DATA_REQUIRED, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    return columns ? createDataParser(columns, context, sink) : undefined;
  },
};

interface MetricSeen {
  definition: MetricDefinition;
  /** (value, rank) pairs, to tell which way the publication ranks the metric. */
  valueAtBestRank: { rank: number; value: number } | undefined;
  valueAtWorstRank: { rank: number; value: number } | undefined;
}

function createDataParser(
  columns: Record<(typeof DATA_REQUIRED)[number], number>,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const issue = issueFactory(context.file);
  const metrics = new Map<string, MetricSeen>();
  const cell = (cells: readonly string[], name: (typeof DATA_REQUIRED)[number]) => cells[columns[name]] ?? '';
  return {
    row(cells, rowNumber) {
      let valid = true;
      const period = readQuarter(cell(cells, 'Quarter'), rowNumber, columns.Quarter, context.file, sink);
      if (!period) valid = false;
      const orgCode = readTrustCode(
        cell(cells, 'Trust_code'),
        rowNumber,
        columns.Trust_code,
        context.file,
        sink,
      );
      if (!orgCode) valid = false;
      const metricId = cell(cells, 'Metric_ID').trim().toUpperCase();
      if (!/^OF\d{4}$/.test(metricId)) {
        sink.issue(
          issue(
            'UNKNOWN_METRIC',
            rowNumber,
            columns.Metric_ID,
            `Metric_ID: ${quote(metricId)} is not an Oversight Framework metric id (OF followed by four digits)`,
          ),
        );
        valid = false;
      }
      const numbers: Record<string, number | null> = {};
      for (const name of ['Value', 'Median_value', 'Lower_quartile', 'Upper_quartile', 'Rank'] as const) {
        const value = readOptionalNumber(
          cell(cells, name),
          rowNumber,
          columns[name],
          name,
          context.file,
          sink,
        );
        if (value === undefined) valid = false;
        else numbers[name] = value;
      }
      if (!valid || !period || !orgCode) return;
      const trustType = cleanText(cell(cells, 'Trust_type'));
      sink.organisation({
        code: orgCode,
        name: cleanText(cell(cells, 'Trust_name')) || orgCode,
        kind: 'trust',
        nofTrustType: trustType || null,
        nofTrustSubtype: cleanText(cell(cells, 'Trust_subtype')) || null,
        authority: 'nof',
      });
      const units = cleanText(cell(cells, 'Units'));
      let seen = metrics.get(metricId);
      if (!seen) {
        seen = {
          definition: {
            id: metricId,
            name: cleanText(cell(cells, 'Metric_description')),
            description: null,
            unit: units || 'value',
            direction: 'neutral',
            domain: cleanText(cell(cells, 'Domain')) || null,
            subdomain: cleanText(cell(cells, 'Sub-domain')) || null,
            source_publication: NOF_PUBLICATION,
            numerator_definition: null,
            denominator_definition: null,
            builtin: false,
          },
          valueAtBestRank: undefined,
          valueAtWorstRank: undefined,
        };
        metrics.set(metricId, seen);
      }
      const value = numbers.Value;
      const rank = numbers.Rank;
      if (value !== null && rank !== null) {
        if (!seen.valueAtBestRank || rank < seen.valueAtBestRank.rank) seen.valueAtBestRank = { rank, value };
        if (!seen.valueAtWorstRank || rank > seen.valueAtWorstRank.rank)
          seen.valueAtWorstRank = { rank, value };
      }
      const detail: Record<string, unknown> = {
        units,
        reportingDate: cleanText(cell(cells, 'Reporting_date')),
        region: cleanText(cell(cells, 'Region')),
      };
      if (numbers.Median_value !== null) detail.median = numbers.Median_value;
      if (numbers.Lower_quartile !== null) detail.lowerQuartile = numbers.Lower_quartile;
      if (numbers.Upper_quartile !== null) detail.upperQuartile = numbers.Upper_quartile;
      if (rank !== null) detail.rank = rank;
      sink.observation(
        quarterObservation(
          orgCode,
          metricId,
          period,
          value,
          detail,
          rowNumber,
          { period: columns.Quarter, value: columns.Value },
          units || undefined,
        ),
      );
    },
    finish() {
      for (const seen of metrics.values()) {
        sink.metric({ ...seen.definition, direction: nofDirection(seen) });
      }
    },
  };
}

/**
 * Which way is better for an Oversight Framework metric. Scores, domain scores and segments run
 * from 1 (best) to 4; flags are neutral; for a raw value (`OF0…`) the publication's rank says it —
 * rank 1 is best, so if the best-ranked value is the higher one, higher is better.
 */
function nofDirection(seen: MetricSeen): Direction {
  const id = seen.definition.id;
  if (id === 'OF5004' || id === 'OF5007') return 'neutral';
  if (/^OF[145]/.test(id)) return 'lower_is_better';
  const best = seen.valueAtBestRank;
  const worst = seen.valueAtWorstRank;
  if (!best || !worst || best.value === worst.value) return 'neutral';
  return best.value > worst.value ? 'higher_is_better' : 'lower_is_better';
}

const LEAGUE_REQUIRED = [
  'Quarter',
  'Region',
  'Trust_type',
  'Trust_subtype',
  'Trust_code',
  'Trust_name',
  'Average_score',
  'Likely_range_of_average_score',
  'Segment',
  'Trust_in_financial_deficit',
  'Rank',
  'Likely_range_of_rank',
] as const;

/** Parses "1.2 to 1.89" into [1.2, 1.89]. */
export function parseLikelyRange(text: string): [number, number] | undefined {
  const match = /^\s*(-?[\d.]+)\s+to\s+(-?[\d.]+)\s*$/.exec(text);
  if (!match) return undefined;
  const range: [number, number] = [Number(match[1]), Number(match[2])];
  // "1.2.3" is not a number, and 400 digits is not one Tend can hold.
  return range.every((end) => Number.isFinite(end) && Math.abs(end) <= 1e15) ? range : undefined;
}

/**
 * NHS England's NOF league table: one row per trust, with average score, segment, financial deficit
 * flag and rank, and the likely ranges of score and rank ("a to b").
 */
export const nofLeagueFormat: ImportFormat = {
  id: 'nhse-nof-league-table',
  label: 'NHS Oversight Framework league table',
  publication: NOF_PUBLICATION,
  hasHeader: true,
  periods: nofPeriodLimits,
  detect: (header) =>
    headerHasAll(header, ['Quarter', 'Trust_code', 'Average_score', 'Likely_range_of_rank']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: LEAGUE_REQUIRED, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    if (!columns) return undefined;
    const issue = issueFactory(context.file);
    return {
      row(cells, rowNumber) {
        const cell = (name: (typeof LEAGUE_REQUIRED)[number]) => cells[columns[name]] ?? '';
        let valid = true;
        const period = readQuarter(cell('Quarter'), rowNumber, columns.Quarter, context.file, sink);
        if (!period) valid = false;
        const orgCode = readTrustCode(cell('Trust_code'), rowNumber, columns.Trust_code, context.file, sink);
        if (!orgCode) valid = false;
        const numbers: Record<string, number | null> = {};
        for (const name of ['Average_score', 'Segment', 'Rank'] as const) {
          const value = readOptionalNumber(cell(name), rowNumber, columns[name], name, context.file, sink);
          if (value === undefined) valid = false;
          else numbers[name] = value;
        }
        const ranges: Record<string, [number, number] | null> = {};
        for (const name of ['Likely_range_of_average_score', 'Likely_range_of_rank'] as const) {
          const text = cell(name);
          if (isPublishedGap(text)) {
            ranges[name] = null;
            continue;
          }
          const range = parseLikelyRange(text);
          if (!range) {
            sink.issue(
              issue(
                'NOT_A_NUMBER',
                rowNumber,
                columns[name],
                `${name}: ${quote(text)} is not a range like "1.2 to 1.89"`,
              ),
            );
            valid = false;
          } else ranges[name] = range;
        }
        const deficitText = cell('Trust_in_financial_deficit').trim().toLowerCase();
        let deficit: number | null = null;
        if (deficitText === 'yes') deficit = 1;
        else if (deficitText === 'no') deficit = 0;
        else if (!isPublishedGap(deficitText)) {
          sink.issue(
            issue(
              'NOT_A_NUMBER',
              rowNumber,
              columns.Trust_in_financial_deficit,
              `Trust_in_financial_deficit: ${quote(cell('Trust_in_financial_deficit'))} is neither Yes nor No`,
            ),
          );
          valid = false;
        }
        if (!valid || !period || !orgCode) return;
        sink.organisation({
          code: orgCode,
          name: cleanText(cell('Trust_name')) || orgCode,
          kind: 'trust',
          nofTrustType: cleanText(cell('Trust_type')) || null,
          nofTrustSubtype: cleanText(cell('Trust_subtype')) || null,
          authority: 'nof',
        });
        const emit = (
          metricId: string,
          value: number | null,
          range: [number, number] | null,
          column: number,
        ) =>
          sink.observation(
            quarterObservation(
              orgCode,
              metricId,
              period,
              value,
              range ? { likelyRange: range } : null,
              rowNumber,
              { period: columns.Quarter, value: column },
            ),
          );
        emit(
          'nof-league-average-score',
          numbers.Average_score,
          ranges.Likely_range_of_average_score,
          columns.Average_score,
        );
        emit('nof-league-segment', numbers.Segment, null, columns.Segment);
        emit('nof-league-rank', numbers.Rank, ranges.Likely_range_of_rank, columns.Rank);
        emit('nof-league-financial-deficit', deficit, null, columns.Trust_in_financial_deficit);
      },
      finish() {},
    } satisfies RecordParser;
  },
};

export type { ParseContext };
