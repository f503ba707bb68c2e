import { z } from 'zod';
import {
  peerFindingKinds,
  peerReviewFocuses,
  peerReviewThemes,
  peerTeamRoles,
} from '../../domain/peer-review.ts';
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
 * A peer review's fields checked at the use cases' door: every problem is listed at once as
 * `field: problem` (VALIDATION_FAILED), each field named as the web forms and the JSON API name it.
 * Action plan items are `action_<n>_description`, `action_<n>_owner` and `action_<n>_due`.
 */

export const titleMax = 200;
export const textMax = 10_000;
export const nameMax = 200;
/** At most this many action plan items at once. */
export const actionsMax = 20;

const yesNo = z.preprocess(
  (value) => value === true || value === 'on' || value === 'true' || value === 'yes',
  z.boolean(),
);

export const fieldRules = {
  org: organisationCode('Give the ODS code of the organisation to be reviewed'),
  title: text(titleMax, 'Enter a title', 'The title'),
  focus: z.enum(peerReviewFocuses, {
    error: 'Choose what the review looks at: culture, relationships and integrity, or a service',
  }),
  questions: text(textMax, 'Enter the questions you want the peer team to answer', 'The questions'),
  scopingBy: isoDate('Enter the date scoping is to be done by'),
  onSiteFrom: isoDate('Enter the first on-site day'),
  onSiteTo: isoDate('Enter the last on-site day'),
  reportDue: z.preprocess(blank, isoDate('Enter the date the report is due').optional()),
  name: text(nameMax, 'Enter the person’s name', 'The name'),
  role: z.enum(peerTeamRoles, { error: 'Choose the person’s role on the team' }),
  email: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .toLowerCase()
      .email('Enter the email address of their Tend account, or leave it empty')
      .optional(),
  ),
  memberOrg: z.preprocess(
    blank,
    organisationCode('Give the ODS code of the organisation they come from, or leave it empty').optional(),
  ),
  decision: z.enum(['accept', 'decline'], { error: 'Choose whether to join the peer team' }),
  theme: z.enum(peerReviewThemes, { error: 'Choose the theme' }),
  kind: z.enum(peerFindingKinds, { error: 'Choose whether it is a finding or a recommendation' }),
  body: text(textMax, 'Write the finding or recommendation', 'The text'),
  summary: text(textMax, 'Write the report’s summary', 'The summary'),
  publicReport: yesNo,
  publicActionPlan: yesNo,
  publicProgress: yesNo,
  progressDue: z.preprocess(blank, isoDate('Enter the date the progress review is due').optional()),
  progress: text(textMax, 'Write what has changed since the report', 'The progress review'),
} as const;

export type FieldName = keyof typeof fieldRules;

export const checkField = fieldChecker(fieldRules);

const fieldOrder: readonly string[] = [
  'org',
  'title',
  'focus',
  'questions',
  'scopingBy',
  'onSiteFrom',
  'onSiteTo',
  'reportDue',
  'name',
  'role',
  'email',
  'memberOrg',
  'decision',
  'theme',
  'kind',
  'body',
  'summary',
  'publicReport',
  'publicActionPlan',
  'publicProgress',
  'progressDue',
  ...Array.from({ length: actionsMax }, (_, index) =>
    ['description', 'owner', 'due'].map((part) => `action_${index + 1}_${part}`),
  ).flat(),
  'progress',
];

/** VALIDATION_FAILED listing every problem in the order of the form's fields (`validationFailed`). */
export function validationFailed(thing: string, unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder(thing, unordered, fieldOrder);
}

/** NOT_FOUND for a review the actor cannot read, worded so that its existence is not revealed. */
export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `There is no peer review ${id} that you can read.`);
}

/** One action plan item as given. */
export interface ActionInput {
  readonly row: number;
  readonly description: string;
  readonly owner: string;
  readonly dueOn: string;
}

const description = text(2_000, 'Describe the action', 'The action');
const owner = text(nameMax, 'Say who owns the action: a Tend user’s email address or a name', 'The owner');
const due = isoDate('Enter the date the action is due');

/**
 * The action plan's items (`checkActions`): from `actions` (a JSON list of `{ description, owner,
 * dueOn }`) or from form rows `action_<n>_…`; rows left wholly empty are skipped. At least one.
 */
export function checkActions(
  values: Record<string, unknown>,
  problems: string[],
): { actions: ActionInput[]; owners: { row: number; owner: string }[] } {
  const rows: { row: number; description: unknown; owner: unknown; dueOn: unknown }[] = [];
  if (Array.isArray(values.actions)) {
    values.actions.slice(0, actionsMax).forEach((item, index) => {
      const each = valuesOf(item);
      rows.push({ row: index + 1, description: each.description, owner: each.owner, dueOn: each.dueOn });
    });
  } else {
    for (let row = 1; row <= actionsMax; row++) {
      const found = ['description', 'owner', 'due'].map((part) => values[`action_${row}_${part}`]);
      if (found.every((value) => value === undefined || value === '')) continue;
      rows.push({ row, description: found[0], owner: found[1], dueOn: found[2] });
    }
  }
  if (rows.length === 0) {
    problems.push('action_1_description: Agree at least one action for the action plan');
    return { actions: [], owners: [] };
  }
  const actions: ActionInput[] = [];
  const owners: { row: number; owner: string }[] = [];
  for (const row of rows) {
    const checks = [
      [`action_${row.row}_description`, description.safeParse(row.description)],
      [`action_${row.row}_owner`, owner.safeParse(row.owner)],
      [`action_${row.row}_due`, due.safeParse(row.dueOn)],
    ] as const;
    for (const [field, parsed] of checks)
      if (!parsed.success) problems.push(`${field}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
    const [first, second, third] = checks.map(([, parsed]) => parsed);
    if (second.success) owners.push({ row: row.row, owner: String(second.data) });
    if (first.success && second.success && third.success)
      actions.push({
        row: row.row,
        description: String(first.data),
        owner: String(second.data),
        dueOn: String(third.data),
      });
  }
  return { actions, owners };
}

export { optionalText, valuesOf };
