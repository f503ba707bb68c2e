import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  closingReasons,
  factorControls,
  inquiryKinds,
  type Participant,
  type ParticipantGroup,
  type PromptField,
  participantGroups,
  promptDomains,
  workingStates,
} from '../../domain/inquiry.ts';
import { narrativeVisibilities } from '../../domain/people.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import type { Database } from '../../store/tables.ts';
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
 * An inquiry's fields checked at the use cases' door: every problem is listed at once as
 * `field: problem` (VALIDATION_FAILED), the field named as the web form and the JSON API name it.
 */

export const titleMax = 200;
export const answerMax = 10_000;
export const noteMax = 10_000;
export const shortMax = 300;
const participantsMax = 50;

const orgCode = organisationCode;

const positiveId = (message: string) =>
  z.preprocess(blank, z.coerce.number({ error: message }).int(message).min(1, message).optional());

/** Each field's own rule: checked one by one so that every field's problem is reported. */
export const fieldRules = {
  org: orgCode('Give the ODS code of the organisation'),
  kind: z.preprocess(
    (value) => blank(value) ?? 'inquiry',
    z.enum(inquiryKinds, { error: 'Choose an inquiry or a learning review' }),
  ),
  title: text(titleMax, 'Enter a title', 'Title'),
  metric: z.preprocess(
    blank,
    z
      .string({ error: 'Choose a metric from the list' })
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Choose a metric from the list')
      .optional(),
  ),
  signal: positiveId('Give the number of the signal'),
  domain: z.preprocess(
    blank,
    z.enum(promptDomains, { error: 'Choose which prompts the inquiry opens with' }).optional(),
  ),
  visibility: z.enum(narrativeVisibilities, { error: 'Choose who can read it' }),
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
      .max(100, 'Name 100 readers or fewer'),
  ),
  message: optionalText(2_000, 'The message'),
  reason: text(2_000, 'Say why you are declining', 'The reason'),
  learningSummary: optionalText(answerMax, 'The learning summary'),
  state: z.enum(workingStates, {
    error: 'Choose a stage: opened, gathering, sense-making or actions agreed',
  }),
  closingReason: z.enum(closingReasons, { error: 'Choose why the inquiry is closing' }),
  closingNote: optionalText(2_000, 'The closing note'),
  passedTo: optionalText(shortMax, 'The partner'),
  followUpDate: isoDate('Enter the date to follow up, as YYYY-MM-DD'),
  noteDate: isoDate('Enter the date of the note, as YYYY-MM-DD'),
  noteText: text(noteMax, 'Enter the note', 'The note'),
  factor: text(2_000, 'Describe the contributing factor', 'The factor'),
  control: z.enum(factorControls, { error: 'Say whether it is within our control or with a system partner' }),
  partner: optionalText(shortMax, 'The partner'),
  action: text(2_000, 'Describe the action', 'The action'),
  owner: text(shortMax, 'Say who owns the action', 'The owner'),
  due: z.preprocess(blank, isoDate('Enter the due date as YYYY-MM-DD').optional()),
  baseVersion: positiveId('Give the version the change is based on'),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

/** The order of the fields on the forms, which problems are listed in. */
const fieldOrder = [
  'org',
  'kind',
  'title',
  'metric',
  'signal',
  'domain',
  'message',
  'visibility',
  'readers',
  'participants',
  'answers',
  'reason',
  'state',
  'noteDate',
  'noteText',
  'factor',
  'control',
  'partner',
  'action',
  'owner',
  'due',
  'learningSummary',
  'closingReason',
  'passedTo',
  'closingNote',
  'followUpDate',
  'baseVersion',
];

/** VALIDATION_FAILED listing every problem, in the order of the form's fields. */
export function validationFailed(unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder('inquiry', unordered, fieldOrder, (field) =>
    field.replace(/^answer_.*/, 'answers'),
  );
}

/** NOT_FOUND for an inquiry the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no inquiry ${id} that you can read.`);
}

/**
 * The answers to a prompt set's questions (`checkAnswers`): from `answers` (an object keyed by field
 * id, as the API sends) or from form fields named `answer_<id>`. Only the set's fields are kept; each
 * is at most 10,000 characters. Required questions are checked only when `requireAll` (closing).
 */
export function checkAnswers(
  fields: readonly PromptField[],
  input: Record<string, unknown>,
  problems: string[],
  options: { requireAll?: boolean; previous?: Record<string, string> } = {},
): Record<string, string> {
  const given = valuesOf(input.answers);
  const answers: Record<string, string> = { ...(options.previous ?? {}) };
  for (const field of fields) {
    const raw = given[field.id] !== undefined ? given[field.id] : input[`answer_${field.id}`];
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'string') {
        problems.push(`answer_${field.id}: ${field.label} must be text`);
        continue;
      }
      const value = raw.replace(/\r\n?/g, '\n').trim();
      if (value.length > answerMax)
        problems.push(
          `answer_${field.id}: ${field.label} must be ${answerMax.toLocaleString('en-GB')} characters or fewer`,
        );
      else if (value) answers[field.id] = value;
      else delete answers[field.id];
    }
    if (options.requireAll && field.required && !answers[field.id])
      problems.push(`answer_${field.id}: Answer “${field.label}” before closing`);
  }
  for (const key of Object.keys(answers)) if (!fields.some((field) => field.id === key)) delete answers[key];
  return answers;
}

const participantSchema = z.object({
  group: z.enum(participantGroups, { error: 'group must be staff, patients or partners' }),
  role: z.string({ error: 'role must be text' }).trim().min(1, 'give each participant a role').max(shortMax),
  name: z.preprocess(blank, z.string().trim().max(shortMax).optional()),
  count: z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).optional()),
});

/**
 * One participant per line of a form's text box (`parseParticipantLines`): `role`, optionally
 * `role: name`, optionally ending with a count in brackets — "Ward sisters (3)", "GP: Dr Amir Khan".
 */
export function parseParticipantLines(group: ParticipantGroup, textValue: string): Participant[] {
  return textValue
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const counted = /^(.*?)\s*\((\d{1,6})\)$/.exec(line);
      const body = counted ? counted[1] : line;
      const colon = body.indexOf(':');
      const role = (colon > 0 ? body.slice(0, colon) : body).trim();
      const name = colon > 0 ? body.slice(colon + 1).trim() || null : null;
      return { group, role, name, count: counted ? Number(counted[2]) : null };
    });
}

/** Participants as a form shows them: one text box per group, one line each. */
export function participantLines(participants: readonly Participant[], group: ParticipantGroup): string {
  return participants
    .filter((each) => each.group === group)
    .map((each) => `${each.role}${each.name ? `: ${each.name}` : ''}${each.count ? ` (${each.count})` : ''}`)
    .join('\n');
}

/**
 * The participants of an inquiry (`checkParticipants`): an array of `{ group, role, name?, count? }`
 * (API), or form text boxes `participants_staff`, `participants_patients`, `participants_partners`.
 * Undefined when none were given, so a change keeps what was there.
 */
export function checkParticipants(
  input: Record<string, unknown>,
  problems: string[],
): Participant[] | undefined {
  let raw: unknown = input.participants;
  const boxes = participantGroups.filter((group) => typeof input[`participants_${group}`] === 'string');
  if (raw === undefined && boxes.length)
    raw = boxes.flatMap((group) => parseParticipantLines(group, input[`participants_${group}`] as string));
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    problems.push('participants: Give the participants as a list');
    return undefined;
  }
  if (raw.length > participantsMax) {
    problems.push(`participants: Name ${participantsMax} participants or fewer`);
    return undefined;
  }
  const participants: Participant[] = [];
  for (const [index, each] of raw.entries()) {
    const parsed = participantSchema.safeParse(each);
    if (!parsed.success) {
      problems.push(
        `participants: Participant ${index + 1}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`,
      );
      continue;
    }
    participants.push({
      group: parsed.data.group,
      role: parsed.data.role,
      name: parsed.data.name ?? null,
      count: parsed.data.count ?? null,
    });
  }
  return participants;
}

/** The people named as readers, each with an account (`checkReaders`); problems pushed for the rest. */
export async function checkReaders(
  db: Kysely<Database>,
  emails: readonly string[],
  problems: string[],
): Promise<{ id: number; email: string }[]> {
  const readers: { id: number; email: string }[] = [];
  for (const email of [...new Set(emails)]) {
    if (!z.email().safeParse(email).success) {
      problems.push(`readers: ${email.slice(0, 80)} is not an email address`);
      continue;
    }
    const user = await findUserByEmail(db, email);
    if (!user || user.disabled_at) problems.push(`readers: No one in Tend has the email address ${email}`);
    else readers.push({ id: user.id, email: user.email });
  }
  return readers;
}

export { valuesOf };
