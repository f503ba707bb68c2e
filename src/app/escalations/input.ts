import { z } from 'zod';
import { escalationTopics, wouldRaiseAgainAnswers } from '../../domain/improvement.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import { blank, fieldChecker, optionalText, text, valuesOf } from '../input-fields.ts';

/**
 * An escalation's fields checked at the use cases' door: every problem is listed at once as
 * `field: problem` (VALIDATION_FAILED), each field named as the web form and the JSON API name it.
 */

export const titleMax = 200;
export const bodyMax = 10_000;
export const noteMax = 2_000;

/** Each field's own rule: checked one by one so that every field's problem is reported. */
export const fieldRules = {
  org: z
    .string({ error: 'Give the ODS code of the organisation raising the concern' })
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'Give the ODS code of the organisation raising the concern')
    .transform((code) => code.toUpperCase()),
  recipient: z
    .string({ error: 'Choose who to raise the concern with: your region or your ICB' })
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'Choose who to raise the concern with: your region or your ICB')
    .transform((code) => code.toUpperCase()),
  topic: z.enum(escalationTopics, {
    error: 'Choose what the concern is about: performance, finance or quality',
  }),
  title: text(titleMax, 'Enter a title', 'The title'),
  body: text(bodyMax, 'Describe the concern', 'The concern'),
  note: optionalText(noteMax, 'The note'),
  response: text(bodyMax, 'Write the response', 'The response'),
  wouldRaiseAgain: z.enum(wouldRaiseAgainAnswers, {
    error: 'Say whether you would raise a concern this way again: yes, no or not sure',
  }),
  comment: optionalText(noteMax, 'The comment'),
  baseVersion: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Give the version the change is based on' })
      .int('Give the version the change is based on')
      .min(1, 'Give the version the change is based on')
      .optional(),
  ),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

/** The order of the fields on the forms, which problems are listed in. */
const fieldOrder = [
  'org',
  'recipient',
  'topic',
  'title',
  'body',
  'note',
  'response',
  'wouldRaiseAgain',
  'comment',
  'baseVersion',
];

/** VALIDATION_FAILED listing every problem, in the order of the form's fields (`validationFailed`). */
export function validationFailed(unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder('escalation', unordered, fieldOrder);
}

/** NOT_FOUND for an escalation the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no escalation ${id} that you can read.`);
}

export { valuesOf };
