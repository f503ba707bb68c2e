import { z } from 'zod';
import { proposalDecisions, sharingRules } from '../../domain/risk-sharing.ts';
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
 * A risk-sharing agreement's fields checked at the use cases' door: every problem is listed at once
 * as `field: problem` (VALIDATION_FAILED), each field named as the web forms and the JSON API name it.
 * Parties come as `parties` (a list of ODS codes, or of `{ org, share }`), or from the form as the
 * ticked `parties` and each one's `share_<CODE>`. Amounts are whole £ thousands.
 */

export const titleMax = 200;
export const textMax = 10_000;
export const shareMax = 500;
/** At most this many parties to one agreement. */
export const partiesMax = 40;
/** The largest amount Tend holds, in £ thousands (£100bn). */
export const thousandsMax = 100_000_000;

const thousands = (message: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.replace(/[£,\s]/g, '') : value),
    z.coerce
      .number({ error: message })
      .int(message)
      .refine(
        (value) => Math.abs(value) <= thousandsMax,
        'The amount must be at most £100bn (100,000,000 thousand)',
      ),
  );

export const fieldRules = {
  icb: organisationCode('Give the ODS code of the integrated care board'),
  title: text(titleMax, 'Enter a title', 'The title'),
  baseline: text(textMax, 'Describe the baseline, such as the system’s control total', 'The baseline'),
  baselineThousands: z.preprocess(
    blank,
    thousands(
      'Enter the baseline as a whole number of £ thousands, such as -12400, or leave it empty',
    ).optional(),
  ),
  rule: z.enum(sharingRules, {
    error: 'Choose how the parties share: equally, by budget, by need, by performance, or as described',
  }),
  ruleDescription: optionalText(textMax, 'The description of the rule'),
  share: optionalText(shareMax, 'The share'),
  status: z.enum(['agreed', 'ended'], { error: 'Choose whether the agreement is agreed or ended' }),
  dueOn: isoDate('Enter the date of the review'),
  heldOn: isoDate('Enter the date the review was held'),
  notes: optionalText(textMax, 'The notes'),
  supporting: organisationCode('Choose the party that gives support'),
  supported: organisationCode('Choose the party that is supported'),
  amount: z.preprocess(
    blank,
    thousands('Enter the amount as a whole number of £ thousands, such as 350').refine(
      (value) => value > 0,
      'The amount must be more than £0',
    ),
  ),
  why: text(textMax, 'Say why this support is proposed', 'The reason'),
  peerReview: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Give the number of a peer review, or leave it empty' })
      .int()
      .positive()
      .optional(),
  ),
  directoryEntry: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Give the number of an improvement directory entry, or leave it empty' })
      .int()
      .positive()
      .optional(),
  ),
  decision: z.enum(proposalDecisions, { error: 'Choose whether your organisation agrees' }),
  party: z.preprocess(blank, organisationCode('Give the ODS code of the party you decide for').optional()),
  note: optionalText(textMax, 'The note'),
} as const;

export type FieldName = keyof typeof fieldRules;

export const checkField = fieldChecker(fieldRules);

const fieldOrder: readonly string[] = [
  'icb',
  'title',
  'baseline',
  'baselineThousands',
  'rule',
  'ruleDescription',
  'parties',
  'status',
  'dueOn',
  'heldOn',
  'notes',
  'supporting',
  'supported',
  'amount',
  'why',
  'peerReview',
  'directoryEntry',
  'party',
  'decision',
  'note',
];

/** VALIDATION_FAILED listing every problem in the order of the form's fields (`validationFailed`). */
export function validationFailed(thing: string, unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder(thing, unordered, fieldOrder, (field) =>
    field.startsWith('share_') ? 'parties' : field,
  );
}

/** NOT_FOUND for an agreement the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no risk-sharing agreement ${id} that you can read.`);
}

/** One party as given. */
export interface PartyInput {
  readonly org: string;
  readonly share: string | null;
}

/**
 * The parties (`checkParties`): from `parties` as a list of codes or `{ org, share }`, or the form's
 * ticked `parties` (one value or several) with `share_<CODE>`. At least two, each once.
 */
export function checkParties(values: Record<string, unknown>, problems: string[]): PartyInput[] {
  const given = values.parties === undefined || values.parties === '' ? [] : [values.parties].flat();
  const parties: PartyInput[] = [];
  for (const item of given.slice(0, partiesMax + 1)) {
    const each = typeof item === 'object' && item !== null ? valuesOf(item) : { org: item };
    const code = organisationCode('x').safeParse(each.org);
    if (!code.success) {
      problems.push('parties: Give each party as the ODS code of one of the system’s providers');
      return [];
    }
    const share = fieldRules.share.safeParse(each.share ?? values[`share_${code.data}`]);
    if (!share.success)
      problems.push(`share_${code.data}: ${share.error.issues[0]?.message ?? 'is not valid'}`);
    if (parties.some((party) => party.org === code.data)) {
      problems.push(`parties: ${code.data} is named twice`);
      return [];
    }
    parties.push({ org: code.data, share: share.success ? (share.data ?? null) : null });
  }
  if (parties.length > partiesMax) problems.push(`parties: An agreement has at most ${partiesMax} parties`);
  else if (parties.length < 2) problems.push('parties: Choose at least two parties to share the risk');
  return parties;
}

export { valuesOf };
