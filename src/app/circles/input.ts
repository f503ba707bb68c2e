import { z } from 'zod';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import { blank, fieldChecker, text, valuesOf } from '../input-fields.ts';

/**
 * The fields of circles, their meetings and journal entries, checked at the use cases' door: every
 * problem is listed at once as `field: problem` (VALIDATION_FAILED), each field named as the web
 * forms and the JSON API name it.
 */

export const nameMax = 120;
export const textMax = 10_000;
export const titleMax = 200;
export const circleKeeps = ['dates', 'themes', 'notes'] as const;

/** How each choice of what a circle keeps reads on the pages. */
export const circleKeepsLabels: Record<(typeof circleKeeps)[number], string> = {
  dates: 'Meeting dates only',
  themes: 'Meeting dates and themes',
  notes: 'Meeting dates, themes and notes',
};

const optionalText = (max: number, label: string) =>
  z.preprocess(
    blank,
    z
      .string({ error: `${label} must be text` })
      .transform((value) => value.replace(/\r\n?/g, '\n').trim())
      .refine(
        (value) => value.length <= max,
        `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`,
      )
      .transform((value) => (value === '' ? undefined : value))
      .optional(),
  );

const email = z
  .string({ error: 'Enter the email address of a Tend user' })
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter the email address of a Tend user'));

const id = (what: string) =>
  z.coerce
    .number({ error: `Choose ${what}` })
    .int(`Choose ${what}`)
    .min(1, `Choose ${what}`);

/** Each field's own rule: checked one by one so that every field's problem is reported. */
export const fieldRules = {
  name: text(nameMax, 'Enter a name for the circle', 'The name'),
  whatIsKept: z.enum(circleKeeps, {
    error: 'Choose what the circle keeps: dates only, themes, or notes',
  }),
  members: z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(/[\s,;]+/)
            .map((each) => each.trim())
            .filter((each) => each !== '')
        : (blank(value) ?? []),
    z
      .array(email, { error: 'List the members by email address' })
      .max(50, 'A circle has 50 members or fewer'),
  ),
  email,
  userId: id('the member to remove'),
  metOn: z
    .string({ error: 'Enter the date the circle met' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date the circle met as YYYY-MM-DD')
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'Enter a real date'),
  themes: optionalText(textMax, 'The themes'),
  notes: optionalText(textMax, 'The notes'),
  title: text(titleMax, 'Enter a title', 'The title'),
  body: text(textMax, 'Write the entry', 'The entry'),
  circle: id('a circle you belong to'),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

const fieldOrder = [
  'name',
  'whatIsKept',
  'members',
  'email',
  'userId',
  'metOn',
  'themes',
  'notes',
  'title',
  'body',
  'circle',
];

/** VALIDATION_FAILED listing every problem, in the order of the form's fields (`validationFailed`). */
export function validationFailed(unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder('circle', unordered, fieldOrder);
}

/** NOT_FOUND for a circle the actor cannot read, worded so that its existence is not revealed. */
export function circleNotFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no circle ${id} that you belong to.`);
}

/** NOT_FOUND for a journal entry the actor cannot read, worded so that its existence is not revealed. */
export function entryNotFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no journal entry ${id} that you can read.`);
}

export { valuesOf };
