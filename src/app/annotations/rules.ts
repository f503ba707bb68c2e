import {
  type AnnotationKind,
  type AnnotationVisibility,
  annotationKinds,
  annotationVisibilities,
  type PublicationStatus,
} from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import type { AnnotationRow } from '../../store/tables.ts';

/** The rules an annotation's fields follow, shared by create and edit. Pure. */

export const maxTextLength = 2000;
export const minReasonLength = 10;
export const maxReasonLength = 500;

/** The statuses an annotation is written with (it is withdrawn, never written as withdrawn). */
export const writableStatuses = ['draft', 'published'] as const satisfies readonly PublicationStatus[];

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value && Number(match[1]) >= 1900;
}

/** A date problem, or null: empty, not YYYY-MM-DD, or no such day. */
export function dateProblem(value: string): string | null {
  if (value === '') return 'date: Enter the date it happened';
  if (!datePattern.test(value)) return 'date: must be a date, YYYY-MM-DD';
  if (!isCalendarDate(value)) return 'date: must be a real date';
  return null;
}

/** Text problems: empty, or longer than 2,000 characters. */
export function textProblems(text: string): string[] {
  if (text === '') return ['text: Enter what happened'];
  if (text.length > maxTextLength)
    return [
      `text: must be ${maxTextLength.toLocaleString('en-GB')} characters or fewer (it has ${text.length.toLocaleString('en-GB')})`,
    ];
  return [];
}

/** Reason problems of a rebase: missing, too short or too long. */
export function reasonProblems(reason: string): string[] {
  if (reason === '') return ['reason: Give the reason for recalculating the limits'];
  if (reason.length < minReasonLength)
    return [
      `reason: must be at least ${minReasonLength} characters: say what changed in the process, and why it has lasted`,
    ];
  if (reason.length > maxReasonLength) return [`reason: must be ${maxReasonLength} characters or fewer`];
  return [];
}

/** The kind, if it is one; otherwise a problem. */
export function checkKind(value: string): { kind?: AnnotationKind; problem?: string } {
  if (value === '') return { problem: 'kind: Choose what kind of note this is' };
  if ((annotationKinds as readonly string[]).includes(value)) return { kind: value as AnnotationKind };
  return { problem: `kind: must be one of ${annotationKinds.join(', ')}` };
}

/** The visibility, if it is one; otherwise a problem. */
export function checkVisibility(value: string): { visibility?: AnnotationVisibility; problem?: string } {
  if ((annotationVisibilities as readonly string[]).includes(value))
    return { visibility: value as AnnotationVisibility };
  return { problem: 'visibility: must be public or organisation' };
}

/** The status to write, if it is one; otherwise a problem. */
export function checkStatus(value: string): { status?: (typeof writableStatuses)[number]; problem?: string } {
  if ((writableStatuses as readonly string[]).includes(value))
    return { status: value as (typeof writableStatuses)[number] };
  return { problem: 'status: must be draft or published' };
}

/** What a rebase needs of its visibility and status: everyone reads why a chart's limits changed. */
export function rebasePublicationProblems(visibility: string, status: string): string[] {
  const problems: string[] = [];
  if (visibility !== 'public')
    problems.push('visibility: A rebase is public: everyone reading the chart sees why its limits changed');
  if (status !== 'published')
    problems.push('status: A rebase is published at once: it changes the chart for everyone');
  return problems;
}

/**
 * Where a rebase on `date` starts: the start of the series' period that holds the date, or a
 * problem — no period holds it, it is in the first period (where the limits start anyway), or the
 * limits are already recalculated from that period.
 */
export function rebaseStart(
  date: string,
  periods: readonly { start: string; end: string }[],
  activeRebaseDates: readonly string[],
): { start?: string; problem?: string } {
  if (periods.length === 0)
    return { problem: 'date: The series has no observations, so it has no limits to recalculate' };
  const index = periods.findIndex((period) => period.start <= date && date <= period.end);
  if (index < 0)
    return {
      problem: `date: must fall within the series' periods, ${periods[0].start} to ${periods[periods.length - 1].end}`,
    };
  const start = periods[index].start;
  if (index === 0)
    return {
      problem: `date: falls in the series' first period (from ${start}), where its limits start anyway`,
    };
  if (activeRebaseDates.includes(start))
    return { problem: `date: The limits are already recalculated from ${start}` };
  return { start };
}

/** VALIDATION_FAILED listing every problem, each `field: problem`. */
export function validationError(problems: readonly string[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `The annotation has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
    { details: problems },
  );
}

/** An annotation as the audit log records it. */
export function auditView(row: AnnotationRow): Record<string, unknown> {
  return {
    org: row.org_code,
    metric: row.metric_id,
    date: row.on_date,
    kind: row.kind,
    text: row.text,
    visibility: row.visibility,
    status: row.status,
    rebaseReason: row.rebase_reason,
  };
}
