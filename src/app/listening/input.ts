import { z } from 'zod';
import { listeningKinds, participantGroups } from '../../domain/listening.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import {
  blank,
  fieldChecker,
  isoDate,
  optionalText,
  organisationCode,
  text,
  valuesOf,
} from '../input-fields.ts';

/**
 * A listening inquiry's fields checked at the use cases' door: every problem is listed at once as
 * `field: problem` (VALIDATION_FAILED), each field named as the web forms and the JSON API name it.
 * Lists (who took part, themes, quotes, organisations, metrics) are arrays.
 */

export const questionMax = 500;
export const themeMax = 2_000;
export const quoteMax = 2_000;
export const longTextMax = 10_000;
export const listMax = 50;

const participant = z.object({
  group: z.enum(participantGroups, {
    error: 'Say which group took part: staff, patients, families or community',
  }),
  count: z.coerce
    .number({ error: 'Give how many took part, a whole number' })
    .int('Give how many took part, a whole number')
    .min(0, 'Give how many took part, a whole number')
    .max(1_000_000, 'Give how many took part, a whole number'),
  roles: z.preprocess(blank, z.string().trim().max(500, 'Roles must be 500 characters or fewer').optional()),
  names: z.preprocess(
    blank,
    z.string().trim().max(2_000, 'Names must be 2,000 characters or fewer').optional(),
  ),
});

const quote = z.object({
  text: text(quoteMax, 'Write the quote', 'A quote'),
  speaker: z.preprocess(
    blank,
    z.string().trim().max(200, 'Who said it must be 200 characters or fewer').optional(),
  ),
  consent: z.boolean({ error: 'Say whether consent to quote it was recorded: true or false' }),
});

const metricId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,120}$/, 'Give metric ids such as ae-4hr-type1');

/** Each field's own rule: checked one by one so that every field's problem is reported. */
export const fieldRules = {
  convenor: organisationCode('Give the ODS code of the organisation, place or ICB convening it'),
  kind: z.preprocess(
    (value) => blank(value) ?? 'inquiry',
    z.enum(listeningKinds, { error: 'Choose a listening inquiry or a system listening assembly' }),
  ),
  question: text(questionMax, 'Enter the question you are asking', 'The question'),
  participants: z
    .array(participant, { error: 'List who took part' })
    .min(1, 'Say who took part: at least one group')
    .max(4, 'List each group once'),
  themes: z
    .array(text(themeMax, 'A theme is empty', 'A theme'), { error: 'List the themes heard' })
    .max(listMax, `List at most ${listMax} themes`),
  quotes: z.array(quote, { error: 'List the quotes' }).max(listMax, `List at most ${listMax} quotes`),
  orgs: z
    .array(organisationCode('Give ODS codes of the organisations it concerns'), {
      error: 'List the organisations it concerns',
    })
    .max(listMax, `List at most ${listMax} organisations`),
  metrics: z
    .array(metricId, { error: 'List the metrics it concerns' })
    .max(listMax, `List at most ${listMax} metrics`),
  whatWillChange: optionalText(longTextMax, 'What will change'),
  reportBackBy: z.preprocess(
    blank,
    isoDate('Give the date you will report back by as YYYY-MM-DD').optional(),
  ),
  rawNotes: optionalText(50_000, 'The raw notes'),
  reportBack: text(longTextMax, 'Write the report back: what changed, and what did not', 'The report back'),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

const fieldOrder: readonly FieldName[] = [
  'convenor',
  'kind',
  'question',
  'participants',
  'themes',
  'quotes',
  'orgs',
  'metrics',
  'whatWillChange',
  'reportBackBy',
  'rawNotes',
  'reportBack',
];

/** VALIDATION_FAILED listing every problem, in the order of the form's fields (`validationFailed`). */
export function validationFailed(unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder('listening inquiry', unordered, fieldOrder, (field) =>
    field.replace(/\..*$/, ''),
  );
}

/** NOT_FOUND for an inquiry the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no listening inquiry ${id} that you can read.`);
}

export { valuesOf };
