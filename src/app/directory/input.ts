import { z } from 'zod';
import { consentScopes, entrySources, outcomes } from '../../domain/improvement.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';

/**
 * The improvement directory's fields checked at the use cases' door: every problem listed at once as
 * `field: problem` (VALIDATION_FAILED) in the form's field order, the field named as the web form and
 * the JSON API name it.
 */

export const titleMax = 200;
export const narrativeMax = 10_000;
export const shortMax = 300;

/** Empty form fields and JSON nulls mean "not given". */
const blank = (value: unknown) => (value === '' || value === null ? undefined : value);

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const text = (max: number, label: string) =>
  z.preprocess(
    blank,
    z
      .string({ error: `Enter ${label}` })
      .transform((value) => value.replace(/\r\n?/g, '\n').trim())
      .refine((value) => value.length > 0, `Enter ${label}`)
      .refine(
        (value) => value.length <= max,
        `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`,
      ),
  );

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
      .optional(),
  );

const date = (label: string) =>
  z.preprocess(
    blank,
    z
      .string({ error: `Enter ${label} as YYYY-MM-DD` })
      .refine(isRealDate, `Enter ${label} as a real date, YYYY-MM-DD`),
  );

/** A date that may be left blank: a blank field (as a browser sends it) reads as no date. */
const optionalDate = (label: string) =>
  z.preprocess(
    blank,
    z
      .string({ error: `Enter ${label} as YYYY-MM-DD` })
      .refine(isRealDate, `Enter ${label} as a real date, YYYY-MM-DD`)
      .optional(),
  );

const code = z.preprocess(
  blank,
  z
    .string({ error: 'Enter an organisation code' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{2,20}$/, 'Enter an organisation code like RJ1'),
);

const metricId = z
  .string({ error: 'Choose a metric' })
  .trim()
  .min(1, 'Choose a metric')
  .max(200, 'A metric id is 200 characters or fewer');

/** One or more values from a form (repeated fields) or a JSON array. */
const list = <T extends z.ZodType>(item: T, missing: string) =>
  z.preprocess(
    (value) =>
      value === undefined || value === null || value === ''
        ? []
        : (Array.isArray(value) ? value : String(value).split(/[\s,]+/)).filter((entry) => entry !== ''),
    z.array(item).min(1, missing),
  );

const positiveId = (label: string) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: `Choose ${label}` })
      .int(`Choose ${label}`)
      .positive(`Choose ${label}`),
  );

const version = z.coerce
  .number({ error: 'version: the entry version is missing; reload the page' })
  .int()
  .positive();

export const entrySchema = z.object({
  org: code,
  metrics: list(metricId, 'Choose at least one metric'),
  title: text(titleMax, 'a title'),
  source: z.preprocess(
    blank,
    z.enum(entrySources, { error: 'Choose how the entry came to the directory' }).optional(),
  ),
  inquiry: z.preprocess(blank, positiveId('the learning review').optional()),
  what_they_did: text(narrativeMax, 'what they did'),
  what_did_not_work: optionalText(narrativeMax, 'What did not work'),
  effort: optionalText(narrativeMax, 'Effort'),
  resources: optionalText(narrativeMax, 'Resources'),
  period_start: optionalDate('the start of the improvement'),
  period_end: optionalDate('the end of the improvement'),
});
export const entryFields = Object.keys(entrySchema.shape);

export const revisionSchema = z.object({
  what_they_did: text(narrativeMax, 'what they did'),
  what_did_not_work: optionalText(narrativeMax, 'What did not work'),
  effort: optionalText(narrativeMax, 'Effort'),
  resources: optionalText(narrativeMax, 'Resources'),
  version,
});

export const contactSchema = z.object({
  name: text(shortMax, 'the contact’s name'),
  role: text(shortMax, 'the contact’s role'),
  email: z.preprocess(
    blank,
    z
      .string({ error: 'Enter the contact’s email address' })
      .trim()
      .email('Enter an email address like name@example.org'),
  ),
  consent_scope: z.preprocess(
    blank,
    z.enum(consentScopes, { error: 'Choose who the contact agreed may see their email address' }),
  ),
  consent_recorded_on: date('the date consent was recorded'),
  review_by: date('the review-by date'),
});

export const changeIdeaSchema = z.object({
  metric: metricId,
  name: text(titleMax, 'a name for the change idea'),
  summary: optionalText(narrativeMax, 'Summary'),
});

export const linkSchema = z.object({
  change_ideas: list(positiveId('a change idea'), 'Choose at least one change idea'),
});

export const adoptionSchema = z.object({
  org: code,
  adopted_on: date('the date it was adopted'),
  how_it_went: optionalText(narrativeMax, 'How it went'),
  outcome: z.preprocess(blank, z.enum(outcomes, { error: 'Choose how it went' }).optional()),
});

export const stepSchema = z.object({ version });

export const withdrawSchema = z.object({
  reason: text(shortMax * 3, 'why the entry is withdrawn'),
  version,
});

/**
 * Parses `input` with `schema`, or throws VALIDATION_FAILED listing every problem at once, in the
 * schema's field order.
 */
export function parseInput<Shape extends z.ZodRawShape>(
  thing: string,
  schema: z.ZodObject<Shape>,
  input: unknown,
  extraProblems: readonly string[] = [],
): z.infer<z.ZodObject<Shape>> {
  const values = input && typeof input === 'object' ? input : {};
  const parsed = schema.safeParse(values);
  const problems = [...extraProblems];
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'input');
      if (seen.has(field)) continue;
      seen.add(field);
      problems.push(`${field}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw validationFailedInFieldOrder(thing, problems, Object.keys(schema.shape));
  if (!parsed.success) throw new AppError('INTERNAL', 'Input failed to parse without a problem.');
  return parsed.data;
}
