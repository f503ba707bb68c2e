import { z } from 'zod';

/**
 * The field rules the write use cases' inputs share (inquiries, reviews, escalations…): text that is
 * trimmed and bounded, real ISO dates, organisation codes, and `fieldChecker`, which runs one field's
 * rule at a time so that every field's problem is reported at once (see `validationFailedInFieldOrder`
 * in src/errors.ts). Messages are written for the person filling in the form.
 */

/** Empty form fields and JSON nulls mean "not given". */
export const blank = (value: unknown): unknown => (value === '' || value === null ? undefined : value);

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (no 31 February). */
export function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** A required real date, `YYYY-MM-DD`. */
export const isoDate = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .refine((value) => value.length > 0, missing)
    .refine(isRealDate, 'Enter a real date as YYYY-MM-DD, such as 2026-03-01');

/** Required text of at most `max` characters, line endings made `\n`, trimmed. */
export const text = (max: number, missing: string, label: string) =>
  z
    .string({ error: missing })
    .transform((value) => value.replace(/\r\n?/g, '\n').trim())
    .refine((value) => value.length > 0, missing)
    .refine(
      (value) => value.length <= max,
      `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    );

/** Optional text of at most `max` characters; empty means not given. */
export const optionalText = (max: number, label: string) =>
  z.preprocess(
    blank,
    z
      .string({ error: `${label} must be text` })
      .transform((value) => value.replace(/\r\n?/g, '\n').trim())
      .refine(
        (value) => value.length <= max,
        `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`,
      )
      .optional(),
  );

/** An organisation's code (ODS or Tend's own for a team): 2 to 10 letters and digits, upper-cased. */
export const organisationCode = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, message)
    .transform((value) => value.toUpperCase());

/** The values of an input object (a form's body or an API's JSON), or an empty one. */
export function valuesOf(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : {};
}

/**
 * `checkField` for a set of field rules: runs one field's rule and returns its value, or pushes its
 * problem as `field: message` and returns undefined.
 */
export function fieldChecker<Rules extends Record<string, z.ZodType>>(rules: Rules) {
  return function checkField<Name extends keyof Rules & string>(
    name: Name,
    value: unknown,
    problems: string[],
  ): z.output<Rules[Name]> | undefined {
    const parsed = rules[name].safeParse(value);
    if (parsed.success) return parsed.data as z.output<Rules[Name]>;
    problems.push(`${name}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
    return undefined;
  };
}
