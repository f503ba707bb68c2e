import type { Period } from '../../domain/period.ts';
import { type CountCell, isQuestioned, type QuestionedCount } from '../count-reader.ts';
import type { IngestSink, ObservationRecord, OrganisationKind, PeriodLimits } from '../types.ts';

/** Both A&E formats: the monthly collection began in 2010; a month is published after it ends. */
export const aePeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2010, lagDays: 31 });

type Three<T> = [T, T, T];

/** One provider-month of A&E counts, booked appointments already added in. null = not published. */
export interface AeMonthCounts {
  attendances: Three<CountCell>;
  over4Hours: Three<CountCell>;
  emergencyAdmissions: Three<CountCell>;
  emergencyAdmissionsNotViaAe: CountCell;
  decisionToAdmitOver4Hours: CountCell;
  decisionToAdmitOver12Hours: CountCell;
}

/** The columns (0-based) each count came from, for messages: the first where two were added. */
export interface AeMonthColumns {
  period: number;
  attendances: Three<number>;
  over4Hours: Three<number>;
  emergencyAdmissions: Three<number>;
  emergencyAdmissionsNotViaAe: number;
  decisionToAdmitOver4Hours: number;
  decisionToAdmitOver12Hours: number;
}

const DEPARTMENTS = ['type1', 'type2', 'other'] as const;

/**
 * The first month of NHS England's changed A&E provider reporting: from April 2026 activity at
 * urgent treatment centres and other type 3 sites is reported by the acute trust they serve, not by
 * the community trust, independent or GP-led provider that ran them (in May 2026 Bridgewater, RY2,
 * and several independent and GP-led providers no longer report; Nottingham's type 3 attendances go
 * from none to 10,124). Type 1 and type 2 figures keep their meaning; a provider's "other
 * departments" and "all types" figures do not, so from this month they are stored as new series.
 */
export const REPORTING_CHANGE = '2026-04-01';
export const REPORTING_CHANGE_SUFFIX = '-from-2026-04';

/** How a data question is stored: no value, status missing, the question as the note and in the detail. */
function questioned(question: string, published: Record<string, unknown> | number) {
  return {
    value: null,
    numerator: null,
    denominator: null,
    status: 'missing' as const,
    note: `Data question: ${question}`,
    detail: { dataQuestion: question, published },
  };
}

/**
 * Turns a provider-month of A&E counts into Tend observations: the counts themselves and the
 * 4-hour percentages (numerator = attendances within 4 hours, denominator = attendances).
 *
 * A department type with no attendances has no 4-hour percentage (no observation). Where the
 * attendances are published but the over-4-hour count is not — the Clinical Review of Standards
 * field-test trusts, May 2019 to May 2023 — the percentage is recorded as `missing`, never zero.
 *
 * Figures the publication is known to print wrongly are kept as data questions: status `missing`,
 * no value, the question in the note and in `detail.dataQuestion` with the published figures. Charts
 * and SPC use only `reported` values, so a data question is never charted. Two are known in the
 * provider-month table: an over-4-hour count above the attendances, and a fractional count.
 */
export function emitAeObservations(
  sink: IngestSink,
  orgCode: string,
  period: Period,
  counts: AeMonthCounts,
  rowNumber: number,
  columns?: AeMonthColumns,
): void {
  const base = {
    orgCode,
    periodStart: period.start,
    periodEnd: period.end,
    granularity: period.granularity,
    note: null,
    rowNumber,
  };
  const emitCount = (metricId: string, value: CountCell, column: number | undefined) => {
    const record: ObservationRecord = isQuestioned(value)
      ? { ...base, metricId, ...questioned(value.question, value.published) }
      : {
          ...base,
          metricId,
          value,
          numerator: null,
          denominator: null,
          status: value === null ? 'missing' : 'reported',
          detail: null,
        };
    sink.observation({ ...record, columns: { period: columns?.period, value: column } });
  };
  const emitFourHour = (
    metricId: string,
    attendances: CountCell,
    over4Hours: CountCell,
    cells: { attendances?: number; over4Hours?: number },
  ) => {
    if (attendances === 0) return;
    const where = { period: columns?.period, numerator: cells.over4Hours, denominator: cells.attendances };
    const question = [attendances, over4Hours].find(isQuestioned);
    if (question) {
      sink.observation({
        ...base,
        metricId,
        ...questioned(
          `the 4-hour percentage rests on a count that is itself a question (${question.question})`,
          {
            attendances: isQuestioned(attendances) ? attendances.published : attendances,
            over4Hours: isQuestioned(over4Hours) ? over4Hours.published : over4Hours,
          },
        ),
        columns: where,
      });
      return;
    }
    const attended = attendances as number | null;
    const over = over4Hours as number | null;
    if (attended === null || over === null) {
      sink.observation({
        ...base,
        metricId,
        value: null,
        numerator: null,
        denominator: attended,
        status: 'missing',
        detail: {
          reason: attended === null ? 'attendances not published' : 'over-4-hour count not published',
        },
        columns: where,
      });
      return;
    }
    if (over > attended) {
      const question = `the published over-4-hour count (${over}) exceeds the attendances (${attended})`;
      sink.observation({
        ...base,
        metricId,
        ...questioned(question, { attendances: attended, over4Hours: over }),
        columns: where,
      });
      return;
    }
    const within = attended - over;
    sink.observation({
      ...base,
      metricId,
      value: (100 * within) / attended,
      numerator: within,
      denominator: attended,
      status: 'reported',
      detail: null,
      columns: where,
    });
  };

  // From April 2026 urgent treatment centres are reported under the acute provider: the "other
  // departments" and "all types" figures of a provider start new series (see the catalogue).
  const series = (metricId: string, department: string) =>
    period.start >= REPORTING_CHANGE && (department === 'other' || department === 'all')
      ? `${metricId}${REPORTING_CHANGE_SUFFIX}`
      : metricId;
  DEPARTMENTS.forEach((department, index) => {
    emitCount(
      series(`ae-attendances-${department}`, department),
      counts.attendances[index],
      columns?.attendances[index],
    );
    emitCount(
      series(`ae-emergency-admissions-${department}`, department),
      counts.emergencyAdmissions[index],
      columns?.emergencyAdmissions[index],
    );
    emitFourHour(
      series(`ae-4hr-${department}`, department),
      counts.attendances[index],
      counts.over4Hours[index],
      {
        attendances: columns?.attendances[index],
        over4Hours: columns?.over4Hours[index],
      },
    );
  });
  const totalAttendances = sumOrNull(counts.attendances);
  const allOver4Hours = counts.attendances.every(
    (attendances, index) => attendances === 0 || counts.over4Hours[index] !== null,
  )
    ? sumOrNull(counts.over4Hours.map((value) => value ?? 0))
    : null;
  emitFourHour(series('ae-4hr-all', 'all'), totalAttendances, allOver4Hours, {});
  emitCount(
    'ae-emergency-admissions-not-via-ae',
    counts.emergencyAdmissionsNotViaAe,
    columns?.emergencyAdmissionsNotViaAe,
  );
  emitCount('ae-dta-4hr', counts.decisionToAdmitOver4Hours, columns?.decisionToAdmitOver4Hours);
  emitCount('ae-dta-12hr', counts.decisionToAdmitOver12Hours, columns?.decisionToAdmitOver12Hours);
}

/** The sum, null when any is unpublished, or the first data question when any is one. */
function sumOrNull(values: readonly CountCell[]): CountCell {
  let total = 0;
  let question: QuestionedCount | undefined;
  for (const value of values) {
    if (value === null) return null;
    if (isQuestioned(value)) question ??= value;
    else total += value;
  }
  return question ?? total;
}

/**
 * What kind of organisation an A&E provider code names: NHS trusts have three-character codes
 * beginning R or T; independent-sector providers three-character codes beginning N; anything else
 * (urgent treatment centres, walk-in centres, GP-led sites) is another provider.
 */
export function providerKind(code: string): OrganisationKind {
  if (/^[RT][A-Z0-9]{2}$/.test(code)) return 'trust';
  if (/^N[A-Z0-9]{2}$/.test(code)) return 'independent_provider';
  return 'other_provider';
}
