import { z } from 'zod';
import { boardMemberRoles } from '../../domain/board.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import { blank, fieldChecker, optionalText, text, valuesOf } from '../input-fields.ts';

/**
 * A board's, member's, commentary's and reply's fields checked at the use cases' door: every problem
 * is listed at once as `field: problem` (VALIDATION_FAILED), each field named as the web forms and
 * the JSON API name it.
 */

export const nameMax = 200;
export const titleMax = 200;
export const subjectMax = 200;
export const bodyMax = 10_000;
export const reasonMax = 2_000;

const isoDate = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, missing)
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), missing);

/** A checkbox or JSON boolean: "on", "true", "yes" or true mean yes; anything else no. */
const yesNo = z.preprocess(
  (value) => value === true || value === 'on' || value === 'true' || value === 'yes',
  z.boolean(),
);

/** Each field's own rule: checked one by one so that every field's problem is reported. */
export const fieldRules = {
  org: z
    .string({ error: 'Give the ODS code of the organisation or system the board is for' })
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'Give the ODS code of the organisation or system the board is for')
    .transform((code) => code.toUpperCase()),
  name: text(nameMax, 'Enter a name', 'The name'),
  role: z.enum(boardMemberRoles, { error: 'Choose the member’s role: staff, patient or lay' }),
  userId: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Give the member’s user id, or leave it empty' })
      .int('Give the member’s user id, or leave it empty')
      .min(1, 'Give the member’s user id, or leave it empty')
      .optional(),
  ),
  namePublic: yesNo,
  isChair: yesNo,
  termFrom: isoDate('Give the date the term starts, as YYYY-MM-DD'),
  termTo: z.preprocess(
    blank,
    isoDate('Give the date the term ends as YYYY-MM-DD, or leave it empty').optional(),
  ),
  subject: text(
    subjectMax,
    'Say what the commentary is about: a narrative, a metric or a decision',
    'The subject',
  ),
  title: text(titleMax, 'Enter a title', 'The title'),
  body: text(bodyMax, 'Write the commentary', 'The commentary'),
  submit: yesNo,
  decision: z.enum(['publish', 'restrict'], {
    error: 'Choose whether to publish or restrict the commentary',
  }),
  reason: optionalText(reasonMax, 'The reason'),
  reply: text(bodyMax, 'Write the reply', 'The reply'),
  whatWeChanged: optionalText(bodyMax, 'What we changed'),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

/** The order of the fields on the forms, which problems are listed in. */
const fieldOrder: readonly FieldName[] = [
  'org',
  'name',
  'role',
  'userId',
  'namePublic',
  'isChair',
  'termFrom',
  'termTo',
  'subject',
  'title',
  'body',
  'submit',
  'decision',
  'reason',
  'reply',
  'whatWeChanged',
];

/** VALIDATION_FAILED listing every problem, in the order of the form's fields (`validationFailed`). */
export function validationFailed(thing: string, unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder(thing, unordered, fieldOrder);
}

/** NOT_FOUND for a board or commentary the actor cannot read, worded so that its existence is not revealed. */
export function notFound(what: 'board' | 'commentary', id: number): AppError {
  return new AppError('NOT_FOUND', `There is no ${what} ${id} that you can read.`);
}

export { valuesOf };
