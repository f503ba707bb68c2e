import type { Period } from '../../domain/period.ts';
import type { IngestSink, OrganisationKind } from '../types.ts';

/** One provider-month of A&E counts, booked appointments already added in. null = not published. */
export interface AeMonthCounts {
  attendances: [number | null, number | null, number | null];
  over4Hours: [number | null, number | null, number | null];
  emergencyAdmissions: [number | null, number | null, number | null];
  emergencyAdmissionsNotViaAe: number | null;
  decisionToAdmitOver4Hours: number | null;
  decisionToAdmitOver12Hours: number | null;
}

const DEPARTMENTS = ['type1', 'type2', 'other'] as const;

/**
 * Turns a provider-month of A&E counts into Tend observations: the counts themselves and the
 * 4-hour percentages (numerator = attendances within 4 hours, denominator = attendances).
 *
 * A department type with no attendances has no 4-hour percentage (no observation). Where the
 * attendances are published but the over-4-hour count is not — the Clinical Review of Standards
 * field-test trusts, May 2019 to May 2023 — the percentage is recorded as `missing`, never zero.
 */
export function emitAeObservations(
  sink: IngestSink,
  orgCode: string,
  period: Period,
  counts: AeMonthCounts,
  rowNumber: number,
): void {
  const base = {
    orgCode,
    periodStart: period.start,
    periodEnd: period.end,
    granularity: period.granularity,
    note: null,
    rowNumber,
  };
  const emitCount = (metricId: string, value: number | null) =>
    sink.observation({
      ...base,
      metricId,
      value,
      numerator: null,
      denominator: null,
      status: value === null ? 'missing' : 'reported',
      detail: null,
    });
  const emitFourHour = (metricId: string, attendances: number | null, over4Hours: number | null) => {
    if (attendances === 0) return;
    if (attendances === null || over4Hours === null) {
      sink.observation({
        ...base,
        metricId,
        value: null,
        numerator: null,
        denominator: attendances,
        status: 'missing',
        detail: {
          reason: attendances === null ? 'attendances not published' : 'over-4-hour count not published',
        },
      });
      return;
    }
    if (over4Hours > attendances) {
      sink.observation({
        ...base,
        metricId,
        value: null,
        numerator: null,
        denominator: attendances,
        status: 'missing',
        detail: { reason: 'published over-4-hour count exceeds attendances' },
      });
      return;
    }
    const within = attendances - over4Hours;
    sink.observation({
      ...base,
      metricId,
      value: (100 * within) / attendances,
      numerator: within,
      denominator: attendances,
      status: 'reported',
      detail: null,
    });
  };

  DEPARTMENTS.forEach((department, index) => {
    emitCount(`ae-attendances-${department}`, counts.attendances[index]);
    emitCount(`ae-emergency-admissions-${department}`, counts.emergencyAdmissions[index]);
    emitFourHour(`ae-4hr-${department}`, counts.attendances[index], counts.over4Hours[index]);
  });
  const totalAttendances = sumOrNull(counts.attendances);
  const allOver4Hours = counts.attendances.every(
    (attendances, index) => attendances === 0 || counts.over4Hours[index] !== null,
  )
    ? counts.over4Hours.reduce<number>((total, value) => total + (value ?? 0), 0)
    : null;
  emitFourHour('ae-4hr-all', totalAttendances, allOver4Hours);
  emitCount('ae-emergency-admissions-not-via-ae', counts.emergencyAdmissionsNotViaAe);
  emitCount('ae-dta-4hr', counts.decisionToAdmitOver4Hours);
  emitCount('ae-dta-12hr', counts.decisionToAdmitOver12Hours);
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  let total = 0;
  for (const value of values) {
    if (value === null) return null;
    total += value;
  }
  return total;
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
