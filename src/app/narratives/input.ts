import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  type NarrativeKind,
  type NarrativeVisibility,
  narrativeKinds,
  narrativeVisibilities,
} from '../../domain/people.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import { findMetric } from '../../store/repos/metric-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import type { Database } from '../../store/tables.ts';

/**
 * What a narrative holds besides its organisation and status, checked at the use cases' door: every
 * problem is listed at once as `field: problem` (VALIDATION_FAILED), with the field named as the
 * web form and the JSON API name it.
 */
export interface NarrativeFields {
  metricId: string | null;
  kind: NarrativeKind;
  title: string;
  body: string;
  visibility: NarrativeVisibility;
  periodFrom: string | null;
  periodTo: string | null;
  /** The people a named-only narrative is shared with (empty for any other visibility). */
  readers: { id: number; email: string }[];
}

export const titleMax = 200;
export const bodyMax = 50_000;
const readersMax = 100;

/** Empty form fields and JSON nulls mean "not given". */
const blank = (value: unknown) => (value === '' || value === null ? undefined : value);

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const isoDate = z.preprocess(
  blank,
  z
    .string({ error: 'Enter a date as YYYY-MM-DD, such as 2025-04-01' })
    .trim()
    .refine(isRealDate, 'Enter a real date as YYYY-MM-DD, such as 2025-04-01')
    .optional(),
);

/** Each field's own rule: checked one by one so that every field's problem is reported. */
export const fieldRules = {
  metric: z.preprocess(
    blank,
    z
      .string({ error: 'Choose a metric from the list' })
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Choose a metric from the list')
      .optional(),
  ),
  kind: z.enum(narrativeKinds, { error: 'Choose what kind of narrative this is' }),
  title: z
    .string({ error: 'Enter a title' })
    .trim()
    .min(1, 'Enter a title')
    .max(titleMax, `Title must be ${titleMax} characters or fewer`),
  body: z
    .string({ error: 'Enter the text' })
    .transform((text) => text.replace(/\r\n?/g, '\n'))
    .refine((text) => text.trim().length > 0, 'Enter the text')
    .refine(
      (text) => text.length <= bodyMax,
      `Text must be ${bodyMax.toLocaleString('en-GB')} characters or fewer`,
    ),
  visibility: z.enum(narrativeVisibilities, { error: 'Choose who can read it' }),
  periodFrom: isoDate,
  periodTo: isoDate,
  readers: z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(/[\s,;]+/)
            .map((each) => each.trim())
            .filter(Boolean)
        : (blank(value) ?? []),
    z
      .array(z.string({ error: 'Give each reader as an email address' }).trim().toLowerCase(), {
        error: 'Give the readers as a list of email addresses',
      })
      .max(readersMax, `Name ${readersMax} readers or fewer`),
  ),
} as const;

export type FieldName = keyof typeof fieldRules;

/** The order of the fields on the form, which problems are listed in. */
const fieldOrder = [
  'org',
  'kind',
  'title',
  'metric',
  'periodFrom',
  'periodTo',
  'body',
  'visibility',
  'readers',
  'status',
  'baseVersion',
];

/** VALIDATION_FAILED listing every problem, in the order of the form's fields. */
export function validationFailed(unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder('narrative', unordered, fieldOrder);
}

/** NOT_FOUND for a narrative the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no narrative ${id} that you can read.`);
}

/** Runs one field's rule; a problem is pushed as `field: message`. */
export function checkField<Name extends FieldName>(
  name: Name,
  value: unknown,
  problems: string[],
): z.output<(typeof fieldRules)[Name]> | undefined {
  const parsed = fieldRules[name].safeParse(value);
  if (parsed.success) return parsed.data as z.output<(typeof fieldRules)[Name]>;
  problems.push(`${name}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return undefined;
}

/**
 * Checks a narrative's fields (`checkNarrativeFields`): each field's rule, then what needs the store —
 * the metric exists, every reader has an account — and the rules across fields: metric commentary
 * names its metric, the period starts on or before it ends. Problems are pushed; the fields are
 * returned when there are none.
 */
export async function checkNarrativeFields(
  db: Kysely<Database>,
  input: Record<string, unknown>,
  problems: string[],
): Promise<NarrativeFields | undefined> {
  const before = problems.length;
  const metric = checkField('metric', input.metric, problems);
  const kind = checkField('kind', input.kind, problems);
  const title = checkField('title', input.title, problems);
  const body = checkField('body', input.body, problems);
  const visibility = checkField('visibility', input.visibility, problems);
  const periodFrom = checkField('periodFrom', input.periodFrom, problems);
  const periodTo = checkField('periodTo', input.periodTo, problems);
  const readerEmails = checkField('readers', input.readers, problems);

  if (metric && !(await findMetric(db, metric)))
    problems.push(`metric: Tend has no metric with the id ${metric}; choose one from the list`);
  if (
    kind === 'metric_commentary' &&
    metric === undefined &&
    !problems.some((each) => each.startsWith('metric:'))
  )
    problems.push('metric: Choose the metric this commentary is about');
  if (periodFrom && periodTo && periodFrom > periodTo)
    problems.push('periodTo: The end of the period must be on or after its start');

  const readers: { id: number; email: string }[] = [];
  if (visibility === 'named' && readerEmails) {
    for (const email of [...new Set(readerEmails)]) {
      if (!z.email().safeParse(email).success) {
        problems.push(`readers: ${email.slice(0, 80)} is not an email address`);
        continue;
      }
      const user = await findUserByEmail(db, email);
      if (!user || user.disabled_at) problems.push(`readers: No one in Tend has the email address ${email}`);
      else readers.push({ id: user.id, email: user.email });
    }
  }
  if (problems.length > before) return undefined;
  return {
    metricId: metric ?? null,
    kind: kind as NarrativeKind,
    title: title as string,
    body: body as string,
    visibility: visibility as NarrativeVisibility,
    periodFrom: periodFrom ?? null,
    periodTo: periodTo ?? null,
    readers,
  };
}
