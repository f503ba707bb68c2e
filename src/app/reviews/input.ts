import { z } from 'zod';
import {
  type ActionOwnerSide,
  type AttendeeSide,
  actionOwnerSides,
  attendeeSides,
} from '../../domain/improvement.ts';
import { parseFinancialQuarter } from '../../domain/period.ts';
import { formatQuarterLabel, parseQuarterLabel } from '../../domain/quarter.ts';
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
 * A review's fields checked at the use cases' door: every problem listed at once as `field: problem`
 * (VALIDATION_FAILED), each field named as the web form and the JSON API name it. Lists (attendees,
 * offers, agreed actions) come as arrays from the API, or from the form's numbered fields.
 */

export const notesMax = 20_000;
export const shortMax = 300;
const attendeesMax = 60;
const offersMax = 60;
const actionsMax = 30;
/** How many empty agreed-action rows the record-the-meeting form offers. */
export const actionRowsOnForm = 3;

const code = organisationCode;

/** A financial quarter written like "Q2 2026/27", returned in that form. */
const quarter = z
  .string({ error: 'Give the quarter, such as Q2 2026/27' })
  .trim()
  .transform((value) => value.toUpperCase())
  .refine((value) => parseFinancialQuarter(value) !== undefined, 'Give the quarter like Q2 2026/27')
  .transform((value) => {
    const parts = parseQuarterLabel(value);
    return parts ? formatQuarterLabel(parts.quarter, parts.startYear) : value;
  });

/** Each field's own rule. */
export const fieldRules = {
  org: code('Give the ODS code of the organisation'),
  quarter,
  overseer: z.preprocess(blank, code('Give the code of the region or ICB leading the review').optional()),
  heldOn: isoDate('Enter the date the meeting was held, as YYYY-MM-DD'),
  notes: optionalText(notesMax, 'The notes'),
  followUpOn: z.preprocess(blank, isoDate('Enter the follow-up date as YYYY-MM-DD').optional()),
  baseVersion: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Give the version the record is based on' })
      .int('Give the version the record is based on')
      .min(1, 'Give the version the record is based on')
      .optional(),
  ),
  status: z.enum(['done', 'dropped'], { error: 'Choose done or dropped' }),
  completedOn: z.preprocess(blank, isoDate('Enter the date it was done, as YYYY-MM-DD').optional()),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

const fieldOrder = [
  'org',
  'quarter',
  'overseer',
  'heldOn',
  'attendees',
  'notes',
  'offers',
  'actions',
  'followUpOn',
  'baseVersion',
  'status',
  'completedOn',
];

/** VALIDATION_FAILED listing every problem in the order of the form's fields. */
export function validationFailed(unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder('review', unordered, fieldOrder, (field) =>
    field.replace(/^action_\d+_.*/, 'actions'),
  );
}

/** NOT_FOUND for a review the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no review ${id} that you can read.`);
}

export interface AttendeeInput {
  name: string;
  role: string;
  side: AttendeeSide;
}

const attendeeSchema = z.object({
  name: text(shortMax, 'give each attendee a name', 'A name'),
  role: z.preprocess(
    (value) => blank(value) ?? '',
    z.string({ error: 'role must be text' }).trim().max(shortMax),
  ),
  side: z.enum(attendeeSides, { error: 'side must be organisation, overseer or other' }),
});

/**
 * The attendees (`checkAttendees`): an array of `{ name, role, side }` (API), or the form's text boxes
 * `attendees_organisation`, `attendees_overseer`, `attendees_other`, one "Name, role" a line.
 */
export function checkAttendees(input: Record<string, unknown>, problems: string[]): AttendeeInput[] {
  let raw: unknown = input.attendees;
  const boxes = attendeeSides.filter((side) => typeof input[`attendees_${side}`] === 'string');
  if (raw === undefined && boxes.length)
    raw = boxes.flatMap((side) =>
      (input[`attendees_${side}`] as string)
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const comma = line.indexOf(',');
          return comma > 0
            ? { name: line.slice(0, comma), role: line.slice(comma + 1), side }
            : { name: line, role: '', side };
        }),
    );
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('attendees: Give the attendees as a list');
    return [];
  }
  if (raw.length > attendeesMax) {
    problems.push(`attendees: Name ${attendeesMax} attendees or fewer`);
    return [];
  }
  const attendees: AttendeeInput[] = [];
  for (const [index, each] of raw.entries()) {
    const parsed = attendeeSchema.safeParse(each);
    if (parsed.success) attendees.push(parsed.data);
    else
      problems.push(`attendees: Attendee ${index + 1}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  }
  return attendees;
}

export interface OfferInput {
  metric: string;
  from: string;
  entryId: number | null;
  accepted: boolean;
}

const offerSchema = z.object({
  metric: z
    .string({ error: 'metric must be a metric id' })
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'metric must be a metric id'),
  from: code('from must be the ODS code of the organisation offering help'),
  entryId: z.preprocess(blank, z.coerce.number().int().min(1).optional()),
  accepted: z.preprocess((value) => value === true || value === 'true' || value === 'yes', z.boolean()),
});

/** An offer as a form's checkbox value: `metric|org|entry` (entry empty for a candidate). */
export function offerKey(offer: { metric: string; from: string; entryId: number | null }): string {
  return `${offer.metric}|${offer.from}|${offer.entryId ?? ''}`;
}

/**
 * The offers of help made in the meeting (`checkOffers`): an array of `{ metric, from, entryId?,
 * accepted }` (API), or the form's checkboxes `offersMade` and `offersAccepted` of `offerKey`s (an
 * accepted offer counts as made).
 */
export function checkOffers(input: Record<string, unknown>, problems: string[]): OfferInput[] {
  let raw: unknown = input.offers;
  if (raw === undefined && (input.offersMade !== undefined || input.offersAccepted !== undefined)) {
    const list = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
    const accepted = new Set(list(input.offersAccepted).map(String));
    const keys = [...new Set([...list(input.offersMade).map(String), ...accepted])];
    raw = keys.map((key) => {
      const [metric, from, entry] = key.split('|');
      return { metric, from, entryId: entry || undefined, accepted: accepted.has(key) };
    });
  }
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('offers: Give the offers as a list');
    return [];
  }
  if (raw.length > offersMax) {
    problems.push(`offers: Record ${offersMax} offers or fewer`);
    return [];
  }
  const offers: OfferInput[] = [];
  for (const [index, each] of raw.entries()) {
    const parsed = offerSchema.safeParse(each);
    if (parsed.success) offers.push({ ...parsed.data, entryId: parsed.data.entryId ?? null });
    else problems.push(`offers: Offer ${index + 1}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  }
  return offers;
}

export interface ActionInput {
  description: string;
  ownerSide: ActionOwnerSide;
  ownerEmail: string | null;
  ownerName: string | null;
  due: string;
  support: string;
  supportBy: string | null;
}

const actionSchema = z.object({
  description: text(2_000, 'describe the action', 'The action'),
  ownerSide: z.enum(actionOwnerSides, { error: 'choose whether the organisation or the overseer owns it' }),
  ownerEmail: z.preprocess(blank, z.email('give the owner’s email address as name@example.org').optional()),
  ownerName: optionalText(shortMax, 'The owner’s name'),
  due: isoDate('enter the due date as YYYY-MM-DD'),
  support: optionalText(2_000, 'The support offered'),
  supportBy: z.preprocess(blank, code('give the ODS code of the organisation offering support').optional()),
});

/**
 * The agreed actions (`checkActions`): an array of `{ description, ownerSide, ownerEmail?, ownerName?,
 * due, support?, supportBy? }` (API), or the form's rows `action_<n>_description` … (a row with no
 * description is left out). Each names an owner: a Tend user by email, or a name.
 */
export function checkActions(input: Record<string, unknown>, problems: string[]): ActionInput[] {
  let raw: unknown = input.actions;
  if (raw === undefined) {
    const rows: Record<string, unknown>[] = [];
    for (let row = 1; row <= actionsMax; row++) {
      const field = (name: string) => input[`action_${row}_${name}`];
      if (typeof field('description') !== 'string' || !(field('description') as string).trim()) continue;
      rows.push({
        description: field('description'),
        ownerSide: field('owner_side'),
        ownerEmail: field('owner_email'),
        ownerName: field('owner_name'),
        due: field('due'),
        support: field('support'),
        supportBy: field('support_by'),
      });
    }
    raw = rows;
  }
  if (raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('actions: Give the agreed actions as a list');
    return [];
  }
  if (raw.length > actionsMax) {
    problems.push(`actions: Agree ${actionsMax} actions or fewer`);
    return [];
  }
  const actions: ActionInput[] = [];
  for (const [index, each] of raw.entries()) {
    const parsed = actionSchema.safeParse(each);
    const given = valuesOf(each);
    const named = [given.ownerEmail, given.ownerName].some(
      (value) => typeof value === 'string' && value.trim(),
    );
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        problems.push(`actions: Action ${index + 1}: ${issue.message}`);
    if (!named)
      problems.push(`actions: Action ${index + 1}: name its owner, or give a Tend user’s email address`);
    if (!parsed.success || !named) continue;
    const action = parsed.data;
    actions.push({
      description: action.description,
      ownerSide: action.ownerSide,
      ownerEmail: action.ownerEmail?.toLowerCase() ?? null,
      ownerName: action.ownerName ?? null,
      due: action.due,
      support: action.support ?? '',
      supportBy: action.supportBy ?? null,
    });
  }
  return actions;
}

/** The ISO date `days` after `day`. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export { valuesOf };
